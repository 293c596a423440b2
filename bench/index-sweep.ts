import Database from 'better-sqlite3';
import { join } from 'node:path';
import { CAMPAIGN_STATUS_MIX } from '../db/data-shape.ts';
import { openDatabase } from '../db/open.ts';
import { builtinProfile, type Profile } from '../db/profiles.ts';
import { sqliteTime } from '../db/seed.ts';
import { SQL } from '../db/store.ts';
import { UsageError } from '../lib/errors.ts';
import { createRng, deriveSeed } from '../lib/rng.ts';
import type { IndexSweepRecord } from '../lib/records/bench.ts';
import { errorText, measure } from './measure.ts';
import { yieldToEventLoop } from './driver.ts';
import { checkCommon, type CommonBenchOptions } from './options.ts';
import { explainPlan, prepareOp } from './prepare.ts';
import type { SqlParams } from '../db/sql-params.ts';
import { createWorkspace } from './workspace.ts';

export interface IndexSweepOptions extends Omit<CommonBenchOptions, 'scale'> {
  /** Table sizes for the query side (default 10k, 100k, 1M). */
  sizes?: number[];
  /** Table size the insert side runs on (default 100k). */
  insertRows?: number;
  /** Profile whose connection PRAGMAs every database is opened with (default tuned). */
  profile?: Profile;
}

export const SWEEP_DEFAULTS = {
  sizes: [10_000, 100_000, 1_000_000],
  insertRows: 100_000,
  profile: 'tuned',
  maxRows: 5_000_000,
} as const;

/** Campaigns per client, as in the seeded data (1,000 clients, 20,000 campaigns). */
const CAMPAIGNS_PER_CLIENT = 20;

/** Secondary indexes for the insert side, added in this order (0, 1 or 3 of them). */
const SWEEP_INDEXES = [
  'CREATE INDEX idx_campaigns_client ON campaigns(client_id)',
  'CREATE INDEX idx_campaigns_status ON campaigns(status)',
  'CREATE INDEX idx_campaigns_created ON campaigns(created_at)',
];
export const INSERT_INDEX_COUNTS = [0, 1, 3] as const;

const INSERT_SQL = 'INSERT INTO campaigns (client_id, name, status, created_at) VALUES (?, ?, ?, ?)';

/**
 * The guide's "SCAN ~100 ms vs SEARCH ~5 ms": the client's-campaigns list with and
 * without its index at growing table sizes, and the cost side, single-row insert
 * rate with 0, 1 and 3 secondary indexes.
 */
export async function runIndexSweep(opts: IndexSweepOptions = {}): Promise<IndexSweepRecord[]> {
  const { seed, timeMs, dataDir } = checkCommon({ ...opts, scale: 1 });
  const sizes = opts.sizes ?? [...SWEEP_DEFAULTS.sizes];
  const insertRows = opts.insertRows ?? SWEEP_DEFAULTS.insertRows;
  checkSweepSizes([...sizes, insertRows]);
  const profile = opts.profile ?? builtinProfile(SWEEP_DEFAULTS.profile);
  const workspace = opts.workspace ?? createWorkspace({ dataDir, scale: 1, seed });
  const progress = (message: string) => opts.onProgress?.({ stage: 'index-sweep', message });
  const records: IndexSweepRecord[] = [];
  try {
    for (const rows of sizes) {
      const file = join(workspace.dir, `sweep-${rows}.sqlite`);
      try {
        if (opts.signal?.aborted) {
          for (const indexes of [0, 1])
            records.push({ ...failedRecord('query', rows, indexes, profile, 'interrupted'), status: 'skipped' });
          continue;
        }
        progress(`building a ${rows}-row campaigns table`);
        buildCampaignsTable(file, rows, seed);
        const keys = clientKeys(rows, seed);
        for (const indexes of [0, 1]) {
          await yieldToEventLoop();
          if (opts.signal?.aborted) {
            records.push({ ...failedRecord('query', rows, indexes, profile, 'interrupted'), status: 'skipped' });
            continue;
          }
          progress(`list query, ${rows} rows, ${indexes ? 'indexed' : 'no index'}`);
          records.push(await measureQuery(file, profile, rows, indexes, keys, timeMs));
        }
      } catch (err) {
        records.push(failedRecord('query', rows, 0, profile, `building the table failed: ${errorText(err)}`));
      } finally {
        workspace.remove(file);
      }
    }
    const base = join(workspace.dir, `sweep-insert-${insertRows}.sqlite`);
    try {
      if (opts.signal?.aborted) {
        for (const indexes of INSERT_INDEX_COUNTS)
          records.push({ ...failedRecord('insert', insertRows, indexes, profile, 'interrupted'), status: 'skipped' });
        return records;
      }
      buildCampaignsTable(base, insertRows, seed);
      const params = insertParams(insertRows, seed);
      for (const indexes of INSERT_INDEX_COUNTS) {
        await yieldToEventLoop();
        if (opts.signal?.aborted) {
          records.push({ ...failedRecord('insert', insertRows, indexes, profile, 'interrupted'), status: 'skipped' });
          continue;
        }
        progress(`insert, ${insertRows} rows, ${indexes} secondary indexes`);
        const copy = workspace.copy(base, `sweep-insert-${indexes}`);
        try {
          records.push(await measureInsert(copy, profile, insertRows, indexes, params, timeMs));
        } finally {
          workspace.remove(copy);
        }
      }
    } catch (err) {
      records.push(failedRecord('insert', insertRows, 0, profile, `building the table failed: ${errorText(err)}`));
    } finally {
      workspace.remove(base);
    }
  } finally {
    if (!opts.workspace) workspace.cleanup();
  }
  return records;
}

