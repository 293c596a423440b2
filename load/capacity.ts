import type { CapacityRecord, LoadRecord } from '../lib/records/load.ts';
import { UsageError } from '../lib/errors.ts';
import { errorPct } from './aggregate.ts';
import { resolveLoadOptions, type LoadOptions } from './options.ts';
import { loadPinning, runArm, seededDatabase, type RunHooks } from './runner.ts';
import type { ScenarioDef } from './scenarios.ts';
import type { Profile } from '../db/profiles.ts';

export const CAPACITY_LEVELS = [10, 25, 50, 100, 200, 400, 800, 1600] as const;

export interface CapacityOptions extends Omit<LoadOptions, 'scenarios' | 'profiles' | 'connections'> {
  scenario: ScenarioDef;
  /** The SQLite profile to seed and serve; null with `target`. */
  profile: Profile | null;
  /** p95 must be below this, ms (default 200). */
  sloP95Ms?: number;
  /** Errors (non-2xx, connection errors, timeouts) must be below this percentage (default 1). */
  maxErrorPct?: number;
  /** Highest concurrency tried (default 800). */
  maxConnections?: number;
  /** Bisection steps between the last passing and the first failing level (default 0). */
  refine?: number;
  /** Times the sweep is repeated (default 1). */
  sweeps?: number;
}

export const CAPACITY_DEFAULTS = {
  sloP95Ms: 200,
  maxErrorPct: 1,
  maxConnections: 800,
  trials: 1,
  refine: 0,
  sweeps: 1,
} as const;

/** The concurrency levels up to `max`. */
export function capacityLevels(max: number): number[] {
  return CAPACITY_LEVELS.filter((l) => l <= max);
}

/**
 * The verdict from a curve (any order): the highest passing level below the lowest failing
 * one, and that failing level (null when none failed). Pure.
 */
export function capacityOf(curve: CapacityRecord['curve']): number | null {
  return bracketOf(curve).capacity;
}

export function bracketOf(curve: CapacityRecord['curve']): { capacity: number | null; failedAt: number | null } {
  const failing = curve.filter((p) => !p.ok).map((p) => p.connections);
  const failedAt = failing.length ? Math.min(...failing) : null;
  const passing = curve
    .filter((p) => p.ok && (failedAt === null || p.connections < failedAt))
    .map((p) => p.connections);
  return { capacity: passing.length ? Math.max(...passing) : null, failedAt };
}

/**
 * The next level to try between a passing level and a failing one: their geometric middle
 * (capacity steps are geometric), or null once they are neighbours.
 */
export function bisectLevel(passing: number, failing: number): number | null {
  if (failing - passing <= 1) return null;
  const mid = Math.round(Math.sqrt(passing * failing));
  return Math.min(failing - 1, Math.max(passing + 1, mid));
}

