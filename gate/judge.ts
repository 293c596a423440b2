import {
  UNPAIRED_METHOD,
  gainOf,
  isNotEnough,
  mannWhitneyCdf,
  safeRatio,
  unpairedRatio,
  type Direction,
  type NotEnough,
} from '../stats/index.ts';
import type { Metric } from './metrics.ts';

export type CompareVerdict = 'improved' | 'regressed' | 'no significant change';

export interface ComparedMetric {
  key: string;
  name: string;
  unit: string;
  direction: Direction;
  baseline: number;
  candidate: number;
  /**
   * candidate / baseline - 1 (for 'mann-whitney', the Hodges–Lehmann ratio: the median of
   * every candidate/baseline trial ratio); for method 'points', candidate − baseline in points.
   */
  change: number;
  /** Interval of `change`. */
  interval: { low: number; high: number };
  /** How the change was judged: see CompareMethod. */
  method: CompareMethod;
  /** The interval's exact coverage, computed for the trial counts at hand ('mann-whitney'); null: no interval with a coverage. */
  coverage: number | null;
  /** The confidence the interval was asked for ('mann-whitney'); null otherwise. */
  confidence: number | null;
  /** Samples behind the interval on each side ('mann-whitney'). */
  n?: { baseline: number; candidate: number };
  verdict: CompareVerdict;
  /**
   * Whether this metric can fail the gate: rps and p95 (the guide's numbers) with repeated
   * trials, whose interval carries run-to-run variance, and the error share. tinybench's
   * margin of error is within one run, a capacity sweep has no interval, and p50/p99 would
   * multiply the comparisons (more false alarms), so those are shown but never fail the gate.
   */
  gating: boolean;
  /** The noise threshold applied to this metric: percent (the threshold × the metric's factor), or percentage points for method 'points'. */
  thresholdPct: number;
}

/**
 * How a metric's change is judged:
 * - 'mann-whitney': the trials (or capacity sweeps) of the two runs as independent samples,
 *   the exact Mann–Whitney / Hodges–Lehmann interval of the ratio (stats/unpaired.ts), its
 *   coverage computed for the two sample sizes;
 * - 'rme': tinybench's margins of error (one run each; informational);
 * - 'none': one number per run, no interval (a capacity swept once; informational);
 * - 'points': a share in percent, compared by its difference in points (no interval);
 * - 'exact': an exact count, whose ratio is the change (no noise to bound).
 */
export type CompareMethod = typeof UNPAIRED_METHOD | 'rme' | 'none' | 'points' | 'exact';

/** Text of each method, for reports. */
export const COMPARE_METHOD_TEXT: Record<CompareMethod, string> = {
  [UNPAIRED_METHOD]:
    'exact Mann–Whitney interval of the ratio (Hodges–Lehmann) over the two runs’ trials as independent samples',
  rme: "tinybench: the two means' margins of error",
  none: 'one number per run: no interval',
  points: 'difference in percentage points: no interval',
  exact: 'exact count: the ratio is the change, no interval',
};

/**
 * A metric whose samples are too few for an interval at COMPARE_CONFIDENCE: no verdict, and
 * it does not count as compared.
 */
export interface UnjudgedMetric extends Pick<
  ComparedMetric,
  'key' | 'name' | 'unit' | 'direction' | 'baseline' | 'candidate'
> {
  method: typeof UNPAIRED_METHOD;
  verdict: 'cannot be judged';
  /** One line, from stats/unpaired.ts: 'not enough trials: 3 and 3, where 95 % needs 4 on each side'. */
  reason: string;
  gating: boolean;
}

/** A metric with no pair of figures to compare: its arm failed, or it is missing from the candidate. */
export interface UncomparedMetric {
  key: string;
  name: string;
  /** Why, in one line: 'missing in candidate', 'candidate arm failed (audit: 3 acknowledged writes lost)', … */
  reason: string;
  /** A gating metric missing, failed or audit-failed in the candidate is a regression; the rest is shown only. */
  verdict: 'regressed' | 'not compared';
  gating: boolean;
}

