/**
 * Exact cost counters per operation: instructions (valgrind cachegrind) and system calls
 * (strace), by difference between a child process that runs n operations and one that runs
 * 2n. Counts do not move with machine load the way wall-clock timings do, and they say why
 * one configuration is faster (fsyncs per commit, bytes per write, instructions per read).
 * System call totals repeat exactly; instruction totals within ~10k per process (glibc and
 * node read /proc/self/maps, whose length varies), i.e. ~0.1 % of 500 point reads.
 */
import { rowCounts } from '../../db/data-shape.ts';
import type { Profile } from '../../db/profiles.ts';
import { UsageError } from '../../lib/errors.ts';
import { perOpFigures, uncountedRecord, type CountedRecord } from '../../lib/records/counted.ts';
import { errorText } from '../measure.ts';
import { BENCH_DEFAULTS, checkCommon, benchProfiles, resolveWorkloads } from '../options.ts';
import { drawParamSets } from '../prepare.ts';
import type { Workload } from '../workloads/types.ts';
import { createWorkspace, type Workspace } from '../workspace.ts';
import { buildJob, unportableParams } from './job.ts';
import { findCountingTools, missingToolReason, type CountingTools } from './tools.ts';
import { CHILD_NODE_FLAGS, countJob } from './count-job.ts';

export { CHILD_NODE_FLAGS };

export const COUNTED_DEFAULTS = {
  profiles: BENCH_DEFAULTS.profiles,
  /** Operations in the shorter run of a read and of a write (a batch write: divided by its batch). */
  readN: 500,
  writeN: 200,
  instructions: true,
  /** Per child process; valgrind runs node some 50 times slower. */
  childTimeoutMs: 300_000,
} as const;

/**
 * n for reads that cost far more than a point read (at the bench's default scale 0.1, each
 * ~0.1-100 ms natively), so one counted measurement stays within seconds under valgrind.
 * Small n is still precise for them: a process's ~10k instructions of noise is nothing next
 * to their millions per operation.
 */
export const COUNTED_N: Readonly<Record<string, number>> = {
  'indexed-list': 100,
  'status-filter': 100,
  join: 5,
  aggregate: 5,
  'temp-sort': 1,
};

export interface CountedProgress {
  op: string;
  profile: string;
  /** Measurements finished so far, of `total`. */
  done: number;
  total: number;
}

export interface CountedOptions {
  /** Profile names (default: untuned, tuned, consensus). */
  profiles?: readonly Profile[];
  /** Operation names (default: every operation). */
  ops?: readonly string[];
  /** Data scale and seed of the seeded databases; the seed also draws the parameters. */
  scale?: number;
  seed?: number;
  /** Operations in the shorter run, for every operation (default: per operation, see COUNTED_N). */
  n?: number;
  /** Count instructions with valgrind (default true); false: system calls only, no valgrind needed. */
  instructions?: boolean;
  /** Where databases live (a real disk). A private run directory is made inside and removed after. */
  dataDir?: string;
  /** Share seeded files with other stages; created (and removed) per call when absent. */
  workspace?: Workspace;
  /** The pristine database for a profile (default: seeded in the workspace at scale and seed). Never written. */
  sourceFor?: (profile: Profile) => string;
  /** Where to look for valgrind and strace (default: PATH). */
  searchPath?: string;
  /** Limit for each child process, ms. */
  childTimeoutMs?: number;
  onProgress?: (event: CountedProgress) => void;
  /** Stops between measurements and kills the children in flight; what is left becomes `skipped`. */
  signal?: AbortSignal;
  /** Calibration only: iterations of a fixed loop added after every operation (default 0). */
  injectWork?: number;
}

/** The n an operation runs with: the `n` option, else COUNTED_N, else by kind (a batch write divides by its batch). */
export function countedN(workload: Workload, n?: number): number {
  if (n !== undefined) return n;
  const listed = COUNTED_N[workload.name];
  if (listed !== undefined) return listed;
  if (!workload.writes) return COUNTED_DEFAULTS.readN;
  return Math.max(1, Math.round(COUNTED_DEFAULTS.writeN / (workload.batch ?? 1)));
}

interface Context {
  tools: CountingTools;
  instructions: boolean;
  workspace: Workspace;
  sourceFor: (profile: Profile) => string;
  scale: number;
  seed: number;
  childTimeoutMs: number;
  signal?: AbortSignal;
  injectWork: number;
}

/**
 * Counts every operation under every profile: one record each, `ok`, `failed` with a reason,
 * or `skipped` (a tool is missing, or interrupted). Throws only for bad options (UsageError).
 */
