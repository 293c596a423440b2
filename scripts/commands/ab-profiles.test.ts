import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI_BIN } from '../../lib/server-process.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
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

  it("the starter workflow's A/B of two configs with nothing changed: says so, exit 0, measures nothing", () => {
    const tmp = tempDir('loadlab-ab-configs-');
    try {
      const cfg = (name: string, cache: number) => {
        const f = join(tmp.dir, name);
        writeFileSync(
          f,
          JSON.stringify({
            customProfiles: { mine: { extends: 'tuned', pragmas: { cache_size: cache } } },
            profiles: ['untuned', 'tuned', 'mine'],
          }),
        );
        return f;
      };
      const args = (b: string, c: string) => [
        CLI_BIN,
        'ab',
        '.',
        '.',
        '--no-config',
        '--changed-profiles',
        '--baseline-config',
        b,
        '--candidate-config',
        c,
        '--quick',
        '--out',
        join(tmp.dir, 'out'),
      ];
      const same = spawnSync(process.execPath, args(cfg('a.json', -200000), cfg('b.json', -200000)), {
        encoding: 'utf8',
      });
      expect(same.status, same.stderr).toBe(0);
      expect(same.stdout).toBe(
        "ab: no profile's definition differs between the two configs (untuned, tuned, mine): nothing to measure\n",
      );
      // --no-config with --config is a usage error, one line.
      const both = spawnSync(
        process.execPath,
        [...args(cfg('c.json', 1), cfg('d.json', 1)), '--config', cfg('e.json', 1)],
        {
          encoding: 'utf8',
        },
      );
      expect(both.status).toBe(2);
      expect(both.stderr).toBe('error: --no-config and --config are exclusive\n');
    } finally {
      tmp.cleanup();
    }
  }, 30_000);
});
