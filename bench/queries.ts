import type { Profile } from '../db/profiles.ts';
import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { BenchRecord } from '../lib/records/bench.ts';
import { UsageError } from '../lib/errors.ts';
import { measureArms, type PlannedOp } from './driver.ts';
import { BENCH_DEFAULTS, checkCommon, benchProfiles, type CommonBenchOptions } from './options.ts';
import { readQueriesFile, type Query } from '../db/queries-file.ts';
import { copyDatabase, createWorkspace } from './workspace.ts';

export interface QueriesBenchOptions extends Omit<CommonBenchOptions, 'scale' | 'seed'> {
  /** The user's SQLite file. Never opened: it is copied, and its checksum checked after the run. */
  db: string;
  /** Path of a queries file (see queries-file.ts), or the parsed queries. */
  queries: string | Query[];
  profiles?: Profile[];
}

export interface QueriesBenchResult {
  records: BenchRecord[];
  source: { db: string; sha256: string; bytes: number; queries: number; queriesFile?: string };
}

/** SHA-256 of a database file and its -wal, if any. */
export function databaseChecksum(file: string): string {
  const hash = createHash('sha256').update(readFileSync(file));
  if (existsSync(file + '-wal')) hash.update(readFileSync(file + '-wal'));
  return hash.digest('hex');
}

/**
 * Runs the user's queries under each profile on copies of the user's database. The
 * profile's PRAGMAs are applied to the copy (journal mode and connection PRAGMAs; not its
 * indexes, which belong to the guide's schema). Reads share one copy per profile; each
 * writing query gets a fresh copy per profile. Throws if the user's file changed.
 */
export async function runQueriesBench(opts: QueriesBenchOptions): Promise<QueriesBenchResult> {
  const { timeMs, dataDir } = checkCommon({ ...opts, scale: 1, seed: 0 });
  const userDb = resolve(opts.db);
  if (!existsSync(userDb) || !statSync(userDb).isFile()) throw new UsageError(`database not found: ${opts.db}`);
  const queries = typeof opts.queries === 'string' ? readQueriesFile(opts.queries) : opts.queries;
  const arms = benchProfiles(opts.profiles, BENCH_DEFAULTS.profiles);
  const before = databaseChecksum(userDb);
  const workspace = opts.workspace ?? createWorkspace({ dataDir, scale: 1, seed: 0 });
  let records: BenchRecord[];
  try {
    const source = join(workspace.dir, `byo-${basename(userDb).replace(/[^A-Za-z0-9_.-]/g, '_')}`);
    copyDatabase(userDb, source);
    const ops = planQueries(source, queries);
    records = await measureArms({
      arms,
      ops,
      workspace,
      sourceFor: () => source,
      measure: { timeMs },
      stage: 'queries',
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } finally {
    if (!opts.workspace) workspace.cleanup();
  }
  const after = databaseChecksum(userDb);
  if (after !== before)
    throw new Error(`the user's database ${userDb} changed during the run (sha256 ${before} -> ${after})`);
  return {
    records,
    source: {
      db: userDb,
      sha256: before,
      bytes: statSync(userDb).size,
      queries: queries.length,
      ...(typeof opts.queries === 'string' ? { queriesFile: resolve(opts.queries) } : {}),
    },
  };
}

/** Queries as operations; whether each writes is asked of SQLite on the copy. */
function planQueries(copy: string, queries: Query[]): PlannedOp[] {
  const db = new Database(copy, { fileMustExist: true });
  try {
    return queries.map((q) => {
      let writes = false;
      try {
        writes = !db.prepare(q.sql).readonly;
      } catch {
        // Left to the measurement, which records the prepare error for every profile.
      }
      return {
        workload: { name: q.name, summary: oneLine(q.sql), writes, sql: q.sql, params: () => [] },
        paramSets: q.params,
      };
    });
  } finally {
    db.close();
  }
}

function oneLine(sql: string): string {
  const s = sql.replace(/\s+/g, ' ');
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
