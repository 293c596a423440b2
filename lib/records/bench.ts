import { z } from 'zod';
import { recordFile } from './record-file.ts';
import { CountedRecord } from './counted.ts';

import { Status } from './status.ts';

export { Status };

/** One operation under one profile (or ablation arm), from tinybench. */
export const BenchRecord = z.object({
  op: z.string(),
  /** Profile name, or the ablation arm's name (e.g. 'untuned+wal'). */
  profile: z.string(),
  status: Status,
  reason: z.string().optional(),
  /** Sustained rate: 1000 / latency.mean(ms). Not tinybench's throughput.mean. */
  opsPerSec: z.number(),
  latencyUs: z.object({ mean: z.number(), p50: z.number(), p75: z.number(), p99: z.number() }),
  /** Relative margin of error of the mean latency, in percent. */
  rme: z.number(),
  samples: z.number().int(),
  /** EXPLAIN QUERY PLAN text (one detail per line). */
  plan: z.string(),
  effective: z.record(z.string(), z.union([z.number(), z.string()])),
  /** True when the operation writes (it ran on its own fresh copy of the database). */
  writes: z.boolean().optional(),
  /** Rows one operation touches when more than one (the 100-row transaction). */
  rowsPerOp: z.number().int().optional(),
  /** Secondary indexes present in the database the operation ran on. */
  indexes: z.array(z.string()).optional(),
});
export type BenchRecord = z.infer<typeof BenchRecord>;

/**
 * The effect of switching one PRAGMA on (from untuned) or off (from tuned) for one operation,
 * measured in rounds of base, arm, arm, base (A B B A): short tinybench tasks, each round one
 * paired value (arm over base ops/s; the symmetric order cancels drift linear in time), the
 * interval the sign-test interval of the round values (stats/paired.ts) with its exact coverage.
 * Records from before the rounds (no `method`) carry a spread from two means' margins of error.
 */
export const AblationRecord = z.object({
  direction: z.enum(['enable-on-untuned', 'disable-on-tuned']),
  /** 'wal' | 'normal' | 'cache' | 'temp_store' | 'mmap' | 'indexes' */
  pragma: z.string(),
  op: z.string(),
  status: Status,
  /** Why a record is not ok; with status ok and `verdictable: false`, why there is no interval. */
  reason: z.string().optional(),
  /** Sustained ops/s (1000 / mean latency) over all of the base's tasks in the rounds. */
  baseOpsPerSec: z.number(),
  armOpsPerSec: z.number(),
  /** The median round's arm/base ratio − 1 (0.3 = 30 % faster with the arm). */
  change: z.number(),
  /**
   * The interval of `change` (interval of the ratio − 1), low and high. When `verdictable` is
   * false there is none and it is unbounded: [−1, Number.MAX_VALUE].
   */
  spread: z.object({ low: z.number(), high: z.number() }),
  /** The base profile and the arm's name, e.g. 'untuned' and 'untuned+wal'. */
  base: z.string().optional(),
  arm: z.string().optional(),
  /** True when the interval excludes no change; never true without an interval. */
  significant: z.boolean().optional(),
  /** How the interval was made: 'round-sign-test' (stats/paired.ts PAIRED_METHOD). */
  method: z.string().optional(),
  /** The confidence asked for (e.g. 0.95). */
  confidence: z.number().optional(),
  /** The interval's exact coverage for this many rounds (≥ confidence); absent without an interval. */
  coverage: z.number().optional(),
  /** Rounds with a value (each round: base, arm, arm, base). */
  rounds: z.number().int().optional(),
  /** The per-round values: arm over base ops/s, (base₁ + base₂) / (arm₁ + arm₂) of mean latencies. */
  roundRatios: z.array(z.number()).optional(),
  /**
   * False: fewer rounds than the confidence needs (or the rounds were cut short), so there is
   * no interval and no verdict; `reason` says how many rounds there were and how many it needs.
   */
  verdictable: z.boolean().optional(),
});
export type AblationRecord = z.infer<typeof AblationRecord>;

/** Indexed vs unindexed list query at one table size; insert cost by index count. */
export const IndexSweepRecord = z.object({
  kind: z.enum(['query', 'insert']),
  rows: z.number().int(),
  /** For 'insert': number of secondary indexes (0, 1, 3). For 'query': 0 or 1. */
  indexes: z.number().int(),
  status: Status,
  reason: z.string().optional(),
  opsPerSec: z.number(),
  latencyUs: z.object({ mean: z.number(), p50: z.number(), p99: z.number() }),
  rme: z.number(),
  plan: z.string(),
  samples: z.number().int().optional(),
  /** Profile whose connection PRAGMAs the sweep ran with. */
  profile: z.string().optional(),
});
export type IndexSweepRecord = z.infer<typeof IndexSweepRecord>;

export const BENCH_SCHEMA_VERSION = 1;

export const BenchFile = recordFile('bench', BENCH_SCHEMA_VERSION, BenchRecord, {
  ablation: z.array(AblationRecord).default([]),
  indexSweep: z.array(IndexSweepRecord).default([]),
  /** The raw measurements behind `ablation`: one record per operation and arm (base profiles included). */
  ablationArms: z.array(BenchRecord).default([]),
  /** Exact cost per operation (`--counted`): instructions, fsyncs, bytes written, per profile. */
  counted: z.array(CountedRecord).default([]),
});
export type BenchFile = z.infer<typeof BenchFile>;
