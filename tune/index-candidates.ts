/**
 * Candidate indexes from the queries' plans: for each full scan of a large table, each sort
 * in a temporary b-tree and each automatic index, the index that would serve that table in
 * that statement (tune/predicates.ts). A candidate is kept only when SQLite, asked again with
 * the index in place (inside a transaction that is rolled back), plans a query differently.
 */
import type Database from 'better-sqlite3';
import { quoteIdent, tableColumns, tableIndexes } from '../ops/catalog.ts';
import { EXPLAIN_DEFAULTS, explainQuery, type ExplainedQuery } from '../ops/explain.ts';
import type { QuerySpec } from '../ops/queries-file.ts';
import { proposedColumns, readPredicates } from './predicates.ts';

export interface IndexCandidate {
  name: string;
  table: string;
  columns: string[];
  /** The statement that creates it, identifiers quoted (never user text pasted in). */
  sql: string;
  /** What in which plan made it a candidate. */
  reasons: string[];
  /** Queries whose plan it changes, with the plan before and after. */
  changes: { query: string; before: string[]; after: string[] }[];
  /** Candidates that must be there too for it to help (a join's other side), by name; measured with them on both sides. */
  requires: string[];
}

export interface CandidateSearch {
  candidates: IndexCandidate[];
  /** Proposals SQLite did not take (the plan stayed the same), with why they were proposed. */
  rejected: { name: string; columns: string[]; table: string; reason: string }[];
  /** Each query's plan before any candidate, for the report. */
  plans: { query: string; plan: string[]; findings: string[] }[];
}

/** Findings an index can remove: scans of large tables, temp b-tree sorts, automatic indexes. */
const problems = (q: ExplainedQuery) =>
  q.findings.filter((f) => (f.kind === 'scan' && f.gating) || f.kind !== 'scan').length;

const planLines = (q: ExplainedQuery) => q.plan.map((s) => `${'  '.repeat(s.depth)}${s.detail}`);

/** The table's INTEGER PRIMARY KEY column (the rowid's alias), if it has one. */
function rowidAlias(db: Database.Database, table: string): string | undefined {
  const rows = db.prepare('SELECT name, type, pk FROM pragma_table_info(?)').all(table) as {
    name: string;
    type: string;
    pk: number;
  }[];
  const pk = rows.filter((r) => r.pk > 0);
  return pk.length === 1 && pk[0]!.type.toUpperCase() === 'INTEGER' ? pk[0]!.name : undefined;
}

export function indexName(table: string, columns: string[]): string {
  return `tune_${table}_${columns.join('_')}`.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 60);
}

export function createIndexStatement(name: string, table: string, columns: string[]): string {
  return `CREATE INDEX ${quoteIdent(name)} ON ${quoteIdent(table)}(${columns.map(quoteIdent).join(', ')})`;
}

