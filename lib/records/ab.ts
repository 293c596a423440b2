import { z } from 'zod';
import { Environment } from './environment.ts';
import { RunConfig } from './run-config.ts';
import { CountedRecord } from './counted.ts';

/**
 * 3: every metric says its method, confidence and computed coverage, and a metric with too
 * few rounds is 'not enough rounds' (exit 2). 4: gating metrics are one family (Bonferroni:
 * `familySize`, confidence 1 − 0.1/m each), a slice with no response is 'stalled' (throughput
 * judges its round on answered work), 'small regression' (proven, not beyond the threshold)
 * fails the gate too, and `notMeasured` lists what was asked for and could not be made. Schema-2 files (before the round sign test)
 * are still read for their raw trials, which are judged again (reports/calibration/).
 */
export const AB_SCHEMA_VERSION = 4;

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
  /**
   * 'stalled': the slice ran and no request was answered in its window (a failed slice; see
   * judge). 'refused': the block ran no slice because its baseline is too slow to be judged by
   * slices (the reason says why): the arm's metrics cannot be judged.
   */
  status: z.enum(['ok', 'failed', 'stalled', 'refused']),
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

/**
 * 'not enough rounds': fewer rounds with a pair than the confidence needs, so no interval and
 * no verdict. 'cannot be judged': the arm could not be measured by slices (its baseline too
 * slow): listed with the reason, never a pass on its own.
 */
export const AbVerdict = z.enum([
  'regressed',
  'small regression',
  'improved',
  'no significant change',
  'failed',
  'not enough rounds',
  'cannot be judged',
]);
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
   * One value per round, the values the interval is made of: the median of the round's
   * pairs, or (throughput, in a round where a slice stalled) the candidate's answered work
   * over the baseline's.
   */
  roundValues: z.array(z.number()).default([]),
  /** Gating metrics judged together (Bonferroni): each interval asked at 1 − 2·0.05/familySize. */
  familySize: z.number().int().min(1).optional(),
  /** Slices with no response, per side (throughput metrics). */
  stalled: z.object({ candidate: z.number().int(), baseline: z.number().int() }).optional(),
  /**
   * The median change and its interval: the sign-test interval of the round medians of
   * `paired` (stats/paired.ts: the pairs of a round share server processes and database
   * state, so a round is one value). null when there is no interval (failed, not enough
   * rounds); for an exact counter, the one ratio.
   */
  median: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  /** The interval's exact coverage, computed for its number of rounds (null: no interval). */
  coverage: z.number().nullable(),
  /** The confidence the interval was asked for (null: an exact counter; absent: schema 2). */
  confidence: z.number().nullable().optional(),
  /** Rounds with at least one pair: the n of the interval. */
  rounds: z.number().int().min(0).optional(),
  /**
   * How the change was judged: 'round-sign-test' (stats/paired.ts), or 'exact' (a counter:
   * one value per side, no interval). The cluster-* names are schema 2's bootstrap.
   */
  method: z.enum(['round-sign-test', 'exact', 'cluster-bootstrap', 'cluster-sign-test']).optional(),
  verdict: AbVerdict,
  /** Why the metric failed, or why it has no verdict (not enough rounds). */
  reason: z.string().optional(),
  /** Pairs left out because a side answered nothing (0 req/s): not a ratio, and not a ratio of 1. */
  note: z.string().optional(),
});
export type AbMetric = z.infer<typeof AbMetric>;

export const AbFile = z.object({
  schemaVersion: z.union([z.literal(2), z.literal(3), z.literal(AB_SCHEMA_VERSION)]),
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
  /** What was asked for and could not be measured (counters without valgrind/strace): exit 2. */
  notMeasured: z.array(z.string()).default([]),
  /** Profiles only one side's config has: not compared (no pair), listed, not an error. */
  notCompared: z.array(z.string()).default([]),
  /**
   * 0 no significant regression, 1 a gating regression or a failure, 2 a gating metric with
   * not enough rounds, or no gating metric that could be judged.
   */
  exitCode: z.union([z.literal(0), z.literal(1), z.literal(2)]),
  wallS: z.number().nullable(),
});
export type AbFile = z.infer<typeof AbFile>;
