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
  },
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
