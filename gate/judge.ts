import { gainOf, ratioOfMediansInterval, safeRatio, type Direction } from '../stats/index.ts';
import type { Metric } from './metrics.ts';

export type CompareVerdict = 'improved' | 'regressed' | 'no significant change';

export interface ComparedMetric {
  key: string;
  name: string;
  unit: string;
  direction: Direction;
  baseline: number;
  candidate: number;
  /** candidate / baseline - 1; for method 'points', candidate − baseline in percentage points. */
  change: number;
  /** Interval of `change`. */
  interval: { low: number; high: number };
  /**
   * How the interval was made: bootstrap of trial medians, range of trials, margin of error,
   * or none (one value each); 'points': a share compared by its difference, no interval.
   */
  method: 'bootstrap' | 'range' | 'rme' | 'none' | 'points' | 'exact';
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
  metrics: ComparedMetric[];
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
 * Ratio interval for one metric: bootstrap of the ratio of medians over the trials when
 * each side has 3+ samples, else the range of trial ratios; for tinybench (one mean and a
 * margin of error) the ratio of the means' extremes; for a single number, the point.
 */
function ratioInterval(
  b: Metric,
  c: Metric,
): { ratio: number; low: number; high: number; method: ComparedMetric['method'] } {
  if (b.rmePct !== undefined && c.rmePct !== undefined) {
    const eb = b.rmePct / 100;
    const ec = c.rmePct / 100;
    // A margin of error of 100 % or more leaves the mean unbounded below: the ratio's high end is then infinite.
    return {
      ratio: safeRatio(c.value, b.value),
      low: safeRatio(c.value * Math.max(0, 1 - ec), b.value * (1 + eb)),
      high: eb >= 1 ? Number.POSITIVE_INFINITY : safeRatio(c.value * (1 + ec), b.value * (1 - eb)),
      method: 'rme',
    };
  }
  if (b.samples.length <= 1 && c.samples.length <= 1) {
    const ratio = safeRatio(c.value, b.value);
    return { ratio, low: ratio, high: ratio, method: 'none' };
  }
  const ci = ratioOfMediansInterval(b.samples, c.samples, { seed: 1 });
  return { ratio: safeRatio(c.value, b.value), low: ci.low, high: ci.high, method: ci.method };
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

/** Two measured metrics of the same key, compared. */
function compareMeasured(
  b: Metric,
  c: Metric,
  thresholdPct: number,
  errorsThresholdPts: number,
  countedThresholdPct: number,
): ComparedMetric {
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
      verdict: judge(ratio, ratio, ratio, b.direction, countedThresholdPct),
      gating: b.gate ?? false,
      thresholdPct: countedThresholdPct,
    };
  }
  const r = ratioInterval(b, c);
  const metricThreshold = thresholdPct * (b.thresholdFactor ?? 1);
  return {
    ...common,
    change: r.ratio - 1,
    interval: { low: r.low - 1, high: r.high - 1 },
    method: r.method,
    verdict: judge(r.ratio, r.low, r.high, b.direction, metricThreshold),
    gating: (b.gate ?? false) && (r.method === 'bootstrap' || r.method === 'range'),
    thresholdPct: metricThreshold,
  };
}

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
  const notCompared: UncomparedMetric[] = [];
  for (const b of baseline) {
    const c = byKey.get(b.key);
    const problem = uncompared(b, c);
    if (problem) notCompared.push(problem);
    else if (c) metrics.push(compareMeasured(b, c, thresholdPct, errorsThresholdPts, countedThresholdPct));
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
    metrics,
    uncompared: notCompared,
    onlyInBaseline: baseline.filter((m) => !byKey.has(m.key)).map((m) => m.key),
    onlyInCandidate: candidate.filter((m) => !baseByKey.has(m.key)).map((m) => m.key),
    regressions:
      metrics.filter((m) => regressed(m) && m.gating).length + notCompared.filter((m) => regressed(m)).length,
    informationalRegressions: metrics.filter((m) => regressed(m) && !m.gating).length,
    improvements: metrics.filter((m) => m.verdict === 'improved').length,
  };
}
