import type { CapacityRecord, LoadRecord } from '../lib/records/load.ts';
import { UsageError } from '../lib/errors.ts';
import { errorPct } from './aggregate.ts';
import { resolveLoadOptions, type LoadOptions } from './options.ts';
import { loadPinning, runArm, seededDatabase, type RunHooks } from './runner.ts';
import { findScenario } from './scenarios.ts';

export const CAPACITY_LEVELS = [10, 25, 50, 100, 200, 400, 800, 1600] as const;

export interface CapacityOptions extends Omit<LoadOptions, 'scenarios' | 'profiles' | 'connections'> {
  scenario: string;
  profile: string;
  /** p95 must be below this, ms (default 200). */
  sloP95Ms?: number;
  /** Errors (non-2xx, connection errors, timeouts) must be below this percentage (default 1). */
  maxErrorPct?: number;
  /** Highest concurrency tried (default 800). */
  maxConnections?: number;
}

export const CAPACITY_DEFAULTS = { sloP95Ms: 200, maxErrorPct: 1, maxConnections: 800, trials: 1 } as const;

/** The concurrency levels up to `max`. */
export function capacityLevels(max: number): number[] {
  return CAPACITY_LEVELS.filter((l) => l <= max);
}

/** The verdict from a curve: the highest passing level before the first failing one. Pure. */
export function capacityOf(curve: CapacityRecord['curve']): number | null {
  let best: number | null = null;
  for (const p of curve) {
    if (!p.ok) break;
    best = p.connections;
  }
  return best;
}

/**
 * Steps concurrency up (10, 25, 50, 100, …, bounded) on one scenario × profile, each level a
 * normal arm (fresh DB and server per trial), and stops after the first level that misses the
 * SLO or the error budget. Returns the capacity record and the arm records of every level.
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
  const levels = capacityLevels(maxConnections);
  if (levels.length === 0)
    throw new UsageError(`--max-connections must be at least ${CAPACITY_LEVELS[0]}, got ${maxConnections}`);
  const opts = resolveLoadOptions({
    ...options,
    scenarios: [options.scenario],
    profiles: [options.profile],
    trials: options.trials ?? CAPACITY_DEFAULTS.trials,
    connections: levels[0]!,
  });
  if (opts.rate !== null) throw new UsageError('capacity steps concurrency in closed loop; --rate does not apply');
  const scenario = findScenario(options.scenario)!;
  const profile = opts.profiles[0]!;
  const pinning = loadPinning(opts);
  const seededDb = opts.target ? null : seededDatabase(opts.dataDir, profile, opts.scale, opts.seed, hooks.onProgress);

  const curve: CapacityRecord['curve'] = [];
  const records: LoadRecord[] = [];
  let failure: string | undefined;
  for (const connections of levels) {
    if (hooks.signal?.aborted) {
      failure = 'interrupted';
      break;
    }
    const record = await runArm({ scenario, profile, seededDb, opts, pinning, connections }, hooks);
    records.push(record);
    if (!record.median || record.status !== 'ok') {
      failure = `at ${connections} connections: ${record.reason ?? 'no measurement'}`;
      break;
    }
    const m = record.median;
    const errors = errorPct(m);
    const ok = m.latencyMs.p95 < sloP95Ms && errors < maxErrorPct;
    curve.push({ connections, rps: m.rps, p95: m.latencyMs.p95, errorPct: errors, ok });
    if (!ok) break;
  }
  const reachedBound = !failure && curve.length === levels.length && curve.every((p) => p.ok);
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
    capacity: capacityOf(curve),
    curve,
  };
  return { capacity, records };
}
