import { RunConfig } from '../lib/records/run-config.ts';

/**
 * --quick: every stage and all three profiles in under 150 s on 2 cores (143 s measured idle), on a
 * small database (scale 0.05: 1,000 campaigns, 10,000 contents). The verdicts come from the
 * paired stage: tuned vs untuned on read-list, write and mix-80-20, consensus vs tuned on
 * mix-80-20, WAL while writes run and the pool, each interleaved in 0.125 s slices at 16
 * connections, 4 slices per side and round after 0.2 s warm-up, 6 rounds with fresh servers
 * (95 % intervals, coverage 96.9 %). The sequential load stage and concurrency arms are off
 * (the paired slices give the absolute figures). Capacity steps 10, 25, 50, 100 connections
 * on mix-80-20 for untuned and tuned, 0.75 s each after 0.25 s warm-up, then 2 bisection
 * steps between the last passing and the first failing level. Bench: 100 ms per task;
 * ablation in 6 rounds of base, arm, arm, base with 2 ms tasks (95 % intervals); index
 * sweep at 10k and 100k rows. These are indicative figures; --full is the measurement.
 */
export const QUICK: RunConfig = RunConfig.parse({
  profiles: ['untuned', 'tuned', 'consensus'],
  scale: 0.05,
  seed: 42,
  bench: {
    enabled: true,
    timeMs: 100,
    ops: [],
    ablation: true,
    ablationRounds: 6,
    ablationTaskMs: 2,
    indexSweepRows: [10_000, 100_000],
  },
  load: {
    enabled: false,
    scenarios: ['read-list', 'write', 'mix-80-20'],
    connections: 50,
    durationS: 1.5,
    warmupS: 1,
    trials: 2,
  },
  k6: { enabled: true, scenarios: ['mix-80-20'], durationS: 3 },
  capacity: {
    enabled: true,
    scenario: 'mix-80-20',
    profiles: ['untuned', 'tuned'],
    maxConnections: 100,
    durationS: 0.75,
    warmupS: 0.25,
    sloP95Ms: 200,
    maxErrorPct: 1,
    refine: 2,
    sweeps: 1,
  },
  vacuum: { enabled: true, deleteShare: 0.35, updateShare: 0.1 },
  concurrency: { enabled: true, readScenario: 'read-list', mixScenario: 'mix-80-20', workers: 0, sequential: false },
  paired: { enabled: true, rounds: 6, durationS: 0.5, warmupS: 0.2, connections: 16, confidence: 0.95 },
  // The crossover sweep takes minutes even quick: --full only (or crossover.enabled in a config).
  crossover: { enabled: false, preset: 'quick', pgProfile: 'pg-tuned' },
  // Power loss, simulated: about 30 s for six profiles; --full only (or powerloss.enabled in a config).
  powerloss: { enabled: false, cuts: 200, durationS: 2, allModes: false },
  headline: { readScenario: 'read-list', writeScenario: 'write', p95Scenario: 'mix-80-20' },
  thresholds: { comparePct: 15, ledgerNoisePct: 5 },
  injectDelayMs: 0,
});

/**
 * --full: the monthly run. The guide's 5 minutes of load per scenario and profile, split
 * into 3 trials of 100 s (after 10 s warm-up) so there is a spread; 100 connections (the
 * guide's 100 Locust users); every scenario the load runner knows (empty list = all);
 * scale 1 (~114 MiB); capacity up to 800 connections, 30 s per level, 3 bisection steps,
 * the sweep repeated 3 times; 1 s per bench task, ablation in 10 rounds of 25 ms tasks,
 * and the index sweep up to 1M rows; the crossover sweep against PostgreSQL (full preset);
 * power loss simulated on six durability profiles, 200 cuts in all four modes. About 3.5 hours on 2 cores (estimated, not yet measured).
 */
export const FULL: RunConfig = RunConfig.parse({
  ...QUICK,
  scale: 1,
  bench: {
    ...QUICK.bench,
    timeMs: 1000,
    ablationRounds: 10,
    ablationTaskMs: 25,
    indexSweepRows: [10_000, 100_000, 1_000_000],
  },
  load: { ...QUICK.load, enabled: true, scenarios: [], durationS: 75, warmupS: 10, trials: 4, connections: 100 },
  k6: { ...QUICK.k6, scenarios: [], durationS: 100 },
  capacity: { ...QUICK.capacity, profiles: [], maxConnections: 800, durationS: 30, warmupS: 5, refine: 3, sweeps: 3 },
  concurrency: { ...QUICK.concurrency, sequential: true },
  paired: { enabled: true, rounds: 12, durationS: 2, warmupS: 1, connections: 16, confidence: 0.95 },
  crossover: { enabled: true, preset: 'full', pgProfile: 'pg-tuned' },
  powerloss: { enabled: true, cuts: 200, durationS: 5, allModes: true },
});

export const PRESETS = { quick: QUICK, full: FULL } as const;
export type Mode = keyof typeof PRESETS;
