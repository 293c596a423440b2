import type { AbFile, AbMetric } from '../lib/records/ab.ts';
import { DASH, pct, share } from '../lib/format.ts';
import { familyCoverage } from '../stats/index.ts';

/** Whether the near end of a regression's interval is itself beyond the threshold (what AB.md may claim). */
export function beyondThreshold(m: Pick<AbMetric, 'low' | 'high' | 'direction' | 'scale' | 'threshold'>): boolean {
  if (m.low === null || m.high === null) return false;
  if (m.scale === 'points') return m.low > m.threshold;
  return m.direction === 'higher' ? m.high < 1 - m.threshold / 100 : m.low > 1 + m.threshold / 100;
}

/** A change on the metric's own scale: a ratio as a signed percentage, points as signed points. */
export const changeText = (m: Pick<AbMetric, 'scale'>, v: number | null): string =>
  v === null
    ? DASH
    : m.scale === 'ratio'
      ? pct(v - 1)
      : `${v > 0 ? '+' : v < 0 ? '−' : '±'}${Math.abs(v).toFixed(2)} pt`;

/** A metric's change with its interval: "−10.2 % [−14.1 % … −6.3 %]". */
export const changeWithInterval = (m: AbMetric): string =>
  m.low === null || m.method === 'exact'
    ? changeText(m, m.median)
    : `${changeText(m, m.median)} [${changeText(m, m.low)} … ${changeText(m, m.high)}]`;

/**
 * The gating metrics judged by an interval: the Bonferroni family (exact counters are not in
 * it, nor metrics whose every round sat at "no change", which cannot reject).
 */
const intervalled = (ab: AbFile) =>
  ab.metrics.filter(
    (m) =>
      m.gating &&
      m.method !== 'exact' &&
      m.coverage !== null &&
      m.low !== null &&
      m.roundValues.some((v) => v !== (m.scale === 'ratio' ? 1 : 0)),
  );

/**
 * The family-wise confidence of this run's regression claims: 1 − Σ (1 − coverageᵢ)/2 over
 * the gating intervals, from the coverages the intervals really have. null: no interval.
 */
export function familyWise(ab: AbFile): { coverage: number; metrics: number } | null {
  const ms = intervalled(ab);
  if (ms.length === 0) return null;
  return { coverage: familyCoverage(ms.map((m) => m.coverage!)), metrics: ms.length };
}

/**
 * The largest regression this run could have missed: the worse end of every gating
 * interval (rps: how far below 1 its low end reaches; p95: how far above; errors: the high
 * end in points). A pass is "no regression larger than this".
 */
export function detectionLimit(ab: AbFile): {
  ratio: { pct: number; metric: string } | null;
  points: { pt: number; metric: string } | null;
} {
  let ratio: { pct: number; metric: string } | null = null;
  let points: { pt: number; metric: string } | null = null;
  for (const m of intervalled(ab)) {
    if (m.scale === 'points') {
      const worst = Math.max(0, m.high!);
      if (!points || worst > points.pt) points = { pt: worst, metric: m.name };
    } else {
      const worst = m.direction === 'higher' ? Math.max(0, 1 - m.low!) : Math.max(0, m.high! - 1);
      if (!ratio || worst > ratio.pct) ratio = { pct: worst, metric: m.name };
    }
  }
  return { ratio, points };
}

/** Gating regressions: they fail the gate. */
export const regressionsOf = (ab: AbFile): AbMetric[] =>
  ab.metrics.filter((m) => m.gating && m.verdict === 'regressed');

/** Gating small regressions: real, within the threshold; shown, not failed. */
export const smallRegressionsOf = (ab: AbFile): AbMetric[] =>
  ab.metrics.filter((m) => m.gating && m.verdict === 'small regression');

/** Gating improvements: counted from the same metrics as the regressions. */
export const improvementsOf = (ab: AbFile): AbMetric[] =>
  ab.metrics.filter((m) => m.gating && m.verdict === 'improved');

const unit = (m: AbMetric) => (m.scale === 'ratio' ? ' %' : ' pt');
const regressionText = (m: AbMetric) =>
  `${m.name} ${m.median === null && m.reason ? m.reason : changeWithInterval(m)}` +
  (m.method === 'exact'
    ? ` (exact, threshold ${m.threshold} %)`
    : beyondThreshold(m)
      ? `, beyond ${m.threshold}${unit(m)}`
      : `, estimate beyond ${m.threshold}${unit(m)}, proven at least ${changeText(m, m.direction === 'higher' && m.scale === 'ratio' ? m.high : m.low)}`);

const familyText = (ab: AbFile) => {
  const f = familyWise(ab);
  return f ? `family-wise ${share(f.coverage)} over ${f.metrics} gating metric(s)` : 'no interval';
};

