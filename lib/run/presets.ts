import { RunConfig } from './config.ts';

/**
 * --quick: every stage and all three profiles in about three minutes on 2 cores, on a
 * small database. The load stage runs a representative subset of the scenarios: one
 * read-only, one write-only and the guide's 80/20 mix (the three the headline needs).
 */
export const QUICK: RunConfig = RunConfig.parse({
  profiles: ['untuned', 'tuned', 'consensus'],
  scale: 0.05,
  seed: 42,
  bench: { enabled: true, timeMs: 150, ops: [], ablation: true, indexSweepRows: [5_000, 50_000] },
  load: { enabled: true, scenarios: ['read', 'write', 'mixed'], connections: 10, durationS: 3, warmupS: 1, trials: 2 },
  k6: { enabled: true, scenarios: ['mixed'], durationS: 5 },
  capacity: {
    enabled: true,
    scenario: 'mixed',
    profiles: [],
    connections: [1, 10, 50, 100],
    durationS: 2,
    warmupS: 0.5,
    sloP95Ms: 200,
    maxErrorPct: 1,
  },
  vacuum: { enabled: true, deleteShare: 0.35, updateShare: 0.1 },
  headline: { readScenario: 'read', writeScenario: 'write', p95Scenario: 'mixed' },
  thresholds: { comparePct: 10, ledgerNoisePct: 5 },
  injectDelayMs: 0,
});

/**
 * --full: the monthly run. The guide's 5-minute load per scenario, three trials, every
 * scenario the load runner knows (empty list = all), a larger database, a finer capacity sweep.
 */
export const FULL: RunConfig = RunConfig.parse({
  ...QUICK,
  scale: 1,
  bench: { ...QUICK.bench, timeMs: 2000, indexSweepRows: [10_000, 100_000, 1_000_000] },
  load: { ...QUICK.load, scenarios: [], durationS: 300, warmupS: 10, trials: 3, connections: 100 },
  k6: { ...QUICK.k6, scenarios: [], durationS: 300 },
  capacity: { ...QUICK.capacity, connections: [1, 10, 25, 50, 100, 150, 200, 300, 400], durationS: 30, warmupS: 5 },
});

export const PRESETS = { quick: QUICK, full: FULL } as const;
export type Mode = keyof typeof PRESETS;
