import type { Profile } from '../db/profiles.ts';
import type { AblationRecord, BenchRecord } from '../lib/records/bench.ts';
import { median } from '../stats/index.ts';
import { ablationArms, TOGGLES, type Arm } from './ablation-arms.ts';
import { ablationDelta, ABLATION_CONFIDENCE, NO_SPREAD } from './ablation-delta.ts';
import { measureAbba, type MeasuredTask, type PairRounds } from './ablation-rounds.ts';
import { createSides, type Side } from './ablation-sides.ts';
import { failed, yieldToEventLoop, type PlannedOp } from './driver.ts';
import { BENCH_DEFAULTS, checkCommon, resolveWorkloads, type CommonBenchOptions } from './options.ts';
import { planOps } from './profiles-bench.ts';
import { createWorkspace } from './workspace.ts';
import { UsageError } from '../lib/errors.ts';

export interface AblationOptions extends CommonBenchOptions {
  ops?: string[];
  /** Toggle names (default all: wal, normal, cache, temp_store, mmap, indexes). */
  toggles?: string[];
  /** Rounds of base, arm, arm, base per arm and operation (default BENCH_DEFAULTS.ablationRounds). */
  rounds?: number;
  /** Time of one task (one side in one round), ms (default BENCH_DEFAULTS.ablationTaskMs). */
  taskMs?: number;
  /** The arms to run instead of ablationArms(toggles), e.g. identityArms() for an A/A calibration. */
  arms?: Arm[];
}

export interface AblationResult {
  ablation: AblationRecord[];
  /** The measurements behind it, one record per operation and profile (bases and arms), over all its tasks. */
  arms: BenchRecord[];
}

/** What one operation under one profile measured over all the pairs it took part in. */
interface Collected {
  side: Side;
  tasks: MeasuredTask[];
  failure?: string;
  interrupted?: boolean;
}

/**
 * Every one-toggle arm against its own base, operation by operation: each pair is warmed,
 * then measured in rounds of base, arm, arm, base (short tinybench tasks), and its change is
 * the stats core's interval of the round values. No arm is compared with a base measured
 * before its own rounds, so machine drift cannot turn into an effect of an unrelated setting.
 */
export async function runAblation(opts: AblationOptions = {}): Promise<AblationResult> {
  const { scale, seed, dataDir } = checkCommon(opts);
  const { rounds, taskMs } = checkAblationRounds(opts);
  checkToggles(opts.toggles);
  if (opts.arms && opts.toggles) throw new UsageError('ablation: give arms or toggles, not both');
  const arms = opts.arms ?? ablationArms(opts.toggles);
  const profiles = uniqueProfiles([...arms.map((a) => a.base), ...arms.map((a) => a.profile)]);
  const ops = planOps(resolveWorkloads(opts.ops), scale, seed);
  const workspace = opts.workspace ?? createWorkspace({ dataDir, scale, seed });
  const sides = createSides({
    workspace,
    task: { timeMs: taskMs, minIterations: 1, warmup: false },
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
  });
  const ablation: AblationRecord[] = [];
  const collected = new Map<string, Collected>();
  const total = ops.length * arms.length * rounds;
  let done = 0;
  try {
    for (const op of ops) {
      for (const arm of arms) {
        if (opts.signal?.aborted) {
          const result = { roundRatios: [], base: [], arm: [], interrupted: true };
          collect(collected, op, unopened(arm.base), result, 'base');
          collect(collected, op, unopened(arm.profile), result, 'arm');
          ablation.push(ablationRecord(op, arm, result));
          continue;
        }
        const pair = { base: sides.side(op, arm.base), arm: sides.side(op, arm.profile) };
        try {
          const result = await measurePair(pair, {
            rounds,
            ...(opts.signal ? { signal: opts.signal } : {}),
            onRound: (round) =>
              opts.onProgress?.({
                stage: 'ablation',
                message: `${op.workload.name} × ${arm.profile.name} (round ${round + 1}/${rounds})`,
                done: done++,
                total,
              }),
          });
          collect(collected, op, pair.base, result, 'base');
          collect(collected, op, pair.arm, result, 'arm');
          ablation.push(ablationRecord(op, arm, result));
        } finally {
          sides.release(pair.base);
          sides.release(pair.arm);
        }
      }
    }
  } finally {
    sides.close();
    if (!opts.workspace) workspace.cleanup();
  }
  const armRecords = ops.flatMap((op) =>
    profiles.map((p) => armRecord(op, p, collected.get(key(op, p)))).filter((r) => r !== undefined),
  );
  return { ablation, arms: armRecords };
}

/**
 * A pair's rounds, after one untimed warm-up task per side, the arm's first: the first round's
 * base task then follows a base task, as in every later round (A B B A | A B B A), so each
 * side switches in from the other once per round.
 */
async function measurePair(
  pair: { base: Side; arm: Side },
  opts: { rounds: number; signal?: AbortSignal; onRound?: (round: number) => void },
): Promise<PairRounds> {
  const empty: PairRounds = { roundRatios: [], base: [], arm: [] };
  for (const which of ['arm', 'base'] as const) {
    const s = pair[which];
    if (!s.run) return { ...empty, failure: `${which}: ${s.error ?? 'not prepared'}` };
    await yieldToEventLoop();
    const warm = await s.run();
    if (!warm.ok) return { ...empty, failure: `${which}: ${warm.reason}` };
  }
  return measureAbba({ base: pair.base.run!, arm: pair.arm.run! }, { ...opts, between: yieldToEventLoop });
}

