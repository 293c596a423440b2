import { RunConfig } from '../lib/records/run-config.ts';
import { FULL, QUICK } from '../run/presets.ts';

/**
 * `ab --quick` (the pull-request gate): the tuned profile, the four scenarios that cover
 * point reads, index-dependent reads, writes and the guide's 80/20 mix, 50 connections,
 * 8 rounds; in each, fresh servers, then per arm 0.3 s warm-up per side and 2 s of load per
 * side alternating A/B in 0.125 s slices (16 pairs per round: 128 per arm), then four
 * microbenchmark operations per side at 100 ms each. `load.trials` is the number of rounds.
 */
export const AB_QUICK: RunConfig = RunConfig.parse({
  ...QUICK,
  profiles: ['tuned'],
  load: {
    ...QUICK.load,
    enabled: true,
    scenarios: ['read-point', 'read-list', 'write', 'mix-80-20'],
    connections: 50,
    durationS: 2,
    warmupS: 0.3,
    trials: 8,
  },
  bench: {
    ...QUICK.bench,
    timeMs: 100,
    ops: ['point-read', 'indexed-list', 'insert-autocommit', 'update-by-key'],
    ablation: false,
    indexSweepRows: [],
  },
});

/** `ab --full`: all three profiles, every scenario of --quick, 12 rounds of 10 s at scale 1. */
export const AB_FULL: RunConfig = RunConfig.parse({
  ...FULL,
  load: { ...AB_QUICK.load, connections: 100, durationS: 10, warmupS: 2, trials: 12 },
  bench: { ...AB_QUICK.bench, timeMs: 500 },
});

export const AB_PRESETS = { quick: AB_QUICK, full: AB_FULL } as const;