/** The sweep of the median capacity (null counts lowest), so its curve and its figure go together. */
export function medianSweep<T extends { capacity: number | null }>(sweeps: readonly T[]): T {
  const sorted = [...sweeps].sort((a, b) => (a.capacity ?? -1) - (b.capacity ?? -1));
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Steps concurrency up (10, 25, 50, 100, …, bounded) on one scenario × profile, each level a
 * normal arm (fresh DB and server per trial), and stops after the first level that misses the
 * SLO or the error budget; then bisects `refine` times between the last passing and the
 * first failing level, so the true capacity is bracketed more tightly than the steps allow;
 * all of it `sweeps` times. Returns the capacity record (the median sweep, every sweep kept)
 * and the arm records of every level.
 */
export async function runCapacity(
  options: CapacityOptions,
  hooks: RunHooks = {},
): Promise<{ capacity: CapacityRecord; records: LoadRecord[] }> {
  const sloP95Ms = options.sloP95Ms ?? CAPACITY_DEFAULTS.sloP95Ms;
  const maxErrorPct = options.maxErrorPct ?? CAPACITY_DEFAULTS.maxErrorPct;
  const maxConnections = options.maxConnections ?? CAPACITY_DEFAULTS.maxConnections;
  if (!(sloP95Ms > 0)) throw new UsageError(`--slo-p95 must be positive, got ${sloP95Ms}`);
  if (!(maxErrorPct >= 0 && maxErrorPct <= 100))
    throw new UsageError(`--max-errors must be a percentage 0..100, got ${maxErrorPct}`);
  const refine = options.refine ?? CAPACITY_DEFAULTS.refine;
  const sweepCount = options.sweeps ?? CAPACITY_DEFAULTS.sweeps;
  if (!(Number.isInteger(refine) && refine >= 0 && refine <= 8))
    throw new UsageError(`--refine must be 0..8 bisection steps, got ${refine}`);
  if (!(Number.isInteger(sweepCount) && sweepCount >= 1 && sweepCount <= 10))
    throw new UsageError(`--sweeps must be 1..10, got ${sweepCount}`);
  const levels = capacityLevels(maxConnections);
  if (levels.length === 0)
    throw new UsageError(`--max-connections must be at least ${CAPACITY_LEVELS[0]}, got ${maxConnections}`);
  const opts = resolveLoadOptions({
    ...options,
    scenarios: [options.scenario],
    profiles: options.profile ? [options.profile] : [],
    trials: options.trials ?? CAPACITY_DEFAULTS.trials,
    connections: levels[0]!,
    // Errors over the budget miss a level here (the SLO's error share), they do not fail the sweep.
    enforceErrorBudget: false,
  });
  if (opts.rate !== null) throw new UsageError('capacity steps concurrency in closed loop; --rate does not apply');
  const scenario = options.scenario;
  const profile = opts.profileNames[0]!;
  const pinning = loadPinning(opts);
  const seededDb =
    opts.target || !options.profile
      ? null
      : seededDatabase(opts.dataDir, options.profile, opts.scale, opts.seed, hooks.onProgress);

  const records: LoadRecord[] = [];
  let failure: string | undefined;
  /** One level: an arm; its point, or null when the arm failed (failure set). */
  const tryLevel = async (connections: number): Promise<CapacityRecord['curve'][number] | null> => {
    if (hooks.signal?.aborted) {
      failure = 'interrupted';
      return null;
    }
    const record = await runArm({ scenario, profile, seededDb, opts, pinning, connections }, hooks);
    records.push(record);
    if (!record.median || record.status !== 'ok') {
      failure = `at ${connections} connections: ${record.reason ?? 'no measurement'}`;
      return null;
    }
    const m = record.median;
    const errors = errorPct(m);
    return {
      connections,
      rps: m.rps,
      p95: m.latencyMs.p95,
      errorPct: errors,
      ok: m.latencyMs.p95 < sloP95Ms && errors < maxErrorPct,
    };
  };

  const sweeps: NonNullable<CapacityRecord['sweeps']> = [];
  for (let s = 0; s < sweepCount && !failure; s++) {
    const curve: CapacityRecord['curve'] = [];
    // The steps, up to the first level that misses...
    for (const connections of levels) {
      const point = await tryLevel(connections);
      if (!point) break;
      curve.push(point);
      if (!point.ok) break;
    }
    // ...then bisection between the last passing and the first failing level.
    for (let step = 0; step < refine && !failure; step++) {
      const { capacity, failedAt } = bracketOf(curve);
      if (capacity === null || failedAt === null) break;
      const level = bisectLevel(capacity, failedAt);
      if (level === null) break;
      const point = await tryLevel(level);
      if (!point) break;
      curve.push(point);
    }
    curve.sort((a, b) => a.connections - b.connections);
    sweeps.push({ ...bracketOf(curve), curve });
  }
  const chosen = medianSweep(sweeps.length ? sweeps : [{ capacity: null, failedAt: null, curve: [] }]);
  const reachedBound =
    !failure && sweeps.length > 0 && sweeps.every((w) => w.failedAt === null && w.capacity === levels.at(-1));
  const reason =
    failure ??
    (reachedBound
      ? `every level up to --max-connections ${maxConnections} passed: capacity is at least ${maxConnections}`
      : undefined);
  const capacity: CapacityRecord = {
    scenario: scenario.name,
    profile,
    sloP95Ms,
    maxErrorPct,
    status: failure ? 'failed' : 'ok',
    ...(reason ? { reason } : {}),
    capacity: chosen.capacity,
    failedAt: chosen.failedAt,
    curve: chosen.curve,
    ...(sweeps.length > 1 ? { sweeps } : {}),
  };
  return { capacity, records };
}
