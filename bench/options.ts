import { builtinProfile, type Profile } from '../db/profiles.ts';
import { UsageError } from '../lib/errors.ts';
import type { ProgressFn } from './driver.ts';
import { findWorkload, workloadNames } from './workloads/index.ts';
import type { Workload } from './workloads/types.ts';
import { DEFAULT_DATA_DIR, type Workspace } from './workspace.ts';
import { ABLATION_ROUNDS } from './ablation-delta.ts';

/** Options every bench stage shares. Defaults in BENCH_DEFAULTS, applied with `??`. */
export interface CommonBenchOptions {
  /** Data scale of the seeded databases (1 = 20,000 campaigns, 200,000 contents). */
  scale?: number;
  /** Data seed; also the seed the read keys are drawn from. */
  seed?: number;
  /** Measured time per operation and profile, ms. */
  timeMs?: number;
  /** Where databases live (a real disk, not tmpfs). A private run directory is made inside and removed after. */
  dataDir?: string;
  /** Share seeded files between stages; created (and removed) per call when absent. */
  workspace?: Workspace;
  onProgress?: ProgressFn;
  /** Stops between measurements: what is left becomes `skipped` records ('interrupted'). */
  signal?: AbortSignal;
}

export const BENCH_DEFAULTS = {
  profiles: ['untuned', 'tuned', 'consensus'],
  scale: 0.1,
  seed: 42,
  timeMs: 1000,
  /** Ablation: rounds of base, arm, arm, base per arm and operation (the fewest ABLATION_CONFIDENCE allows). */
  ablationRounds: ABLATION_ROUNDS,
  /** Ablation: ms per task (one side in one round); short, so a round spans milliseconds, not minutes. */
  ablationTaskMs: 2,
  dataDir: DEFAULT_DATA_DIR,
} as const;

/** The profiles to compare: the ones given (resolved from the catalog at the door), else the defaults, built in. */
export function benchProfiles(given: readonly Profile[] | undefined, defaults: readonly string[]): Profile[] {
  if (given === undefined) return defaults.map(builtinProfile);
  if (given.length === 0) throw new UsageError('--profiles must name at least one profile');
  return [...given];
}

export function resolveWorkloads(names: readonly string[] | undefined): Workload[] {
  if (names === undefined) return workloadNames().map((n) => findWorkload(n)!);
  if (names.length === 0) throw new UsageError('--ops must name at least one operation');
  return names.map((name) => {
    const w = findWorkload(name);
    if (!w) throw new UsageError(`unknown operation '${name}' (known: ${workloadNames().join(', ')})`);
    return w;
  });
}

export function checkCommon(opts: CommonBenchOptions): {
  scale: number;
  seed: number;
  timeMs: number;
  dataDir: string;
} {
  const scale = opts.scale ?? BENCH_DEFAULTS.scale;
  const seed = opts.seed ?? BENCH_DEFAULTS.seed;
  const timeMs = opts.timeMs ?? BENCH_DEFAULTS.timeMs;
  if (!(scale > 0) || scale > 100) throw new UsageError(`--scale must be > 0 and <= 100, got ${scale}`);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${seed}`);
  if (!(timeMs >= 10) || timeMs > 600_000)
    throw new UsageError(`--time must be between 10 and 600000 ms, got ${timeMs}`);
  return { scale, seed, timeMs, dataDir: opts.dataDir ?? BENCH_DEFAULTS.dataDir };
}