export async function measureCounted(opts: CountedOptions = {}): Promise<CountedRecord[]> {
  const { scale, seed, dataDir } = checkCommon({ scale: opts.scale, seed: opts.seed, dataDir: opts.dataDir });
  const profiles = benchProfiles(opts.profiles, COUNTED_DEFAULTS.profiles);
  const workloads = resolveWorkloads(opts.ops);
  if (opts.n !== undefined && !(Number.isInteger(opts.n) && opts.n >= 1 && opts.n <= 1_000_000)) {
    throw new UsageError(`n (operations per counted run) must be an integer from 1 to 1000000, got ${opts.n}`);
  }
  const injectWork = opts.injectWork ?? 0;
  if (!(Number.isFinite(injectWork) && injectWork >= 0 && injectWork <= 1_000_000)) {
    throw new UsageError(`injectWork must be a number from 0 to 1000000, got ${injectWork}`);
  }
  const childTimeoutMs = opts.childTimeoutMs ?? COUNTED_DEFAULTS.childTimeoutMs;
  if (!(childTimeoutMs > 0)) throw new UsageError(`childTimeoutMs must be > 0, got ${childTimeoutMs}`);
  const instructions = opts.instructions ?? COUNTED_DEFAULTS.instructions;
  const tools = findCountingTools(opts.searchPath ?? process.env.PATH);

  const missing = missingToolReason(tools, instructions);
  if (missing) {
    const skipped = (w: Workload, p: Profile) => emptyRecord(w, p, countedN(w, opts.n), tools, 'skipped', missing);
    return workloads.flatMap((w) => profiles.map((p) => skipped(w, p)));
  }
  const workspace = opts.workspace ?? createWorkspace({ dataDir, scale, seed });
  const ctx: Context = {
    tools,
    instructions,
    workspace,
    sourceFor: opts.sourceFor ?? ((p) => workspace.seeded(p)),
    scale,
    seed,
    childTimeoutMs,
    injectWork,
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  const records: CountedRecord[] = [];
  const total = workloads.length * profiles.length;
  try {
    for (const workload of workloads) {
      const n = countedN(workload, opts.n);
      for (const profile of profiles) {
        if (opts.signal?.aborted) {
          records.push(emptyRecord(workload, profile, n, tools, 'skipped', 'interrupted'));
          continue;
        }
        opts.onProgress?.({ op: workload.name, profile: profile.name, done: records.length, total });
        records.push(await measureOne(workload, profile, n, ctx));
      }
    }
  } finally {
    if (!opts.workspace) workspace.cleanup();
  }
  return records;
}

async function measureOne(workload: Workload, profile: Profile, n: number, ctx: Context): Promise<CountedRecord> {
  let started = performance.now();
  const fail = (status: 'failed' | 'skipped', reason: string): CountedRecord => ({
    ...emptyRecord(workload, profile, n, ctx.tools, status, reason),
    wallMs: performance.now() - started,
  });
  const batch = workload.batch ?? 1;
  const paramSets = drawParamSets(workload, { rows: rowCounts(ctx.scale) }, ctx.seed, 2 * n * batch);
  const unportable = unportableParams(paramSets);
  if (unportable) return fail('failed', unportable);
  let source: string;
  try {
    source = ctx.sourceFor(profile);
  } catch (err) {
    return fail('failed', `seeding the database failed: ${errorText(err)}`);
  }
  // Seeding the profile's database on first use is not part of the measurement.
  started = performance.now();
  const job = buildJob({ workload, profile, paramSets, extraWork: ctx.injectWork });
  const counted = await countJob({
    job,
    source,
    n,
    tools: ctx.tools,
    instructions: ctx.instructions,
    dir: ctx.workspace.dir,
    childTimeoutMs: ctx.childTimeoutMs,
    ...(ctx.signal ? { signal: ctx.signal } : {}),
  });
  if (!counted.ok)
    return fail(counted.interrupted ? 'skipped' : 'failed', counted.interrupted ? 'interrupted' : counted.reason);
  const okRecord = emptyRecord(workload, profile, n, ctx.tools, 'ok');
  return {
    ...okRecord,
    ...perOpFigures(counted.runN, counted.run2N),
    effective: counted.effective,
    tools: { ...okRecord.tools, sqlite: counted.sqlite },
    wallMs: performance.now() - started,
  };
}

function emptyRecord(
  workload: Workload,
  profile: Profile,
  n: number,
  tools: CountingTools,
  status: CountedRecord['status'],
  reason?: string,
): CountedRecord {
  const versions = {
    valgrind: tools.valgrind?.version ?? null,
    strace: tools.strace?.version ?? null,
    node: process.versions.node,
    sqlite: null,
  };
  const base = {
    op: workload.name,
    profile: profile.name,
    status,
    n,
    batch: workload.batch ?? 1,
    writes: workload.writes,
  };
  return uncountedRecord({ ...base, tools: versions, nodeFlags: [...CHILD_NODE_FLAGS] }, reason);
}
