import type { RunConfig } from '../lib/records/run-config.ts';
import type { StageName } from '../lib/records/run.ts';
import { CROSSOVER_PRESETS } from '../crossover/plan.ts';
import { POWERLOSS_DEFAULTS } from '../load/powerloss/run.ts';
import { pairedPlan } from './paired-plan.ts';

function crossoverSeconds(preset: 'quick' | 'full'): number {
  const p = CROSSOVER_PRESETS[preset];
  const points = p.dimensions.reduce((n, d) => n + d.values.length, 0);
  return points * p.rounds * 2 * (p.warmupS + p.durationS + TRIAL_OVERHEAD_S + 1) + 30 * p.dimensions.length;
}

/** Capacity levels the load runner steps through (load/capacity.ts), up to a maximum. */
const LEVELS = [10, 25, 50, 100, 200, 400, 800, 1600];

/** Per load trial beyond its warm-up and duration: DB copy, server and generator processes start (seen here: ~2 s). */
const TRIAL_OVERHEAD_S = 2;

/**
 * Rough seconds per stage on a 2-core machine, for the ETA only (the display rescales it
 * by how fast the finished stages went). Never used as a measurement.
 */
export function estimateStages(
  c: RunConfig,
  counts: { scenarios: number; ops: number; k6: boolean },
): Record<StageName, number> {
  const profiles = c.profiles.length;
  const task = c.bench.timeMs / 1000 + 0.08;
  const benchOps = c.bench.ops.length || counts.ops;
  const ablationArms = c.bench.ablation ? 14 : 0;
  const sweep =
    c.bench.indexSweepRows.reduce((s, n) => s + n / 100_000, 0) * 2 + c.bench.indexSweepRows.length * 4 * task;
  const levels = LEVELS.filter((l) => l <= c.capacity.maxConnections).length;
  const capProfiles = c.capacity.profiles.length || profiles;
  return {
    environment: 1,
    seed: profiles * (0.3 + c.scale * 15),
    vacuum: c.vacuum.enabled ? profiles * (0.2 + c.scale * 5) : 0,
    bench: c.bench.enabled ? (profiles + ablationArms) * benchOps * task + sweep : 0,
    load: c.load.enabled
      ? counts.scenarios * profiles * c.load.trials * (c.load.warmupS + c.load.durationS + TRIAL_OVERHEAD_S)
      : 0,
    // Every comparison, every round: both servers start, both sides warm up, then the slices.
    paired: c.paired.enabled
      ? pairedPlan(c, 2).length * c.paired.rounds * (2 * c.paired.warmupS + 2 * c.paired.durationS * 1.35 + 1.2)
      : 0,
    // Pool: 3 topologies of one arm; WAL: 2 profiles × 2 topologies.
    concurrency:
      c.concurrency.enabled && c.concurrency.sequential
        ? 7 * c.load.trials * (c.load.warmupS + c.load.durationS + TRIAL_OVERHEAD_S)
        : 0,
    k6: c.k6.enabled && counts.k6 ? c.k6.scenarios.length * profiles * (c.k6.durationS + 2) : 0,
    capacity: c.capacity.enabled
      ? capProfiles *
        c.capacity.sweeps *
        (levels + c.capacity.refine) *
        (c.capacity.warmupS + c.capacity.durationS + TRIAL_OVERHEAD_S)
      : 0,
    // Both engines, every point and round, plus seeding and migrating each scale.
    crossover: c.crossover.enabled ? crossoverSeconds(c.crossover.preset) : 0,
    // Six profiles: seed, the writes under the recorder, then the images (about 10 ms each here).
    powerloss: c.powerloss.enabled
      ? POWERLOSS_DEFAULTS.profiles.length *
        (1 + c.powerloss.durationS + c.powerloss.cuts * (c.powerloss.allModes ? 4 : 1) * 0.012)
      : 0,
    report: 1,
  };
}