export interface Comparison {
  thresholdPct: number;
  /** Percentage points the error share may rise before it regresses. */
  errorsThresholdPts: number;
  /** The confidence asked of every interval ('mann-whitney'). */
  confidence: number;
  /** Metrics judged: each has a verdict. */
  metrics: ComparedMetric[];
  /** Metrics on both sides whose samples are too few for an interval: no verdict, not counted as compared. */
  unjudged: UnjudgedMetric[];
  /**
   * Gating metrics judged on their speed or cost: by an interval, or exactly (counters). The
   * error share alone says nothing about speed: with none of these, there is no verdict.
   */
  judgedGating: number;
  /** Metrics present on one side at least that could not be compared, with why; gating ones count as regressions. */
  uncompared: UncomparedMetric[];
  onlyInBaseline: string[];
  onlyInCandidate: string[];
  /** Gating metrics that regressed, compared or not (the exit code). */
  regressions: number;
  /** Non-gating metrics whose change alone says regressed (shown, not failing). */
  informationalRegressions: number;
  improvements: number;
}

/**
 * thresholdPct 15 %: calibrated by A/A runs here (a 10 % threshold flagged an A/A pair; see
 * docs/calibration.md). errorsThresholdPts: an error share may rise by half a percentage
 * point (noise of a few failed requests) before it is a regression.
 */
export const COMPARE_DEFAULTS = { thresholdPct: 15, errorsThresholdPts: 0.5, countedThresholdPct: 1 } as const;

/**
 * Confidence asked of the interval of a ratio between two runs' trials (stats/unpaired.ts):
 * the same 95 % as `ab`. It needs 4 trials on each side (coverage 1 − 2/70 = 97.1 %); the
 * calibration config runs 5 (96.8 %). A quick run's 2 trials and a full run's 3 are too few:
 * their rps and p95 cannot be judged, and compare says so (exit 2) rather than guess.
 */
export const COMPARE_CONFIDENCE = 0.95;

/** Trials each side needs for the widest interval to reach COMPARE_CONFIDENCE (computed: 4 at 95 %). */
export const COMPARE_MIN_TRIALS = (() => {
  let n = 1;
  while (1 - 2 * mannWhitneyCdf(0, n, n) < COMPARE_CONFIDENCE) n++;
  return n;
})();

interface RatioInterval {
  ratio: number;
  low: number;
  high: number;
  method: CompareMethod;
  coverage: number | null;
  confidence: number | null;
  n?: { baseline: number; candidate: number };
}

/**
 * Ratio interval for one metric: for repeated trials (or sweeps), the exact unpaired interval
 * of the ratio, or NotEnough; for tinybench (one mean and a margin of error) the ratio of the
 * means' extremes; for a single number, the point.
 */
function ratioInterval(b: Metric, c: Metric): RatioInterval | NotEnough {
  if (b.rmePct !== undefined && c.rmePct !== undefined) {
    const eb = b.rmePct / 100;
    const ec = c.rmePct / 100;
    // A margin of error of 100 % or more leaves the mean unbounded below: the ratio's high end is then infinite.
    return {
      ratio: safeRatio(c.value, b.value),
      low: safeRatio(c.value * Math.max(0, 1 - ec), b.value * (1 + eb)),
      high: eb >= 1 ? Number.POSITIVE_INFINITY : safeRatio(c.value * (1 + ec), b.value * (1 - eb)),
      method: 'rme',
      coverage: null,
      confidence: null,
    };
  }
  // One figure per run that is not a trial (a capacity swept once): shown, no interval.
  if (b.sampleUnit !== 'trials' && b.samples.length <= 1 && c.samples.length <= 1) {
    const ratio = safeRatio(c.value, b.value);
    return { ratio, low: ratio, high: ratio, method: 'none', coverage: null, confidence: null };
  }
  const ci = unpairedRatio(b.samples, c.samples, COMPARE_CONFIDENCE, b.sampleUnit ?? 'trials');
  if (isNotEnough(ci)) return ci;
  return {
    ratio: ci.ratio,
    low: ci.low,
    high: ci.high,
    method: ci.method,
    coverage: ci.coverage,
    confidence: ci.confidence,
    n: ci.n,
  };
}