/** Finds, proposes and checks candidate indexes on `db` (a copy: it is written to, and rolled back). */
export function findIndexCandidates(
  db: Database.Database,
  specs: QuerySpec[],
  minRows: number = EXPLAIN_DEFAULTS.minRows,
): CandidateSearch {
  const rowCache = new Map<string, number | null>();
  const explained = specs.map((s) => explainQuery(db, s, minRows, rowCache));
  const columnsCache = new Map<string, string[]>();
  const columnsOf = (t: string) => {
    if (!columnsCache.has(t)) columnsCache.set(t, tableColumns(db, t));
    return columnsCache.get(t)!;
  };
  const proposals = new Map<string, { table: string; columns: string[]; reasons: string[] }>();
  explained.forEach((q, i) => {
    const pred = readPredicates(specs[i]!.tokens, columnsOf);
    const tables = new Set<string>();
    for (const f of q.findings) {
      if (f.kind === 'scan' && f.gating && f.table) tables.add(f.table);
      if (f.kind === 'temp-btree' && pred.orderBy && pred.orderBy.length > 0) tables.add(pred.orderBy[0]!.table);
      if (f.kind === 'automatic-index') {
        const m = /AUTOMATIC (?:PARTIAL )?(?:COVERING )?INDEX/.exec(f.detail);
        if (m) for (const t of pred.byTable.keys()) if (f.detail.includes(t)) tables.add(t);
      }
    }
    for (const table of tables) {
      if (!columnsOf(table).length) continue;
      let cols = proposedColumns(pred, table);
      if (!cols) continue;
      const alias = rowidAlias(db, table);
      // The rowid is searched by the table itself and every index ends with it: its alias adds nothing.
      cols = cols.filter((c) => c !== alias);
      if (cols.length === 0) continue;
      const existing = tableIndexes(db, table).filter((ix) => !ix.partial);
      if (existing.some((ix) => cols!.every((c, k) => ix.columns[k] === c))) continue;
      const key = `${table}(${cols.join(',')})`;
      const p = proposals.get(key) ?? { table, columns: cols, reasons: [] };
      p.reasons.push(`${q.name}: ${q.findings.map((f) => f.message).join('; ')}`);
      proposals.set(key, p);
    }
  });

  /** The queries whose plan `sql` improves when the `present` indexes exist on both sides. */
  const improvements = (name: string, sql: string, present: readonly IndexCandidate[]) => {
    const changes: IndexCandidate['changes'] = [];
    db.exec('BEGIN');
    try {
      for (const ix of present) db.exec(ix.sql);
      const cache = new Map<string, number | null>();
      const before = specs.map((s) => explainQuery(db, s, minRows, cache));
      db.exec(sql);
      before.forEach((b, i) => {
        const after = explainQuery(db, specs[i]!, minRows, cache);
        const a = planLines(after);
        // It must remove what made it a candidate (a scan, a sort, an automatic index), not just reshape the plan.
        if (a.some((l) => l.includes(name)) && problems(after) < problems(b))
          changes.push({ query: b.name, before: planLines(b), after: a });
      });
    } finally {
      db.exec('ROLLBACK');
    }
    return changes;
  };

  const candidates: IndexCandidate[] = [];
  const rejected: CandidateSearch['rejected'] = [];
  const second: { name: string; sql: string; p: { table: string; columns: string[]; reasons: string[] } }[] = [];
  for (const p of proposals.values()) {
    const name = indexName(p.table, p.columns);
    const sql = createIndexStatement(name, p.table, p.columns);
    const changes = improvements(name, sql, []);
    if (changes.length > 0)
      candidates.push({ name, table: p.table, columns: p.columns, sql, reasons: p.reasons, changes, requires: [] });
    else second.push({ name, sql, p });
  }
  // A join may need an index on each side: one alone only moves the scan to the other table.
  // A proposal that did nothing alone is asked again with every first-pass candidate in place.
  const first = [...candidates];
  for (const { name, sql, p } of second) {
    const changes = first.length > 0 ? improvements(name, sql, first) : [];
    if (changes.length > 0)
      candidates.push({
        name,
        table: p.table,
        columns: p.columns,
        sql,
        reasons: p.reasons,
        changes,
        // Only those without which it stops helping.
        requires: first
          .filter(
            (f) =>
              improvements(
                name,
                sql,
                first.filter((x) => x !== f),
              ).length < changes.length,
          )
          .map((f) => f.name),
      });
    else
      rejected.push({
        name,
        table: p.table,
        columns: p.columns,
        reason: 'with it, SQLite still scans, sorts or builds an automatic index',
      });
  }
  return {
    candidates,
    rejected,
    plans: explained.map((q) => ({ query: q.name, plan: planLines(q), findings: q.findings.map((f) => f.message) })),
  };
}

/**
 * Whether `c` adds nothing beside `others`: on every query whose plan it changed, the plan
 * with `others` alone has no more scans, sorts or automatic indexes than with `c` too (an
 * index on (a, b) serves `a = ?` but not `a = ? ORDER BY rowid`, which (a) serves without a
 * sort). Asked inside a transaction that is rolled back; `db` is a copy.
 */
export function servedWithout(
  db: Database.Database,
  specs: QuerySpec[],
  others: readonly IndexCandidate[],
  c: IndexCandidate,
  minRows: number = EXPLAIN_DEFAULTS.minRows,
): boolean {
  const mine = specs.filter((s) => c.changes.some((ch) => ch.query === s.name));
  const count = (present: readonly IndexCandidate[]) => {
    db.exec('BEGIN');
    try {
      for (const ix of present) db.exec(ix.sql);
      const cache = new Map<string, number | null>();
      return mine.map((s) => problems(explainQuery(db, s, minRows, cache)));
    } finally {
      db.exec('ROLLBACK');
    }
  };
  const withIt = count([...others, c]);
  const without = count(others);
  return without.every((n, i) => n <= withIt[i]!);
}
