/**
 * The A/B gate's rule, as data and small pure functions: the thresholds, the run-wide
 * confidence, and the verdict on one metric's interval (ratios or percentage points).
 * ab/judge.ts assembles each metric's paired series and applies it.
 */
import type { AbVerdict } from '../lib/records/ab.ts';
import { FAMILY_ALPHA, familyConfidence, notEnough, type Direction } from '../stats/index.ts';

/**
 * The sizes the A/B names: a regression whose whole interval lies beyond these is
 * "regressed beyond X %"; one proven but not shown to be that large is a "small
 * regression". Both fail the gate (see judgeRatios). The error share is in percentage
 * points; exact counters gate at countedPct (they have no noise to bound).
 */
export const AB_THRESHOLDS = { rpsPct: 5, p95Pct: 10, benchPct: 5, errorPoints: 0.5, countedPct: 1 } as const;
export type AbThresholds = { -readonly [K in keyof typeof AB_THRESHOLDS]: number };

/**
 * The run-wide confidence of the gate: the chance that any gating metric is called a
 * regression when nothing changed is at most 1 − AB_CONFIDENCE (Bonferroni over the gating
 * metrics, stats/family.ts). Each of m metrics' intervals is asked at 1 − 2·0.05/m: with
 * `--quick`'s 12 gating metrics that is 99.17 %, which 8 rounds reach with [min, max] of the
 * round values (1 − 2/2⁸ = 99.22 %). Non-gating metrics (microbenchmarks) are asked at 95 % each.
 */
export const AB_CONFIDENCE = 1 - FAMILY_ALPHA;

/** Gating load metrics per arm: rps (answered work), p95 and the error share. */
export const GATING_PER_ARM = 3;

/** Why an A/B planned with `rounds` rounds and `arms` arms can give no verdict, or undefined when it can. */
export function tooFewRounds(rounds: number, arms = 1): string | undefined {
  const n = notEnough(rounds, familyConfidence(arms * GATING_PER_ARM), 'rounds');
  return rounds >= n.needed ? undefined : n.reason;
}

/**
 * The decision on ratios candidate / baseline, one rule for every gating metric:
 * - **regressed** (fails the gate): the whole interval lies on the worse side of "no change"
 *   (the change is real, family-wise) **and** the estimate is worse than the threshold (rps
 *   below 1 − t, p95 above 1 + t: large enough to matter). What the record then claims is the
 *   interval: "at least" its near end; AB.md says "beyond t" only when the near end is;
 * - **small regression** (shown, does not fail): real, but the estimate is within the
 *   threshold. The threshold is the tolerance for changes too small to act on, and for the
 *   systematic differences of a few percent that two identical sides can show;
 * - **improved**: the whole interval on the better side.
 */
export function judgeRatios(
  low: number,
  mid: number,
  high: number,
  direction: Direction,
  thresholdPct: number,
): AbVerdict {
  const t = thresholdPct / 100;
  if (direction === 'higher') {
    if (high < 1) return mid < 1 - t ? 'regressed' : 'small regression';
    return low > 1 ? 'improved' : 'no significant change';
  }
  if (low > 1) return mid > 1 + t ? 'regressed' : 'small regression';
  return high < 1 ? 'improved' : 'no significant change';
}

/** The same rule on differences in percentage points (higher is worse: error shares). */
export function judgePoints(low: number, mid: number, high: number, thresholdPoints: number): AbVerdict {
  if (low > 0) return mid > thresholdPoints ? 'regressed' : 'small regression';
  if (high < 0) return 'improved';
  return 'no significant change';
}

/** Verdicts that fail the gate on a gating metric: a small regression is shown, not failed. */
export const isRegression = (v: AbVerdict): boolean => v === 'regressed';
