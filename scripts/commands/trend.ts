import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { defineCommand } from '../../lib/cli-kit.ts';
import { writeFileAtomic } from '../../lib/atomic-write.ts';
import { readRunResults } from '../../gate/read-records.ts';
import { renderSvg } from '../../reports/charts/render.ts';
import { renderTrend, trendChart, trendRows } from '../../reports/trend.ts';

/** A run directory means its results.json. */
export function resultsPath(arg: string): string {
  return existsSync(arg) && statSync(arg).isDirectory() ? join(arg, 'results.json') : arg;
}

export const command = defineCommand({
  name: 'trend',
  summary: 'Turn several runs into a trend table and chart (month over month).',
  args: 'DIR|RESULTS.json...',
  details: `Each argument is a run directory (its results.json) or a results.json from 'loadlab run'.
Runs are ordered by start time; one row per run and profile: read rps, write rps, p95, capacity
(≥ when the capacity is only a lower bound). Quick and full runs are separate series, and so are
runs of different machines (CPU model, cores, Node or SQLite version: one table each): a change is
only ever against the previous run of the same profile, mode and machine.

example: loadlab trend reports/runs/* --out reports/trend`,
  options: {
    out: { kind: 'string', value: 'DIR', help: 'also write DIR/TREND.md and DIR/trend.svg' },
    json: { kind: 'boolean', help: 'print the rows as JSON on stdout instead of the table' },
  },
  positionals: [1, 1000],
  async run({ values, positionals }) {
    const runs = positionals.map((p) => readRunResults(resultsPath(p)));
    const rows = trendRows(runs);
    process.stdout.write(values.json ? JSON.stringify(rows, null, 2) + '\n' : renderTrend(rows, 'text'));
    if (values.out) {
      const spec = trendChart(rows);
      const md = ['# Trend', '', renderTrend(rows), spec ? '![trend](trend.svg)\n' : ''].join('\n');
      if (spec) writeFileAtomic(join(values.out, 'trend.svg'), await renderSvg(spec));
      writeFileAtomic(join(values.out, 'TREND.md'), md);
      process.stderr.write(`wrote ${join(values.out, 'TREND.md')}\n`);
    }
    return 0;
  },
});