/** The one-line verdict an A/B leads with: what was decided, with its interval and confidence. */
export function abHeadline(ab: AbFile): string {
  const failed = ab.metrics.filter((m) => m.verdict === 'failed');
  if (ab.problems.length > 0) return `FAILED: ${ab.problems[0]}`;
  if (failed.length > 0) return `FAILED: ${failed.length} metric(s) failed (${failed[0]!.name}: ${failed[0]!.reason})`;
  const regressed = regressionsOf(ab);
  if (regressed.length > 0)
    return `REGRESSED: ${regressed.length} regression(s): ${regressed.map(regressionText).join('; ')} (${familyText(ab)})`;
  const unjudged = ab.metrics.filter((m) => m.gating && m.verdict === 'not enough rounds');
  if (unjudged.length > 0)
    return `NO VERDICT: ${unjudged.length} gating metric(s) cannot be judged (${unjudged[0]!.reason})`;
  const unsliced = ab.metrics.filter((m) => m.gating && m.verdict === 'cannot be judged');
  const gating = ab.metrics.filter((m) => m.gating).length;
  if (unsliced.length > 0 && unsliced.length === gating)
    return `NO VERDICT: none of the ${gating} gating metric(s) can be judged (${unsliced[0]!.name}: ${unsliced[0]!.reason})`;
  if (ab.notMeasured.length > 0) return `NOT MEASURED: ${ab.notMeasured[0]}`;
  const improved = improvementsOf(ab);
  const small = smallRegressionsOf(ab);
  const limit = detectionLimit(ab);
  const parts = [
    limit.ratio ? `no regression larger than ${share(limit.ratio.pct)} (widest: ${limit.ratio.metric})` : null,
    limit.points ? `none larger than ${limit.points.pt.toFixed(2)} pt in an error share` : null,
  ].filter(Boolean);
  return (
    `no significant regression${parts.length ? `: ${parts.join(', ')}` : ''} (${familyText(ab)})` +
    (small.length
      ? `; ${small.length} small regression(s) within the threshold: ${small.map((m) => `${m.name} ${changeWithInterval(m)}`).join('; ')}`
      : '') +
    (improved.length ? `; ${improved.length} improvement(s)` : '') +
    (unsliced.length
      ? `; ${unsliced.length} of ${gating} gating metric(s) cannot be judged, not checked ` +
        `(${[...new Set(unsliced.map((m) => m.name.split(' · ').slice(0, 2).join(' · ')))].join(', ')}: ` +
        `${unsliced[0]!.reason})`
      : '') +
    (ab.notCompared.length ? `; not compared: ${ab.notCompared.join('; ')}` : '')
  );
}

/** A ratio as a factor with two decimals: 1.2649 -> "1.26×". */
const times = (v: number) => `${v.toFixed(2)}×`;

/**
 * One metric's change as a reviewer reads it, hyperfine-style: "1.26× slower on read-point ·
 * tuned · rps (2xx) (1.18× … 1.35×, 99.2 %)". Throughput is turned into a slowdown factor
 * (baseline over candidate), p95 stays a factor (candidate over baseline); an error share is
 * in points. The interval and the coverage it was computed to have; exact counters have none.
 */
export function reviewerText(m: AbMetric, worse: boolean): string {
  const where = `on ${m.name}`;
  if (m.median === null) return `${where}: no value`;
  if (m.scale === 'points') {
    const range = m.low === null ? '' : ` (${changeText(m, m.low)} … ${changeText(m, m.high)}, ${share(m.coverage)})`;
    return `${changeText(m, m.median)} ${m.median > 0 ? 'more' : 'fewer'} errors ${where}${range}`;
  }
  // Factor > 1 in the direction named: "slower" for a regression, "faster" for an improvement.
  const factor = (v: number) => (m.direction === 'higher' ? (worse ? 1 / v : v) : worse ? v : 1 / v);
  const word = m.method === 'exact' ? (worse ? 'costlier' : 'cheaper') : worse ? 'slower' : 'faster';
  if (m.low === null || m.high === null || m.method === 'exact')
    return `${times(factor(m.median))} ${word} ${where}${m.method === 'exact' ? ' (exact count)' : ''}`;
  const [a, b] = [factor(m.low), factor(m.high)].sort((x, y) => x - y);
  return `${times(factor(m.median))} ${word} ${where} (${times(a!)} … ${times(b!)}, ${share(m.coverage)})`;
}

/**
 * The line a reviewer can act on, under AB.md's verdict: each regression as a factor with
 * its interval ("candidate is 1.26× slower on …"), or on a pass the smallest slowdown this
 * run could have seen, and the improvements the same way.
 */
export function reviewerLine(ab: AbFile): string {
  const regressed = regressionsOf(ab);
  if (regressed.length > 0) return `candidate is ${regressed.map((m) => reviewerText(m, true)).join('; ')}`;
  const limit = detectionLimit(ab);
  const f = familyWise(ab);
  if (!limit.ratio || !f) return 'candidate: nothing judged, no factor to give';
  const improved = improvementsOf(ab);
  return (
    `candidate is not slower than ${times(1 + limit.ratio.pct)} on any gating metric ` +
    `(the widest interval: ${limit.ratio.metric}; family-wise ${share(f.coverage)})` +
    (improved.length ? `; it is ${improved.map((m) => reviewerText(m, false)).join('; ')}` : '')
  );
}
