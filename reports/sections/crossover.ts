import type { RunResults } from '../../lib/records/run.ts';
import { judgeCrossover } from '../../crossover/judge.ts';

/**
 * The guide's last chapter ("move to PostgreSQL above …"), judged by the run's crossover
 * stage: one row per threshold with its computed verdict, and where each dimension crossed.
 * Empty when the stage did not run.
 */
export function renderCrossoverSection(run: RunResults): string {
  const x = run.crossover;
  if (!x || x.records.length === 0) return '';
  const preset = (x.options as { preset?: 'quick' | 'full' }).preset ?? null;
  const verdicts = judgeCrossover(x, preset);
  const lines = [
    `SQLite \`${(x.options as { sqliteProfile?: string }).sqliteProfile}\` vs PostgreSQL ${x.postgres.version} ` +
      `\`${(x.options as { pgProfile?: string }).pgProfile}\` on the same requests; a side is ahead only when the whole ` +
      `interval of its paired ratio is beyond ±${x.noise.pct} %.`,
    '',
    '| guide says | verdict | why | throughput | p95 |',
    '|---|---|---|---|---|',
    ...verdicts.map(
      (v) =>
        `| ${v.plan.claim} | **${v.ledger.verdict}** | ${v.ledger.reason} | ${v.throughput.text} | ${v.p95.text} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
