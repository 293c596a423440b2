import type Database from 'better-sqlite3';
import { createRng, deriveSeed } from '../lib/rng.ts';
import type { SqlParams } from '../db/sql-params.ts';
import type { DataShape, PrepareContext, PreparedOp, Workload } from './workloads/types.ts';

/** Parameter sets drawn per operation; cycled in order. A power of two so the index wraps with a mask. */
export const PARAM_SETS = 4096;

/** The same parameter sets for every profile: derived from the seed and the operation's name only. */
export function drawParamSets(workload: Workload, shape: DataShape, seed: number, count = PARAM_SETS): SqlParams[] {
  const rng = createRng(deriveSeed(seed, `bench:${workload.name}`));
  const out: SqlParams[] = [];
  for (let i = 0; i < count; i++) out.push(workload.params(rng, shape));
  return out;
}

/**
 * Prepares the statement and returns the timed function. Reads fetch every row (`all`);
 * writes `run`; a batch runs `batch` statements inside one transaction.
 */
export function prepareOp(workload: Pick<Workload, 'sql' | 'batch'>, ctx: PrepareContext): PreparedOp {
  const stmt = ctx.db.prepare(workload.sql);
  const sets = ctx.paramSets;
  if (sets.length === 0) throw new Error('no parameter sets');
  let i = 0;
  const next = (): SqlParams => {
    const p = sets[i]!;
    i = i + 1 === sets.length ? 0 : i + 1;
    return p;
  };
  const once = stmt.reader ? () => void stmt.all(next()) : () => void stmt.run(next());
  const batch = workload.batch ?? 1;
  if (batch <= 1) return once;
  const tx = ctx.db.transaction(() => {
    for (let k = 0; k < batch; k++) once();
  });
  return ctx.writeTransaction === 'immediate' ? () => tx.immediate() : () => tx.deferred();
}

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

/** EXPLAIN QUERY PLAN as text, one detail per line, indented by depth. */
export function explainPlan(db: Database.Database, sql: string, params: SqlParams): string {
  const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as PlanRow[];
  const depth = new Map<number, number>([[0, -1]]);
  const lines: string[] = [];
  for (const r of rows) {
    const d = (depth.get(r.parent) ?? -1) + 1;
    depth.set(r.id, d);
    lines.push(`${'  '.repeat(d)}${r.detail}`);
  }
  return lines.join('\n');
}

/** Whether a statement writes, as SQLite sees it (INSERT … RETURNING included). */
export function statementWrites(db: Database.Database, sql: string): boolean {
  return !db.prepare(sql).readonly;
}