function ablationRecord(op: PlannedOp, arm: Arm, result: PairRounds): AblationRecord {
  const meanOps = (tasks: MeasuredTask[]) =>
    tasks.length ? 1e6 / (tasks.reduce((s, t) => s + t.latencyUs.mean, 0) / tasks.length) : 0;
  const names = { base: arm.base.name, arm: arm.profile.name };
  const common = {
    direction: arm.direction,
    pragma: arm.toggle,
    op: op.workload.name,
    ...names,
    baseOpsPerSec: meanOps(result.base),
    armOpsPerSec: meanOps(result.arm),
  };
  const delta = ablationDelta(result.roundRatios, ABLATION_CONFIDENCE);
  if (result.failure || result.interrupted) {
    const side = result.failure?.startsWith('base') ? 'base' : 'arm';
    // Rounds cut short are no interval, whatever their number: the pair did not finish.
    const { coverage: _dropped, ...measured } = delta;
    return {
      ...common,
      ...measured,
      spread: { ...NO_SPREAD },
      status: result.failure ? 'failed' : 'skipped',
      reason: result.failure ? `${side} ${names[side]}: ${result.failure.replace(/^(base|arm): /, '')}` : 'interrupted',
      significant: false,
      verdictable: false,
    };
  }
  return { ...common, ...delta, status: 'ok' };
}

const unopened = (profile: Profile): Side => ({ profile, plan: '', effective: {}, indexes: [] });

const key = (op: PlannedOp, p: Profile) => `${op.workload.name}\u0000${p.name}`;

function collect(
  into: Map<string, Collected>,
  op: PlannedOp,
  side: Side,
  result: PairRounds,
  which: 'base' | 'arm',
): void {
  const k = key(op, side.profile);
  const c = into.get(k) ?? { side, tasks: [] };
  c.tasks.push(...result[which]);
  if (result.failure?.startsWith(which) && !c.failure) c.failure = result.failure.replace(/^(base|arm): /, '');
  if (result.interrupted) c.interrupted = true;
  into.set(k, c);
}

/**
 * One operation under one profile over all its ablation tasks: sustained ops/s from the mean
 * of the tasks' mean latencies, percentiles the median task's, rme from the spread of the
 * tasks' means (normal approximation).
 */
function armRecord(op: PlannedOp, profile: Profile, c: Collected | undefined): BenchRecord | undefined {
  if (!c) return undefined;
  const { side, tasks } = c;
  if (tasks.length === 0) {
    const why = c.failure ?? (c.interrupted ? 'interrupted' : 'not measured');
    const r = failed(op, profile, why, side.effective, side.plan);
    return c.failure ? r : { ...r, status: 'skipped' };
  }
  const means = tasks.map((t) => t.latencyUs.mean);
  const mean = means.reduce((s, x) => s + x, 0) / means.length;
  const sd = means.length > 1 ? Math.sqrt(means.reduce((s, x) => s + (x - mean) ** 2, 0) / (means.length - 1)) : 0;
  const batch = op.workload.batch ?? 1;
  return {
    op: op.workload.name,
    profile: profile.name,
    status: 'ok',
    opsPerSec: 1e6 / mean,
    latencyUs: {
      mean,
      p50: median(tasks.map((t) => t.latencyUs.p50)),
      p75: median(tasks.map((t) => t.latencyUs.p75)),
      p99: median(tasks.map((t) => t.latencyUs.p99)),
    },
    rme: means.length > 1 ? ((1.96 * sd) / Math.sqrt(means.length) / mean) * 100 : tasks[0]!.rme,
    samples: tasks.reduce((s, t) => s + t.samples, 0),
    plan: side.plan,
    effective: side.effective,
    writes: op.workload.writes,
    ...(batch > 1 ? { rowsPerOp: batch } : {}),
    indexes: side.indexes,
  };
}

/** Rounds and task time, with their defaults; bad values rejected naming the flag. */
export function checkAblationRounds(opts: { rounds?: number; taskMs?: number }): { rounds: number; taskMs: number } {
  const rounds = opts.rounds ?? BENCH_DEFAULTS.ablationRounds;
  const taskMs = opts.taskMs ?? BENCH_DEFAULTS.ablationTaskMs;
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 100)
    throw new UsageError(`--ablation-rounds must be an integer from 1 to 100, got ${rounds}`);
  if (!(taskMs >= 1) || taskMs > 60_000)
    throw new UsageError(`--ablation-task-ms must be between 1 and 60000 ms, got ${taskMs}`);
  return { rounds, taskMs };
}

/** Rejects unknown toggle names up front, naming the known ones. */
export function checkToggles(names: readonly string[] | undefined): void {
  if (names !== undefined && names.length === 0) throw new UsageError('--toggles must name at least one toggle');
  for (const t of names ?? []) {
    if (!TOGGLES.some((k) => k.name === t))
      throw new UsageError(`unknown ablation toggle '${t}' (known: ${TOGGLES.map((k) => k.name).join(', ')})`);
  }
}

function uniqueProfiles(list: Profile[]): Profile[] {
  return list.filter((p, i) => list.findIndex((q) => q.name === p.name) === i);
}
