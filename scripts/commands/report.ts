import { dirname } from 'node:path';
import { defineCommand } from '../../lib/cli-kit.ts';
import { readRunResults } from '../../gate/read-records.ts';
import { writeReport } from '../../reports/write.ts';

export const command = defineCommand({
  name: 'report',
  summary: 'Re-render REPORT.md and charts/*.svg from a results.json alone (no measuring).',
  usage: 'loadlab report RESULTS.json [--out DIR]',
  details: `options:
  --out DIR   where REPORT.md and charts/ go (default: the directory of RESULTS.json)

example: loadlab report reports/sample/results.json --out /tmp/r`,
  options: { out: { type: 'string' } },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const file = positionals[0]!;
    const run = readRunResults(file);
    const written = await writeReport(run, values.out ?? dirname(file));
    for (const e of written.chartErrors) process.stderr.write(`warning: chart not rendered: ${e}\n`);
    process.stdout.write(`${written.report}\n${written.charts.join('\n')}${written.charts.length ? '\n' : ''}`);
    return 0;
  },
});
