import type Database from 'better-sqlite3';
import { UsageError } from '../lib/errors.ts';
import { countRows, tableNames } from './catalog.ts';
import type { QuerySpec } from './queries-file.ts';
import { placeholders, tableAliases } from './sql-tokens.ts';
import { withReadOnly } from './sqlite-access.ts';

export interface PlanStep {
  id: number;
  parent: number;
  detail: string;
  /** Nesting depth in the plan tree (0 = top). */
  depth: number;
}

export type FindingKind = 'scan' | 'temp-btree' | 'automatic-index';

export interface Finding {
  kind: FindingKind;
  detail: string;
  /** For scans: the table and its row count (null when the name is a subquery or CTE). */
  table?: string;
  rows?: number | null;
  /** A scan that counts against --fail-on-scan: a real table with more than minRows rows, not allowed. */
  gating: boolean;
  message: string;
}

export interface ExplainedQuery {
  name: string;
  sql: string;
  line: number;
  plan: PlanStep[];
  findings: Finding[];
  allowScan?: string;
}

export interface ExplainOptions {
  /** Scans of tables with at most this many rows are not flagged. */
  minRows?: number;
}

export const EXPLAIN_DEFAULTS = { minRows: 1000 } as const;

export interface ExplainReport {
  file: string;
  minRows: number;
  queries: ExplainedQuery[];
  gatingScans: number;
  tempBtrees: number;
}

/** Binds a query's parameters: the given ones, or NULL for each placeholder. Never interpolated. */
function bindArgs(spec: QuerySpec): unknown[] {
  if (spec.params !== undefined) return Array.isArray(spec.params) ? spec.params : [spec.params];
  const { anonymous, named } = placeholders(spec.tokens);
  const args: unknown[] = Array.from({ length: anonymous }, () => null);
  if (named.length > 0) args.push(Object.fromEntries(named.map((n) => [n, null])));
  return args;
}

function planSteps(rows: { id: number; parent: number; detail: string }[]): PlanStep[] {
  const depth = new Map<number, number>([[0, -1]]);
  return rows.map((r) => {
    const d = (depth.get(r.parent) ?? -1) + 1;
    depth.set(r.id, d);
    return { id: r.id, parent: r.parent, detail: r.detail, depth: d };
  });
}

/** The table a plan line names: the longest known table or alias that follows the verb. */
function namedTable(rest: string, aliases: Map<string, string>): { shown: string; table?: string } {
  const candidates = [...aliases.keys()].sort((a, b) => b.length - a.length);
  for (const name of candidates)
    if (rest === name || rest.startsWith(name + ' ')) return { shown: name, table: aliases.get(name) };
  return { shown: rest.split(' ')[0] ?? rest };
}

/** EXPLAIN QUERY PLAN of one statement, with its findings. Prepare errors become UsageErrors naming the query. */
export function explainQuery(
  db: Database.Database,
  spec: QuerySpec,
  minRows: number,
  rowCache: Map<string, number | null>,
): ExplainedQuery {
  let rows: { id: number; parent: number; detail: string }[];
  try {
    rows = db.prepare(`EXPLAIN QUERY PLAN ${spec.sql}`).all(...bindArgs(spec)) as typeof rows;
  } catch (err) {
    throw new UsageError(`${spec.name} (line ${spec.line}): ${(err as Error).message.split('\n')[0]}`);
  }
  const known = new Set(tableNames(db));
  const aliases = new Map([...tableAliases(spec.tokens)].filter(([, table]) => known.has(table)));
  for (const t of known) if (!aliases.has(t)) aliases.set(t, t);
  const rowsOf = (table: string) => {
    if (!rowCache.has(table)) rowCache.set(table, countRows(db, table));
    return rowCache.get(table)!;
  };

  const findings: Finding[] = [];
  for (const step of rows) {
    const d = step.detail;
    if (d.startsWith('SCAN ') && !d.startsWith('SCAN CONSTANT ROW')) {
      const { shown, table } = namedTable(d.slice(5), aliases);
      const n = table === undefined ? null : rowsOf(table);
      const big = n !== null && n > minRows;
      const how = / USING (COVERING )?INDEX /.test(d) ? 'full index scan' : 'full table scan';
      findings.push({
        kind: 'scan',
        detail: d,
        table: table ?? shown,
        rows: n,
        gating: big && spec.allowScan === undefined,
        message:
          table === undefined
            ? `${how} of ${shown} (a subquery or CTE, not a table)`
            : `${how} of ${table} (${n ?? '?'} rows${big ? '' : `, at most --min-rows ${minRows}`})` +
              (big && spec.allowScan !== undefined ? `; allowed: ${spec.allowScan}` : ''),
      });
    } else if (d.startsWith('USE TEMP B-TREE')) {
      findings.push({
        kind: 'temp-btree',
        detail: d,
        gating: false,
        message: `sorts in a temporary b-tree (${d.slice('USE TEMP B-TREE '.length).toLowerCase()})`,
      });
    } else if (/AUTOMATIC (PARTIAL )?(COVERING )?INDEX/.test(d)) {
      findings.push({
        kind: 'automatic-index',
        detail: d,
        gating: false,
        message: 'SQLite builds a temporary index at every run: a real index would persist',
      });
    }
  }
  const out: ExplainedQuery = { name: spec.name, sql: spec.sql, line: spec.line, plan: planSteps(rows), findings };
  if (spec.allowScan !== undefined) out.allowScan = spec.allowScan;
  return out;
}

/** Explains every query through a read-only connection (the file is never written). */
export function explainQueries(file: string, specs: QuerySpec[], opts: ExplainOptions = {}): ExplainReport {
  const minRows = opts.minRows ?? EXPLAIN_DEFAULTS.minRows;
  return withReadOnly(file, (db) => {
    const cache = new Map<string, number | null>();
    const queries = specs.map((spec) => explainQuery(db, spec, minRows, cache));
    const all = queries.flatMap((q) => q.findings);
    return {
      file,
      minRows,
      queries,
      gatingScans: all.filter((f) => f.gating).length,
      tempBtrees: all.filter((f) => f.kind === 'temp-btree').length,
    };
  });
}