/**
 * The decision rule. A metric regressed only when (1) its change is worse than the
 * threshold and (2) the whole interval lies on the worse side of "no change"; improved
 * symmetrically; everything else is "no significant change". A change inside the
 * threshold is never a regression, however tight its interval.
 */
export function judge(
  ratio: number,
  low: number,
  high: number,
  direction: Direction,
  thresholdPct: number,
): CompareVerdict {
  const t = 1 + thresholdPct / 100;
  const gain = gainOf(ratio, direction);
  const gLow = direction === 'higher' ? low : gainOf(high, direction);
  const gHigh = direction === 'higher' ? high : gainOf(low, direction);
  if (gain < 1 / t && gHigh < 1) return 'regressed';
  if (gain > t && gLow > 1) return 'improved';
  return 'no significant change';
}

/**
 * The verdict on a share in percent (the error share): regressed when the candidate's share is
 * above 0 and exceeds the baseline's by more than `thresholdPts` percentage points; improved
 * when it fell by more than that.
 */
export function judgePoints(baseline: number, candidate: number, thresholdPts: number): CompareVerdict {
  const diff = candidate - baseline;
  if (diff > thresholdPts && candidate > 0) return 'regressed';
  if (-diff > thresholdPts) return 'improved';
  return 'no significant change';
}

/** Two measured metrics of the same key, compared, or why they cannot be judged. */
function compareMeasured(
  b: Metric,
  c: Metric,
  thresholdPct: number,
  errorsThresholdPts: number,
  countedThresholdPct: number,
): ComparedMetric | UnjudgedMetric {
  const common = {
    key: b.key,
    name: b.name,
    unit: b.unit,
    direction: b.direction,
    baseline: b.value,
    candidate: c.value,
  };
  if (b.scale === 'points') {
    const diff = c.value - b.value;
    return {
      ...common,
      change: diff,
      interval: { low: diff, high: diff },
      method: 'points',
      coverage: null,
      confidence: null,
      verdict: judgePoints(b.value, c.value, errorsThresholdPts),
      gating: b.gate ?? false,
      thresholdPct: errorsThresholdPts,
    };
  }
  if (b.exact) {
    // Exact counts have no noise to bound: the change is the change.
    const ratio = safeRatio(c.value, b.value);
    return {
      ...common,
      change: ratio - 1,
      interval: { low: ratio - 1, high: ratio - 1 },
      method: 'exact',
      coverage: null,
      confidence: null,
      verdict: judge(ratio, ratio, ratio, b.direction, countedThresholdPct),
      gating: b.gate ?? false,
      thresholdPct: countedThresholdPct,
    };
  }
  if (b.degraded !== undefined || c.degraded !== undefined)
    return {
      ...common,
      method: UNPAIRED_METHOD,
      verdict: 'cannot be judged',
      reason:
        b.degraded !== undefined && c.degraded !== undefined
          ? `both arms degraded (baseline: ${b.degraded}; candidate: ${c.degraded})`
          : `baseline arm degraded: ${b.degraded}`,
      gating: b.gate ?? false,
    };
  const r = ratioInterval(b, c);
  if (isNotEnough(r))
    return {
      ...common,
      method: UNPAIRED_METHOD,
      verdict: 'cannot be judged',
      reason: r.reason,
      gating: b.gate ?? false,
    };
  const metricThreshold = thresholdPct * (b.thresholdFactor ?? 1);
  return {
    ...common,
    change: r.ratio - 1,
    interval: { low: r.low - 1, high: r.high - 1 },
    method: r.method,
    coverage: r.coverage,
    confidence: r.confidence,
    ...(r.n ? { n: r.n } : {}),
    verdict: judge(r.ratio, r.low, r.high, b.direction, metricThreshold),
    // Only an interval over repeated trials carries run-to-run variance: the rest is shown.
    gating: (b.gate ?? false) && r.method === UNPAIRED_METHOD,
    thresholdPct: metricThreshold,
  };
}

const isUnjudged = (m: ComparedMetric | UnjudgedMetric): m is UnjudgedMetric => m.verdict === 'cannot be judged';

/**
 * Why a key cannot be compared, or undefined when both sides have figures (or the key is the
 * candidate's alone and measured). Nothing passes silently: a gating metric failed in the
 * candidate (whatever the baseline says) or present in the baseline and missing from the
 * candidate is a regression.
 */
