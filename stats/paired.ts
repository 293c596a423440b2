import { median } from './basic.ts';
import { isNotEnough, medianInterval, type NotEnough } from './sign-test.ts';

/**
 * Paired comparisons made in rounds: in each round both sides run side by side (load
 * alternating in short slices, or A B B A benchmark runs), and every pair of neighbouring
 * measurements gives one paired value (a ratio candidate/baseline, or a difference in
 * points). Pairs of one round share its processes and database state, so they are one
 * cluster: a round gives one value, the median of its pairs, and the interval is the
 * sign-test interval of the round medians, with its coverage computed for the number of
 * rounds. Fewer rounds than the confidence needs: no interval, no verdict.
 */
export const PAIRED_METHOD = 'round-sign-test' as const;
export const PAIRED_METHOD_TEXT =
  'sign-test interval of the round medians of paired values (each round a cluster; coverage exact for the number of rounds)';

export interface PairedEstimate {
  /** Median of the round medians. */
  estimate: number;
  low: number;
  high: number;
  /** Exact coverage for this many rounds (≥ confidence). */
  coverage: number;
  confidence: number;
  rounds: number;
  pairs: number;
  roundMedians: number[];
  method: typeof PAIRED_METHOD;
}

/** One value per round with at least one pair (empty rounds are left out, not counted as no change). */
export function roundMedians(rounds: readonly (readonly number[])[]): number[] {
  return rounds.filter((r) => r.length > 0).map((r) => median(r));
}

/** The paired estimate and its interval, or why there is none. Pure. */
export function pairedEstimate(rounds: readonly (readonly number[])[], confidence = 0.95): PairedEstimate | NotEnough {
  const meds = roundMedians(rounds);
  const ci = medianInterval(meds, confidence, 'rounds');
  if (isNotEnough(ci)) return ci;
  return {
    estimate: ci.median,
    low: ci.low,
    high: ci.high,
    coverage: ci.coverage,
    confidence,
    rounds: meds.length,
    pairs: rounds.reduce((s, r) => s + r.length, 0),
    roundMedians: meds,
    method: PAIRED_METHOD,
  };
}

/**
 * The paired value of two measurements on a ratio scale, or null when it is not a pair:
 * a side that answered nothing (0) is a failure to report, never a ratio of 1 (0/0) or
 * an infinite one.
 */
export function pairRatio(candidate: number, baseline: number): number | null {
  if (!(candidate > 0) || !(baseline > 0) || !Number.isFinite(candidate) || !Number.isFinite(baseline)) return null;
  return candidate / baseline;
}
