import { dirname } from 'node:path';
import { defineCommand } from '../../lib/cli-kit.ts';
import { readRunResults } from '../../gate/read-records.ts';
import { writeReport } from '../../reports/write.ts';

export const command = defineCommand({
  name: 'report',
  summary: 'Re-render REPORT.md and charts/*.svg from a results.json alone (no measuring).',
  args: 'RESULTS.json',
  details: `example: loadlab report reports/sample/results.json --out /tmp/r`,
  options: {
    out: {
      kind: 'string',
      value: 'DIR',
      defaultText: 'the directory of RESULTS.json',
      help: 'where REPORT.md and charts/ go',
    },
    json: { kind: 'boolean', help: 'print what was written as JSON ({report, charts, chartErrors}) on stdout' },
  },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const file = positionals[0]!;
    const run = readRunResults(file);
    const written = await writeReport(run, values.out ?? dirname(file));
    for (const e of written.chartErrors) process.stderr.write(`warning: chart not rendered: ${e}\n`);
    if (values.json) {
      process.stdout.write(JSON.stringify(written, null, 2) + '\n');
      return 0;
    }
    process.stdout.write(`${written.report}\n${written.charts.join('\n')}${written.charts.length ? '\n' : ''}`);
    return 0;
  },
});
