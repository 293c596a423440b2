import { gainOf, ratioOfMediansInterval, safeRatio, type Direction } from '../lib/stats.ts';
import type { Metric } from './metrics.ts';

export type CompareVerdict = 'improved' | 'regressed' | 'no significant change';

export interface ComparedMetric {
  key: string;
  name: string;
  unit: string;
  direction: Direction;
  baseline: number;
  candidate: number;
  /** candidate / baseline - 1. */
  change: number;
  /** Interval of `change`. */
  interval: { low: number; high: number };
  /** How the interval was made: bootstrap of trial medians, range of trials, margin of error, or none (one value each). */
  method: 'bootstrap' | 'range' | 'rme' | 'none';
  verdict: CompareVerdict;
  /**
   * Whether this metric can fail the gate: rps and p95 (the guide's numbers) with repeated
   * trials, whose interval carries run-to-run variance. tinybench's margin of error is within
   * one run, a capacity sweep has no interval, and p50/p99 would multiply the comparisons
   * (more false alarms), so those are shown but never fail the gate.
   */
  gating: boolean;
  /** The noise threshold applied to this metric, percent (the threshold × the metric's factor). */
  thresholdPct: number;
}

export interface Comparison {
  thresholdPct: number;
  metrics: ComparedMetric[];
  onlyInBaseline: string[];
  onlyInCandidate: string[];
  /** Gating metrics that regressed (the exit code). */
  regressions: number;
  /** Non-gating metrics whose change alone says regressed (shown, not failing). */
  informationalRegressions: number;
  improvements: number;
}

/** 15 %: calibrated by A/A runs here (a 10 % threshold flagged an A/A pair; see README "Calibration"). */
export const COMPARE_DEFAULTS = { thresholdPct: 15 } as const;

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

/** Compares every metric present in both files, matched by key. Pure. */
export function compareMetrics(
  baseline: readonly Metric[],
  candidate: readonly Metric[],
  opts: { thresholdPct?: number } = {},
): Comparison {
  const thresholdPct = opts.thresholdPct ?? COMPARE_DEFAULTS.thresholdPct;
  const byKey = new Map(candidate.map((m) => [m.key, m]));
  const baseKeys = new Set(baseline.map((m) => m.key));
  const metrics: ComparedMetric[] = [];
  for (const b of baseline) {
    const c = byKey.get(b.key);
    if (!c) continue;
    const r = ratioInterval(b, c);
    const metricThreshold = thresholdPct * (b.thresholdFactor ?? 1);
    metrics.push({
      key: b.key,
      name: b.name,
      unit: b.unit,
      direction: b.direction,
      baseline: b.value,
      candidate: c.value,
      change: r.ratio - 1,
      interval: { low: r.low - 1, high: r.high - 1 },
      method: r.method,
      verdict: judge(r.ratio, r.low, r.high, b.direction, metricThreshold),
      gating: (b.gate ?? false) && (r.method === 'bootstrap' || r.method === 'range'),
      thresholdPct: metricThreshold,
    });
  }
  return {
    thresholdPct,
    metrics,
    onlyInBaseline: baseline.filter((m) => !byKey.has(m.key)).map((m) => m.key),
    onlyInCandidate: candidate.filter((m) => !baseKeys.has(m.key)).map((m) => m.key),
    regressions: metrics.filter((m) => m.verdict === 'regressed' && m.gating).length,
    informationalRegressions: metrics.filter((m) => m.verdict === 'regressed' && !m.gating).length,
    improvements: metrics.filter((m) => m.verdict === 'improved').length,
  };
}