/** Rejects table sizes outside [100, maxRows] up front. */
export function checkSweepSizes(sizes: readonly number[]): void {
  if (sizes.length === 0) throw new UsageError('the index sweep needs at least one table size');
  for (const n of sizes) {
    if (!Number.isInteger(n) || n < 100 || n > SWEEP_DEFAULTS.maxRows)
      throw new UsageError(`index-sweep sizes must be whole numbers from 100 to ${SWEEP_DEFAULTS.maxRows}, got ${n}`);
  }
}

/** A campaigns-shaped table (no foreign keys, no secondary index), built in one transaction. */
export function buildCampaignsTable(file: string, rows: number, seed: number): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = OFF');
    db.pragma('synchronous = OFF');
    db.exec(
      'CREATE TABLE campaigns (id INTEGER PRIMARY KEY, client_id INTEGER NOT NULL, name TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL)',
    );
    const rng = createRng(deriveSeed(seed, `sweep-table-${rows}`));
    const clients = Math.max(1, Math.floor(rows / CAMPAIGNS_PER_CLIENT));
    const start = Date.UTC(2024, 0, 1);
    const ins = db.prepare('INSERT INTO campaigns (id, client_id, name, status, created_at) VALUES (?, ?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= rows; i++)
        ins.run(
          i,
          rng.int(1, clients),
          `Campaign ${i}`,
          rng.weighted(CAMPAIGN_STATUS_MIX),
          sqliteTime(start + i * 60_000),
        );
    })();
  } finally {
    db.close();
  }
}

function clientKeys(rows: number, seed: number): SqlParams[] {
  const rng = createRng(deriveSeed(seed, 'sweep-keys'));
  const clients = Math.max(1, Math.floor(rows / CAMPAIGNS_PER_CLIENT));
  return Array.from({ length: 1024 }, () => [rng.int(1, clients), 50]);
}

function insertParams(rows: number, seed: number): SqlParams[] {
  const rng = createRng(deriveSeed(seed, 'sweep-inserts'));
  const clients = Math.max(1, Math.floor(rows / CAMPAIGNS_PER_CLIENT));
  const start = Date.UTC(2024, 0, 1);
  return Array.from({ length: 4096 }, (_, i) => [
    rng.int(1, clients),
    `New campaign ${i}`,
    rng.weighted(CAMPAIGN_STATUS_MIX),
    sqliteTime(start + rng.int(0, rows) * 60_000),
  ]);
}

async function measureQuery(
  file: string,
  profile: Profile,
  rows: number,
  indexes: number,
  keys: SqlParams[],
  timeMs: number,
): Promise<IndexSweepRecord> {
  let db: Database.Database | undefined;
  try {
    const opened = openDatabase(file, profile);
    db = opened.db;
    if (indexes) opened.db.exec(SWEEP_INDEXES[0]!);
    const plan = explainPlan(opened.db, SQL.listClientCampaigns, keys[0]!);
    const fn = prepareOp(
      { sql: SQL.listClientCampaigns },
      { db: opened.db, paramSets: keys, writeTransaction: profile.writeTransaction },
    );
    return toRecord(
      'query',
      rows,
      indexes,
      profile,
      plan,
      await measure(`sweep-query-${rows}-${indexes}`, fn, { timeMs, minIterations: 5 }),
    );
  } catch (err) {
    return failedRecord('query', rows, indexes, profile, errorText(err));
  } finally {
    db?.close();
  }
}

async function measureInsert(
  file: string,
  profile: Profile,
  rows: number,
  indexes: number,
  params: SqlParams[],
  timeMs: number,
): Promise<IndexSweepRecord> {
  let db: Database.Database | undefined;
  try {
    const opened = openDatabase(file, profile);
    db = opened.db;
    for (const sql of SWEEP_INDEXES.slice(0, indexes)) opened.db.exec(sql);
    const fn = prepareOp(
      { sql: INSERT_SQL },
      { db: opened.db, paramSets: params, writeTransaction: profile.writeTransaction },
    );
    return toRecord('insert', rows, indexes, profile, '', await measure(`sweep-insert-${indexes}`, fn, { timeMs }));
  } catch (err) {
    return failedRecord('insert', rows, indexes, profile, errorText(err));
  } finally {
    db?.close();
  }
}

function toRecord(
  kind: IndexSweepRecord['kind'],
  rows: number,
  indexes: number,
  profile: Profile,
  plan: string,
  m: Awaited<ReturnType<typeof measure>>,
): IndexSweepRecord {
  if (!m.ok) return { ...failedRecord(kind, rows, indexes, profile, m.reason), plan };
  const { mean, p50, p99 } = m.latencyUs;
  return {
    kind,
    rows,
    indexes,
    status: 'ok',
    opsPerSec: m.opsPerSec,
    latencyUs: { mean, p50, p99 },
    rme: m.rme,
    samples: m.samples,
    plan,
    profile: profile.name,
  };
}

function failedRecord(
  kind: IndexSweepRecord['kind'],
  rows: number,
  indexes: number,
  profile: Profile,
  reason: string,
): IndexSweepRecord {
  return {
    kind,
    rows,
    indexes,
    status: 'failed',
    reason,
    opsPerSec: 0,
    latencyUs: { mean: 0, p50: 0, p99: 0 },
    rme: 0,
    samples: 0,
    plan: '',
    profile: profile.name,
  };
}
