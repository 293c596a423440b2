import Database from 'better-sqlite3';
import type { Audit } from '../lib/records/load.ts';
import type { EndpointCounts } from './engines/autocannon/generator.ts';
import type { ScenarioDef } from './scenarios.ts';

/** The tables a scenario inserts into, with row counts. */
export type TableCounts = Record<string, number>;

export function insertTables(scenario: ScenarioDef): string[] {
  return [...new Set(scenario.endpoints.flatMap((e) => (e.inserts ? [e.inserts] : [])))];
}

/** Counts rows of `tables` and runs PRAGMA integrity_check (when asked) on a database file. */
export function inspectDatabase(
  file: string,
  tables: string[],
  integrity: boolean,
): { counts: TableCounts; integrity: string } {
  const db = new Database(file, { fileMustExist: true });
  try {
    const counts: TableCounts = {};
    for (const t of tables) {
      if (!/^[a-z_]+$/.test(t)) throw new Error(`bad table name '${t}'`);
      counts[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    }
    const result = integrity
      ? (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ')
      : 'not checked';
    return { counts, integrity: result };
  } finally {
    db.close();
  }
}

export interface AuditInput {
  scenario: ScenarioDef;
  /** Per endpoint counts from the generator (whole run, warm-up included). */
  byEndpoint: Record<string, EndpointCounts>;
  before: TableCounts;
  after: TableCounts;
  integrity: string;
}

/**
 * Every 2xx insert must be a new row (else `lost`), and every new row must come from a
 * request (else `phantom`). A write sent but never answered (in flight when the run stopped,
 * or timed out) may have committed, so phantom rows up to that number are not a failure.
 */
export function auditWrites(input: AuditInput): Audit {
  const byTable: NonNullable<Audit['byTable']> = {};
  for (const table of insertTables(input.scenario)) {
    let acked = 0;
    let unanswered = 0;
    for (const e of input.scenario.endpoints) {
      if (e.inserts !== table) continue;
      const c = input.byEndpoint[e.name] ?? { sent: 0, answered: 0, ok2xx: 0 };
      acked += c.ok2xx;
      unanswered += Math.max(0, c.sent - c.answered);
    }
    byTable[table] = { acked, rows: (input.after[table] ?? 0) - (input.before[table] ?? 0), unanswered };
  }
  let acked = 0;
  let rows = 0;
  let lost = 0;
  let phantom = 0;
  let unanswered = 0;
  let phantomBeyondUnanswered = false;
  for (const t of Object.values(byTable)) {
    acked += t.acked;
    rows += t.rows;
    unanswered += t.unanswered;
    lost += Math.max(0, t.acked - t.rows);
    const extra = Math.max(0, t.rows - t.acked);
    phantom += extra;
    if (extra > t.unanswered) phantomBeyondUnanswered = true;
  }
  const ok = lost === 0 && !phantomBeyondUnanswered && input.integrity === 'ok';
  return { acked, rows, lost, phantom, integrity: input.integrity, ok, unanswered, byTable };
}

/** One line saying why an audit failed. */
export function auditFailure(a: Audit): string {
  const parts: string[] = [];
  if (a.lost > 0) parts.push(`${a.lost} acknowledged write(s) lost`);
  if (a.phantom > (a.unanswered ?? 0))
    parts.push(`${a.phantom} phantom row(s), only ${a.unanswered ?? 0} unanswered write(s) could explain them`);
  if (a.integrity !== 'ok') parts.push(`integrity_check: ${a.integrity.slice(0, 200)}`);
  return `audit failed: ${parts.join('; ') || 'unknown'}`;
}
