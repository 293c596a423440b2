import type Database from 'better-sqlite3';
import type { RowCounts } from '../../db/data-shape.ts';
import type { Rng } from '../../lib/rng.ts';
import type { SqlParams } from '../../db/sql-params.ts';

/** What a workload may know about the data: row counts of the seeded tables. */
export interface DataShape {
  rows: RowCounts;
}

/**
 * One operation as data. The driver prepares `sql` and draws `paramSets` parameter sets
 * from a fixed seed before timing starts; the timed function only cycles through them,
 * so every profile sees the same keys in the same order.
 */
export interface Workload {
  name: string;
  summary: string;
  /** Writes run on their own fresh copy of the database, per profile. */
  writes: boolean;
  sql: string;
  /** Parameters of one call. */
  params(rng: Rng, shape: DataShape): SqlParams;
  /** Statements per timed call, all in one transaction (default 1: autocommit). */
  batch?: number;
}

/** The timed function for a workload on an open database. Setup happens here, outside the timing. */
export type PreparedOp = () => void;

export interface PrepareContext {
  db: Database.Database;
  /** Pre-drawn parameter sets, cycled in order. */
  paramSets: SqlParams[];
  /** How a multi-statement call begins its transaction. */
  writeTransaction: 'deferred' | 'immediate';
}
