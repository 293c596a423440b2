import { describe, expect, it } from 'vitest';
import { AB_QUICK } from '../../ab/presets.ts';
import { renderAbMarkdown } from '../../reports/ab-markdown.ts';
import { abFileOf, quickLike } from '../../test-support/ab-records.ts';
import { builtinCatalog, catalogFromSpec } from '../../catalog/catalog.ts';
import { changedProfiles, sharedProfiles } from './ab.ts';

const config = (profiles: string[]) => ({ ...AB_QUICK, profiles });

describe("ab with two sides' configs naming different profiles", () => {
  it('a profile the pull request adds has no baseline: not compared, listed; the common ones run on both sides', () => {
    const r = sharedProfiles(config(['untuned', 'tuned', 'mine']), config(['untuned', 'tuned', 'mine', 'mine2']));
    expect(r.baseConfig.profiles).toEqual(['untuned', 'tuned', 'mine']);
    expect(r.candConfig.profiles).toEqual(['untuned', 'tuned', 'mine']);
    expect(r.notCompared).toEqual(["mine2: only in the candidate's config"]);
  });

  it('a rename lists both names; the same lists compare everything', () => {
    expect(sharedProfiles(config(['tuned', 'mine']), config(['tuned', 'mine-v2'])).notCompared).toEqual([
      "mine: only in the baseline's config",
      "mine-v2: only in the candidate's config",
    ]);
    expect(sharedProfiles(config(['tuned']), config(['tuned'])).notCompared).toEqual([]);
  });

  it('no profile in common is a usage error naming both lists', () => {
    expect(() => sharedProfiles(config(['mine']), config(['tuned']))).toThrow(
      "the two sides' configs have no profile in common (baseline: mine; candidate: tuned)",
    );
  });

  it('AB.md lists what was not compared, and its first line says so', () => {
    const ab = { ...abFileOf(quickLike(8), 8), notCompared: ["mine2: only in the candidate's config"] };
    const md = renderAbMarkdown(ab);
    expect(md.split('\n')[0]).toContain("; not compared: mine2: only in the candidate's config");
    expect(md).toContain(
      "### Not compared (a profile only one side's config has: no pair)\n\n- mine2: only in the candidate's config",
    );
  });

  it('--changed-profiles: only a profile whose definition the change touched is measured', async () => {
    const side = (cache: number) =>
      catalogFromSpec({
        ...builtinCatalog().spec,
        customProfiles: { mine: { extends: 'tuned', pragmas: { cache_size: cache } } },
      });
    const names = ['untuned', 'tuned', 'mine'];
    expect(changedProfiles(names, await side(-200000), await side(-100000))).toEqual({
      profiles: ['mine'],
      same: ['untuned', 'tuned'],
    });
    expect(changedProfiles(names, await side(-200000), await side(-200000)).profiles).toEqual([]);
  });
});
