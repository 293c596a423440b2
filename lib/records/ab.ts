import { z } from 'zod';
import { Environment } from './environment.ts';
import { RunConfig } from './run-config.ts';
import { CountedRecord } from './counted.ts';

export const AB_SCHEMA_VERSION = 2;

export const AbSideName = z.enum(['baseline', 'candidate']);
export type AbSideName = z.infer<typeof AbSideName>;

/** One side of an A/B: a checkout of this project, with its own code, config and databases. */
export const AbSide = z.object({
  name: AbSideName,
  /** The checkout directory as given. */
  dir: z.string(),
  gitSha: z.string().nullable(),
  branch: z.string().nullable(),
  /** Uncommitted changes in the checkout when the run started. */
  dirty: z.boolean().nullable(),
  configFile: z.string().nullable(),
  /** `serve --inject-delay-ms` of this side (calibration only; 0 = off). */
  injectDelayMs: z.number().min(0),
  /** `bench --counted --inject-work` of this side (calibration only; 0 = off). */
  injectWork: z.number().min(0).default(0),
});
export type AbSide = z.infer<typeof AbSide>;

/**
 * One measured slice of load on one side: an arm's block in a round alternates between the
 * sides slice by slice, and two neighbouring slices (one per side) form a pair. rps counts
 * 2xx responses only.
 */
export const AbTrial = z.object({
  round: z.number().int().min(0),
  /** Pair number within the arm over the whole run (round × pairs per round + k): the unit of pairing. */
  pair: z.number().int().min(0),
  /** Position of the slice in its block (0-based). */
  slice: z.number().int().min(0),
  /** Position of this trial in the whole run (0-based): the order they really ran in. */
  seq: z.number().int().min(0),
  side: AbSideName,
  scenario: z.string(),
  profile: z.string(),
  status: z.enum(['ok', 'failed']),
  reason: z.string().optional(),
  rps: z.number(),
  requests: z.number().int(),
  non2xx: z.number().int(),
  errors: z.number().int(),
  timeouts: z.number().int(),
  /** (non-2xx + errors + timeouts) / attempts, percent. */
  errorPct: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  p99Ms: z.number(),
  durationS: z.number(),
});
export type AbTrial = z.infer<typeof AbTrial>;

/** One microbenchmark figure of one side in one round (tinybench; ops/s = 1000 / mean ms). */
export const AbBenchSample = z.object({
  round: z.number().int().min(0),
  seq: z.number().int().min(0),
  side: AbSideName,
  op: z.string(),
  profile: z.string(),
  status: z.enum(['ok', 'failed', 'skipped']),
  reason: z.string().optional(),
  opsPerSec: z.number(),
  rme: z.number(),
});
export type AbBenchSample = z.infer<typeof AbBenchSample>;

export const AbVerdict = z.enum(['regressed', 'improved', 'no significant change', 'failed']);
export type AbVerdict = z.infer<typeof AbVerdict>;

/** A metric judged on paired ratios candidate / baseline (load: per pair of neighbouring slices; bench: per round). */
export const AbMetric = z.object({
  key: z.string(),
  name: z.string(),
  unit: z.string(),
  direction: z.enum(['higher', 'lower']),
  /** Absolute (percentage points: error share) or relative (a ratio) comparison. */
  scale: z.enum(['ratio', 'points']),
  gating: z.boolean(),
  /** A change smaller than this (percent, or points for error shares) is never a regression. */
  threshold: z.number(),
  baselineMedian: z.number().nullable(),
  candidateMedian: z.number().nullable(),
  /** Paired candidate/baseline ratios (or differences in points), in pair order. */
  paired: z.array(z.number()),
  /** The round of each pair (parallel to `paired`): the clusters of the interval. */
  pairRounds: z.array(z.number().int()).default([]),
  /**
   * Median of `paired` and its interval: a two-stage bootstrap over rounds, then pairs within
   * a round (the pairs of a round share server processes and database state), or with fewer
   * than 5 rounds the sign test on the round medians. `coverage`: the interval's confidence.
   */
  median: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  coverage: z.number().nullable(),
  /** How the interval was made (absent: an exact counter, no interval). */
  method: z.enum(['cluster-bootstrap', 'cluster-sign-test']).optional(),
  verdict: AbVerdict,
  reason: z.string().optional(),
});
export type AbMetric = z.infer<typeof AbMetric>;

export const AbFile = z.object({
  schemaVersion: z.literal(AB_SCHEMA_VERSION),
  kind: z.literal('ab'),
  environment: Environment,
  mode: z.enum(['quick', 'full', 'custom']),
  /** The shared configuration both sides ran (load shape, scale, profiles, rounds). */
  config: RunConfig,
  sides: z.object({ baseline: AbSide, candidate: AbSide }),
  /** Seed of the randomized order within rounds. */
  orderSeed: z.number().int(),
  roundsPlanned: z.number().int(),
  roundsDone: z.number().int(),
  trials: z.array(AbTrial),
  bench: z.array(AbBenchSample),
  /** Exact counters per side (`--counted`), each side measured once with its own code. */
  counted: z
    .object({ baseline: z.array(CountedRecord), candidate: z.array(CountedRecord) })
    .default({ baseline: [], candidate: [] }),
  metrics: z.array(AbMetric),
  /** Why the run is not trustworthy, shown first (a side failed, stopped early, …). */
  problems: z.array(z.string()),
  /** 0 no significant regression, 1 a gating regression or a failure. */
  exitCode: z.union([z.literal(0), z.literal(1)]),
  wallS: z.number().nullable(),
});
export type AbFile = z.infer<typeof AbFile>;
