/**
 * What the counted child (child.cjs) is told to do, built from the project's own data:
 * the profile's PRAGMAs in the order openDatabase sets them, the workload's SQL and batch,
 * and parameter sets drawn from the seed exactly as the bench driver draws them.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { openPragmaStatements, READBACK_PRAGMAS } from '../../db/open.ts';
import type { Profile } from '../../db/profiles.ts';
import type { SqlParams } from '../../db/sql-params.ts';
import type { Workload } from '../workloads/types.ts';

/** The child script: plain CommonJS, so node starts it fast under valgrind. */
export const CHILD_SCRIPT = fileURLToPath(new URL('./child.cjs', import.meta.url));

/** better-sqlite3 as this project resolves it, so the child loads the same build. */
export const DRIVER_PATH = createRequire(import.meta.url).resolve('better-sqlite3');

/** The job file child.cjs reads. The operation count comes on its command line, so an n run and a 2n run
 * read job files of the same size. */
export interface ChildJob {
  driver: string;
  database: string;
  /** better-sqlite3's `timeout` option (busy timeout), ms. */
  timeoutMs: number;
  /** `db.pragma()` arguments, in order. */
  pragmas: string[];
  /** PRAGMAs to read back after setting them. */
  readback: string[];
  sql: string;
  /** Cycled in order, one per statement. */
  paramSets: SqlParams[];
  batch: number;
  writeTransaction: 'deferred' | 'immediate';
  resultFile: string;
  /** Calibration only: iterations of a fixed integer loop after every operation, on average (0 = none; 1.5 = 3 every 2). */
  extraWork: number;
}

/** What the child writes to `resultFile` when it finishes. */
export const ChildResult = z.object({
  effective: z.record(z.string(), z.union([z.number(), z.string()])),
  sqlite: z.string(),
});
export type ChildResult = z.infer<typeof ChildResult>;

/** The `db.pragma()` calls openDatabase makes for a profile, in its order (db/open.ts records them from itself). */
export function openPragmas(profile: Profile): string[] {
  return openPragmaStatements(profile, { setJournalMode: true, readonly: false });
}

/** Why parameter sets cannot travel to the child as JSON (bigint, Buffer, NaN), or null when they can. */
export function unportableParams(paramSets: readonly SqlParams[]): string | null {
  for (const set of paramSets) {
    for (const value of Object.values(set)) {
      if (value === null || typeof value === 'string') continue;
      if (typeof value === 'number' && Number.isFinite(value)) continue;
      const what = typeof value === 'number' ? String(value) : typeof value === 'bigint' ? 'a bigint' : 'a Buffer';
      return `parameter ${what} cannot be passed to the child as JSON`;
    }
  }
  return null;
}

export interface JobInput {
  workload: Workload;
  profile: Profile;
  paramSets: SqlParams[];
  /** Calibration only (see ChildJob.extraWork). */
  extraWork?: number;
}

/** A job without its file names: those are fixed inside each run directory (count-job.ts). */
export type JobSpec = Omit<ChildJob, 'database' | 'resultFile'>;

/** The job of a bench operation under a profile. */
export function buildJob(input: JobInput): JobSpec {
  return {
    driver: DRIVER_PATH,
    timeoutMs: input.profile.connection.busy_timeout ?? 0,
    pragmas: openPragmas(input.profile),
    readback: [...READBACK_PRAGMAS],
    sql: input.workload.sql,
    paramSets: input.paramSets,
    batch: input.workload.batch ?? 1,
    writeTransaction: input.profile.writeTransaction,
    extraWork: input.extraWork ?? 0,
  };
}
