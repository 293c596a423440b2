import type Database from 'better-sqlite3';
import { indexesPresent, openDatabase, type PragmaValues } from '../db/open.ts';
import type { Profile } from '../db/profiles.ts';
import type { BenchRecord } from '../lib/records/bench.ts';
import { errorText, measure, type MeasureOptions } from './measure.ts';
import { explainPlan, prepareOp } from './prepare.ts';
import type { SqlParams } from '../db/sql-params.ts';
import type { Workload } from './workloads/types.ts';
import type { Workspace } from './workspace.ts';

/** Progress of a run, for a CLI to show on stderr. Measuring code never prints. */
export interface BenchProgress {
  stage: 'seed' | 'bench' | 'ablation' | 'index-sweep' | 'queries';
  message: string;
  done?: number;
  total?: number;
}
export type ProgressFn = (event: BenchProgress) => void;

/** An operation ready to measure: the workload and its pre-drawn parameter sets. */
export interface PlannedOp {
  workload: Workload;
  paramSets: SqlParams[];
}

export interface MeasureArmsOptions {
  /** Profiles or ablation arms, measured in this order for each operation. */
  arms: Profile[];
  ops: PlannedOp[];
  workspace: Workspace;
  /** The pristine database an arm starts from (seeded for it, or the user's copy). */
  sourceFor(arm: Profile): string;
  measure: MeasureOptions;
  stage: BenchProgress['stage'];
  onProgress?: ProgressFn;
  signal?: AbortSignal;
}

interface ArmReader {
  arm: Profile;
  file?: string;
  db?: Database.Database;
  effective: PragmaValues;
  indexes: string[];
  error?: string;
}

/**
 * Measures every operation under every arm. Operations are the outer loop so one
 * operation's arms run close together in time. Reads share one copy per arm; each
 * write gets its own fresh copy per arm. A failure becomes a failed record, never a throw.
 */
export async function measureArms(opts: MeasureArmsOptions): Promise<BenchRecord[]> {
  const readers = opts.arms.map((arm) => openReader(arm, opts));
  const records: BenchRecord[] = [];
  const total = opts.ops.length * opts.arms.length;
  try {
    for (const op of opts.ops) {
      for (const reader of readers) {
        await yieldToEventLoop();
        if (opts.signal?.aborted) {
          records.push({ ...failed(op, reader.arm, 'interrupted', reader.effective, ''), status: 'skipped' });
          continue;
        }
        opts.onProgress?.({
          stage: opts.stage,
          message: `${op.workload.name} × ${reader.arm.name}`,
          done: records.length,
          total,
        });
        records.push(
          op.workload.writes ? await measureWrite(op, reader.arm, opts) : await measureRead(op, reader, opts.measure),
        );
      }
    }
  } finally {
    for (const r of readers) {
      r.db?.close();
      if (r.file) opts.workspace.remove(r.file);
    }
  }
  return records;
}

/**
 * Timed loops are synchronous and awaiting settled promises never reaches the event loop,
 * so without this a whole run is one macrotask and Ctrl-C waits for its end.
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function openReader(arm: Profile, opts: MeasureArmsOptions): ArmReader {
  let file: string | undefined;
  try {
    opts.onProgress?.({ stage: 'seed', message: `database for ${arm.name}` });
    file = opts.workspace.copy(opts.sourceFor(arm), `${arm.name}-reads`);
    const opened = openDatabase(file, arm);
    return { arm, file, db: opened.db, effective: opened.effective, indexes: indexesPresent(opened.db) };
  } catch (err) {
    return {
      arm,
      ...(file ? { file } : {}),
      effective: {},
      indexes: [],
      error: `opening the database failed: ${errorText(err)}`,
    };
  }
}

async function measureRead(op: PlannedOp, reader: ArmReader, m: MeasureOptions): Promise<BenchRecord> {
  if (!reader.db) return failed(op, reader.arm, reader.error ?? 'no database', reader.effective, '');
  return measureOn(op, reader.arm, reader.db, reader.effective, m);
}

async function measureWrite(op: PlannedOp, arm: Profile, opts: MeasureArmsOptions): Promise<BenchRecord> {
  let file: string | undefined;
  let db: Database.Database | undefined;
  try {
    file = opts.workspace.copy(opts.sourceFor(arm), `${arm.name}-${op.workload.name}`);
    const opened = openDatabase(file, arm);
    db = opened.db;
    return await measureOn(op, arm, db, opened.effective, opts.measure);
  } catch (err) {
    return failed(op, arm, `preparing a fresh copy failed: ${errorText(err)}`, {}, '');
  } finally {
    db?.close();
    if (file) opts.workspace.remove(file);
  }
}

async function measureOn(
  op: PlannedOp,
  arm: Profile,
  db: Database.Database,
  effective: PragmaValues,
  m: MeasureOptions,
): Promise<BenchRecord> {
  let plan = '';
  let fn: () => void;
  try {
    plan = explainPlan(db, op.workload.sql, op.paramSets[0] ?? []);
    fn = prepareOp(op.workload, { db, paramSets: op.paramSets, writeTransaction: arm.writeTransaction });
  } catch (err) {
    return failed(op, arm, `prepare failed: ${errorText(err)}`, effective, plan);
  }
  const result = await measure(`${op.workload.name}/${arm.name}`, fn, m);
  if (!result.ok) return failed(op, arm, result.reason, effective, plan);
  return {
    op: op.workload.name,
    profile: arm.name,
    status: 'ok',
    opsPerSec: result.opsPerSec,
    latencyUs: result.latencyUs,
    rme: result.rme,
    samples: result.samples,
    plan,
    effective,
    ...extras(op, db),
  };
}

function extras(op: PlannedOp, db?: Database.Database): Pick<BenchRecord, 'writes' | 'rowsPerOp' | 'indexes'> {
  const batch = op.workload.batch ?? 1;
  return {
    writes: op.workload.writes,
    ...(batch > 1 ? { rowsPerOp: batch } : {}),
    ...(db ? { indexes: indexesPresent(db) } : {}),
  };
}

/** A record for an operation that could not be measured. */
export function failed(
  op: PlannedOp,
  arm: Profile,
  reason: string,
  effective: PragmaValues,
  plan: string,
): BenchRecord {
  return {
    op: op.workload.name,
    profile: arm.name,
    status: 'failed',
    reason,
    opsPerSec: 0,
    latencyUs: { mean: 0, p50: 0, p75: 0, p99: 0 },
    rme: 0,
    samples: 0,
    plan,
    effective,
    ...extras(op),
  };
}
