import { median } from './basic.ts';
import type { NotEnough } from './sign-test.ts';

/**
 * Two independent samples (trials of two runs made at different times): the exact
 * distribution-free interval of the shift in log space (Hodges–Lehmann with the
 * Mann–Whitney distribution), read back as a ratio candidate/baseline. Its coverage is
 * computed from the exact null distribution for these sample sizes. It assumes the two
 * samples differ only by a factor (a shift of logs); it says nothing about drift between
 * the runs, which only interleaving removes.
 */
export const UNPAIRED_METHOD = 'mann-whitney' as const;

export interface UnpairedEstimate {
  /** exp(median of all pairwise log differences): the Hodges–Lehmann ratio. */
  ratio: number;
  low: number;
  high: number;
  coverage: number;
  confidence: number;
  n: { baseline: number; candidate: number };
  method: typeof UNPAIRED_METHOD;
}

/** counts[u] = number of arrangements with Mann–Whitney statistic u, for sample sizes m and n. */
function mannWhitneyCounts(m: number, n: number): number[] {
  // f(i, j, u): arrangements of i and j values with statistic u; recurrence on the largest value.
  let prev: number[][] = Array.from({ length: n + 1 }, () => [1]);
  for (let i = 1; i <= m; i++) {
    const cur: number[][] = [[1]];
    for (let j = 1; j <= n; j++) {
      const a = prev[j]!; // largest value belongs to sample 1: adds j to u
      const b = cur[j - 1]!; // largest belongs to sample 2: adds 0
      const out = new Array<number>(i * j + 1).fill(0);
      for (let u = 0; u < a.length; u++) out[u + j]! += a[u]!;
      for (let u = 0; u < b.length; u++) out[u]! += b[u]!;
      cur.push(out);
    }
    prev = cur;
  }
  return prev[n]!;
}

/** P(U ≤ u) under the null, for sample sizes m and n. */
export function mannWhitneyCdf(u: number, m: number, n: number): number {
  const counts = mannWhitneyCounts(m, n);
  const total = counts.reduce((s, c) => s + c, 0);
  let sum = 0;
  for (let i = 0; i <= Math.min(u, counts.length - 1); i++) sum += counts[i]!;
  return sum / total;
}

/** The exact interval, or NotEnough when even the widest one falls short of `confidence`. */
export function unpairedRatio(
  baseline: readonly number[],
  candidate: readonly number[],
  confidence = 0.95,
  unit = 'trials',
): UnpairedEstimate | NotEnough {
  const b = baseline.filter((x) => x > 0 && Number.isFinite(x)).map(Math.log);
  const c = candidate.filter((x) => x > 0 && Number.isFinite(x)).map(Math.log);
  const m = b.length;
  const n = c.length;
  const widest = m > 0 && n > 0 ? 1 - 2 * mannWhitneyCdf(0, m, n) : 0;
  if (widest < confidence) {
    let needed = 1;
    while (1 - 2 * mannWhitneyCdf(0, needed, needed) < confidence) needed++;
    return {
      notEnough: true,
      n: Math.min(m, n),
      needed,
      confidence,
      reason: `not enough ${unit}: ${m} and ${n}, where ${Math.round(confidence * 1000) / 10} % needs ${needed} on each side`,
    };
  }
  const d: number[] = [];
  for (const x of b) for (const y of c) d.push(y - x);
  d.sort((x, y) => x - y);
  const counts = mannWhitneyCounts(m, n);
  const total = counts.reduce((s, v) => s + v, 0);
  // Largest k with 1 − 2·P(U ≤ k − 1) ≥ confidence; the interval is [d(k), d(mn + 1 − k)].
  const cdf: number[] = [];
  counts.reduce((s, v, i) => ((cdf[i] = (s + v) / total), s + v), 0);
  let k = 1;
  while (k + 1 <= Math.floor(d.length / 2) && 1 - 2 * cdf[k]! >= confidence) k++;
  const coverage = 1 - 2 * cdf[k - 1]!;
  return {
    ratio: Math.exp(median(d)),
    low: Math.exp(d[k - 1]!),
    high: Math.exp(d[d.length - k]!),
    coverage,
    confidence,
    n: { baseline: m, candidate: n },
    method: UNPAIRED_METHOD,
  };
}
