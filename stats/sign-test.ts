import { median } from './basic.ts';

/**
 * The sign-test (order-statistic) interval of a median: distribution-free, no resampling,
 * and its coverage is computed exactly for the n at hand, never typed.
 */

/** log(e^a + e^b) without overflow. */
function logAdd(a: number, b: number): number {
  if (a === Number.NEGATIVE_INFINITY) return b;
  if (b === Number.NEGATIVE_INFINITY) return a;
  const m = Math.max(a, b);
  return m + Math.log(Math.exp(a - m) + Math.exp(b - m));
}

/**
 * P(X <= k) for X ~ Binomial(n, 1/2), summed in log space: 0.5^n underflows to 0 above
 * n ≈ 1074, which would make every interval's coverage 1.
 */
export function binomialHalfCdf(k: number, n: number): number {
  if (k < 0) return 0;
  if (k >= n) return 1;
  let logTerm = -n * Math.LN2; // log C(n, 0) 0.5^n
  let logSum = Number.NEGATIVE_INFINITY;
  for (let i = 0; i <= k; i++) {
    logSum = logAdd(logSum, logTerm);
    logTerm += Math.log(n - i) - Math.log(i + 1);
  }
  return Math.min(1, Math.exp(logSum));
}

/** Coverage of [x(k), x(n+1-k)] (1-based order statistics) as an interval of the median: 1 − 2·P(Bin(n, ½) ≤ k − 1). */
export function signTestCoverage(n: number, k: number): number {
  return 1 - 2 * binomialHalfCdf(k - 1, n);
}

/** The fewest values whose widest interval [min, max] reaches `confidence`: 1 − 2·0.5ⁿ ≥ confidence. */
export function minCountFor(confidence: number): number {
  let n = 1;
  while (signTestCoverage(n, 1) < confidence) n++;
  return n;
}

export interface MedianInterval {
  median: number;
  low: number;
  high: number;
  /** The interval's exact coverage under any continuous distribution, computed for this n (≥ the confidence asked). */
  coverage: number;
  /** The confidence asked for. */
  confidence: number;
  n: number;
  method: 'sign-test';
}

/** Too few values for the confidence asked: no interval, and so no verdict. */
export interface NotEnough {
  notEnough: true;
  n: number;
  /** How many values the confidence needs. */
  needed: number;
  confidence: number;
  /** One line, e.g. "not enough rounds: 4 of the 6 that 95 % needs". */
  reason: string;
}

export const isNotEnough = (x: object): x is NotEnough => 'notEnough' in x;

export function notEnough(n: number, confidence: number, unit = 'rounds'): NotEnough {
  const needed = minCountFor(confidence);
  return {
    notEnough: true,
    n,
    needed,
    confidence,
    reason: `not enough ${unit}: ${n} of the ${needed} that ${Math.round(confidence * 1000) / 10} % needs`,
  };
}

/**
 * [x(k), x(n+1−k)] with the largest k whose coverage is still at least `confidence`.
 * Fewer values than any k allows: NotEnough (never an interval labelled with a coverage it
 * does not have).
 */
export function medianInterval(
  values: readonly number[],
  confidence = 0.95,
  unit = 'rounds',
): MedianInterval | NotEnough {
  const x = [...values].filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  const n = x.length;
  if (n === 0 || signTestCoverage(n, 1) < confidence) return notEnough(n, confidence, unit);
  let k = 1;
  while (k + 1 <= Math.floor(n / 2) && signTestCoverage(n, k + 1) >= confidence) k++;
  return {
    median: median(x),
    low: x[k - 1]!,
    high: x[n - k]!,
    coverage: signTestCoverage(n, k),
    confidence,
    n,
    method: 'sign-test',
  };
}
