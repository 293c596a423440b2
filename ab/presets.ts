import { RunConfig } from '../lib/records/run-config.ts';
import { FULL, QUICK } from '../run/presets.ts';

/**
 * `ab --quick` (the pull-request gate): the tuned profile, the four scenarios that cover
 * point reads, index-dependent reads, writes and the guide's 80/20 mix, 50 connections,
 * 8 interleaved rounds of 2 s per side after 0.5 s warm-up, then four microbenchmark
 * operations per side per round at 100 ms each. About 5 minutes on 2 cores. `load.trials`
 * is the number of rounds.
 */
export const AB_QUICK: RunConfig = RunConfig.parse({
  ...QUICK,
  profiles: ['tuned'],
  load: {
    ...QUICK.load,
    scenarios: ['read-point', 'read-list', 'write', 'mix-80-20'],
    connections: 50,
    durationS: 2,
    warmupS: 0.5,
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
