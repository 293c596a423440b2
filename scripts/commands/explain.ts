import { defineCommand } from '../../lib/cli-kit.ts';
import { UsageError } from '../../lib/errors.ts';
import { explainQueries, type ExplainReport } from '../../ops/explain.ts';
import { SHARED } from '../flags.ts';
import { inlineQuery, parseParamsFlag, readExplainQueries } from '../../ops/queries-file.ts';

const MARK = { scan: '!', 'temp-btree': '~', 'automatic-index': '~' } as const;

/** The text report of `loadlab explain` (pure). */
export function renderExplain(r: ExplainReport, failOnScan: boolean): string {
  const lines: string[] = [];
  for (const q of r.queries) {
    lines.push(`${q.name} (line ${q.line})`, `  ${q.sql.replace(/\s+/g, ' ')}`);
    for (const step of q.plan) lines.push(`  ${'  '.repeat(step.depth)}${step.detail}`);
    for (const f of q.findings) lines.push(`  ${f.kind === 'scan' && !f.gating ? '-' : MARK[f.kind]} ${f.message}`);
    lines.push('');
  }
  const verdict =
    r.gatingScans === 0 ? 'no flagged scan' : `${r.gatingScans} flagged scan(s) of tables over ${r.minRows} rows`;
  lines.push(
    `${r.queries.length} queries: ${verdict}, ${r.tempBtrees} temp b-tree(s)` +
      (failOnScan ? (r.gatingScans > 0 ? ' -> gate FAILED (--fail-on-scan)' : ' -> gate passed') : ''),
  );
  return lines.join('\n') + '\n';
}

export const command = defineCommand({
  name: 'explain',
  summary:
    'EXPLAIN QUERY PLAN for queries, flagging full scans of large tables and temp b-trees: an index gate for CI.',
  args: 'DB',
  details: `Opens DB read-only (the file is never written) and runs EXPLAIN QUERY PLAN for each query,
parameters bound, never pasted into the SQL. Flags: '!' a full scan of a table with more
than --min-rows rows, '~' a temp b-tree (sort) or an automatic index, '-' a scan below the
threshold or allowed by a '-- allow-scan: why' comment above the statement.

Give exactly one of --sql (with --params if it has placeholders) or --queries.

exit: 0 ok, 1 a flagged scan with --fail-on-scan, 2 bad path / bad SQL / not SQLite / locked.
example: loadlab explain data/untuned.sqlite --queries ops/fixture-queries.sql --fail-on-scan`,
  options: {
    sql: { kind: 'string', value: 'SQL', help: 'one statement' },
    params: {
      kind: 'string',
      value: 'JSON',
      defaultText: 'NULL for each placeholder',
      help: 'the parameters of --sql: [1, "x"] or {"id": 1}',
    },
    queries: {
      kind: 'string',
      value: 'FILE',
      help:
        "the bench's queries file format: statements ending in ';', '-- @name x', '-- @params [..]' " +
        "(the first set is used), '-- allow-scan: why' (example: ops/fixture-queries.sql)",
    },
    'min-rows': { ...SHARED['min-rows'], help: 'scans of tables with at most N rows are not flagged' },
    'fail-on-scan': { kind: 'boolean', help: 'exit 1 when a flagged scan remains' },
    json: { kind: 'boolean', help: 'print the result as JSON' },
  },
  positionals: [1, 1],
  async run({ values, positionals }) {
    if ((values.sql === undefined) === (values.queries === undefined))
      throw new UsageError('explain: give exactly one of --sql or --queries');
    if (values.params !== undefined && values.sql === undefined)
      throw new UsageError('explain: --params goes with --sql (a queries file has -- @params lines)');
    const minRows = values['min-rows'];
    const specs =
      values.sql !== undefined
        ? [inlineQuery(values.sql, values.params === undefined ? undefined : parseParamsFlag(values.params))]
        : readExplainQueries(values.queries!);
    const report = explainQueries(positionals[0]!, specs, { minRows });
    const failOnScan = values['fail-on-scan'] ?? false;
    process.stdout.write(values.json ? JSON.stringify(report) + '\n' : renderExplain(report, failOnScan));
    return failOnScan && report.gatingScans > 0 ? 1 : 0;
  },
});