function uncompared(b: Metric | undefined, c: Metric | undefined): UncomparedMetric | undefined {
  const m = (b ?? c)!;
  const gating = m.gate ?? false;
  let reason: string | undefined;
  let regressed = false;
  if (c?.failure !== undefined) {
    const baseline =
      b === undefined ? '; not in baseline' : b.failure !== undefined ? '; the baseline arm failed too' : '';
    reason = `candidate arm failed (${c.failure})${baseline}`;
    regressed = gating;
  } else if (b !== undefined && c === undefined) {
    reason =
      b.failure === undefined ? 'missing in candidate' : `missing in candidate (the baseline arm failed: ${b.failure})`;
    regressed = gating;
  } else if (b?.failure !== undefined) {
    reason = `baseline arm failed (${b.failure}): nothing to compare the candidate with`;
  } else if (c?.degraded !== undefined && b !== undefined && b.degraded === undefined) {
    // The baseline's arm answered within its error budget and the candidate's did not: a regression.
    reason = `candidate arm degraded (${c.degraded}); the baseline's was not`;
    regressed = gating;
  }
  if (reason === undefined) return undefined;
  return { key: m.key, name: m.name, reason, verdict: regressed ? 'regressed' : 'not compared', gating };
}

/** Keys of gating metrics in the baseline that the candidate also has (measured or failed): none means nothing to gate on. */
export function commonGatingKeys(baseline: readonly Metric[], candidate: readonly Metric[]): string[] {
  const cand = new Set(candidate.map((m) => m.key));
  return baseline.filter((m) => (m.gate ?? false) && cand.has(m.key)).map((m) => m.key);
}

/** Compares every metric of the two files, matched by key; failed and missing ones are judged too. Pure. */
export function compareMetrics(
  baseline: readonly Metric[],
  candidate: readonly Metric[],
  opts: { thresholdPct?: number; errorsThresholdPts?: number; countedThresholdPct?: number } = {},
): Comparison {
  const thresholdPct = opts.thresholdPct ?? COMPARE_DEFAULTS.thresholdPct;
  const errorsThresholdPts = opts.errorsThresholdPts ?? COMPARE_DEFAULTS.errorsThresholdPts;
  const countedThresholdPct = opts.countedThresholdPct ?? COMPARE_DEFAULTS.countedThresholdPct;
  const byKey = new Map(candidate.map((m) => [m.key, m]));
  const baseByKey = new Map(baseline.map((m) => [m.key, m]));
  const metrics: ComparedMetric[] = [];
  const unjudged: UnjudgedMetric[] = [];
  const notCompared: UncomparedMetric[] = [];
  for (const b of baseline) {
    const c = byKey.get(b.key);
    const problem = uncompared(b, c);
    if (problem) notCompared.push(problem);
    else if (c) {
      const m = compareMeasured(b, c, thresholdPct, errorsThresholdPts, countedThresholdPct);
      if (isUnjudged(m)) unjudged.push(m);
      else metrics.push(m);
    }
  }
  for (const c of candidate) {
    if (baseByKey.has(c.key)) continue;
    const problem = uncompared(undefined, c);
    if (problem) notCompared.push(problem);
  }
  const regressed = (m: { verdict: string }) => m.verdict === 'regressed';
  return {
    thresholdPct,
    errorsThresholdPts,
    confidence: COMPARE_CONFIDENCE,
    metrics,
    unjudged,
    judgedGating: metrics.filter((m) => m.gating && (m.method === UNPAIRED_METHOD || m.method === 'exact')).length,
    uncompared: notCompared,
    onlyInBaseline: baseline.filter((m) => !byKey.has(m.key)).map((m) => m.key),
    onlyInCandidate: candidate.filter((m) => !baseByKey.has(m.key)).map((m) => m.key),
    regressions:
      metrics.filter((m) => regressed(m) && m.gating).length + notCompared.filter((m) => regressed(m)).length,
    informationalRegressions: metrics.filter((m) => regressed(m) && !m.gating).length,
    improvements: metrics.filter((m) => m.verdict === 'improved').length,
  };
}
