/**
 * The figures README and docs/ quote from stored calibration files, checked against those
 * files: a number a reader acts on never drifts from the measurement it came from.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { median } from '../stats/basic.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const json = <T>(p: string) => JSON.parse(read(p)) as T;
const docs = ['README.md', ...readdirSync(join(ROOT, 'docs')).map((f) => `docs/${f}`)];
/** Each doc's text with Markdown line breaks folded, so a figure split over two lines is still found. */
const text = Object.fromEntries(docs.map((d) => [d, read(d).replace(/\s+/g, ' ')]));

describe('figures quoted in README and docs/ match the stored measurements', () => {
  it('the --quick wall time: the median and range of the ten ledger runs', () => {
    const s = json<{ perRun: { wallS: number }[] }>('reports/calibration/ledger/summary.json');
    const walls = s.perRun.map((r) => Math.round(r.wallS));
    expect(walls).toHaveLength(10);
    const quoted = `${Math.round(median(s.perRun.map((r) => r.wallS)))} s`;
    const range = `${Math.min(...walls)}-${Math.max(...walls)} s`;
    expect(text['README.md']).toContain(`${quoted} on this 2-core VM: the median of ten runs, ${range}`);
    expect(text['docs/run-report-ci.md']).toContain(`${quoted} (median of ten runs, ${range}`);
    // Every other mention of a --quick duration says the same figure.
    for (const [doc, t] of Object.entries(text))
      for (const m of t.matchAll(/(\d+) s measured on this 2-core VM/g)) expect(`${m[1]} s`, doc).toBe(quoted);
  });

  it("ab --quick's calibration: A/A false alarms and the 10 % detections, as counted in summary.json", () => {
    const rows = json<{ rows: { slowdownPct: number; runs: number; exit1: number }[] }>(
      'reports/calibration/ab-family/summary.json',
    ).rows;
    const aa = rows.find((r) => r.slowdownPct === 0)!;
    const ten = rows.find((r) => r.slowdownPct === 10)!;
    expect(text['README.md']).toContain(
      `${aa.exit1} exit 1 in ${aa.runs} A/A runs, a 10 % slowdown caught ${ten.exit1} of ${ten.runs}`,
    );
    expect(text['docs/calibration.md']).toContain(`| none (A/A) | – | **${aa.runs}** |`);
    expect(text['docs/calibration.md']).toContain(`**${aa.exit1} of ${aa.runs}** |`);
    expect(text['docs/calibration.md']).toContain(`**${ten.exit1} of ${ten.runs}** |`);
  });

  it('the exact counters: the injected runs caught and the A/A pairs flagged, as counted in summary.json', () => {
    const c = json<{
      plainRuns: number;
      aaPairs: number;
      aaFlagged: number;
      injected: {
        injectWork: number;
        runs: number;
        pointReadInstructionChangePct: number;
        detectedAgainstEveryPlainRun: number;
      }[];
    }>('reports/calibration/counted/summary.json');
    // Every stored run is counted: the files in the folder are the summary's runs.
    const files = readdirSync(join(ROOT, 'reports/calibration/counted')).filter((f) =>
      /^(plain|work)-\d+\.json$/.test(f),
    );
    expect(files.filter((f) => f.startsWith('plain-'))).toHaveLength(c.plainRuns);
    expect(files.filter((f) => f.startsWith('work-'))).toHaveLength(c.injected.reduce((n, r) => n + r.runs, 0));
    expect(c.injected).toHaveLength(1);
    const w = c.injected[0]!;
    const change = `+${w.pointReadInstructionChangePct.toFixed(1)} %`;
    expect(text['docs/calibration.md']).toContain(`| plain (A/A) | ${c.plainRuns} |`);
    expect(text['docs/calibration.md']).toContain(
      `| \`--inject-work ${w.injectWork}\` | ${w.runs} | ${change} (median)`,
    );
    expect(text['docs/calibration.md']).toContain(`${c.aaPairs} pairs of plain runs, **${c.aaFlagged} flagged`);
    expect(text['docs/calibration.md']).toContain(`**${w.detectedAgainstEveryPlainRun} of ${w.runs}** runs flagged`);
    expect(text['README.md']).toContain(
      `${w.detectedAgainstEveryPlainRun} of ${w.runs} runs at ${change} instructions caught, ${c.aaFlagged} of ${c.aaPairs} A/A pairs flagged`,
    );
  });

  it("ab --full's A/A on reduced durations: the runs and exit codes in its summary.json", () => {
    const aa = json<{ rows: { slowdownPct: number; runs: number; exit1: number }[] }>(
      'reports/calibration/ab-family-full/summary.json',
    ).rows.find((r) => r.slowdownPct === 0)!;
    const stored = readdirSync(join(ROOT, 'reports/calibration/ab-family-full')).filter((f) =>
      /^s0-\d+\.json$/.test(f),
    );
    expect(stored).toHaveLength(aa.runs);
    expect(text['docs/calibration.md']).toContain(`**${aa.runs} runs, exit 1 in ${aa.exit1} of ${aa.runs}**`);
    expect(text['README.md']).toContain(
      `\`ab --full\` A/A on reduced durations: ${aa.exit1} exit 1 in ${aa.runs} runs`,
    );
  });
});
