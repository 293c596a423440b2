/**
 * Two configurations side by side on every query: rounds of base, arm, arm, base per query
 * (drift linear in time cancels), one gain per query and round (the base's time over the
 * arm's: above 1 the arm is faster), and per query the sign-test interval of its round
 * values from the statistics core, asked at the family's confidence so that the chance of
 * any false "faster" or "slower" over all the queries of one comparison stays at most 5 %.
 */
import { familyConfidence, isNotEnough, minCountFor, pairedEstimate, pairRatio } from '../stats/index.ts';
import type { Side } from './side.ts';
import { yieldToEventLoop } from '../bench/driver.ts';

/** A change smaller than this, either way, is not worth a setting: "within the noise". */
export const TUNE_BAND = 0.05;

export type Verdict = 'faster' | 'slower' | 'within the noise' | 'not shown' | 'not judged';

export interface QueryGain {
  query: string;
  /** Median of the round gains (base time / arm time). */
  estimate: number | null;
  low: number | null;
  high: number | null;
  /** The interval's exact coverage, computed for its rounds. */
  coverage: number | null;
  rounds: number;
  verdict: Verdict;
  /** Why there is no interval, when there is none. */
  reason?: string;
  /** Each round's gain, in the order the rounds ran (what the interval is made of; absent in older records). */
  roundGains?: number[];
  /** Mean latency of base and arm over all rounds, µs. */
  baseUs: number | null;
  armUs: number | null;
}

export interface Comparison {
  base: string;
  arm: string;
  confidence: number;
  gains: QueryGain[];
}

/** The rounds a comparison of m queries needs for an interval at the family's confidence. */
export function roundsFor(m: number): number {
  return minCountFor(familyConfidence(m));
}

export function classify(low: number, high: number, band = TUNE_BAND): Verdict {
  if (low > 1 + band) return 'faster';
  if (high < 1 / (1 + band)) return 'slower';
  if (low >= 1 / (1 + band) && high <= 1 + band) return 'within the noise';
  return 'not shown';
}

/** Judges per-query round gains (pure). */
export function judgeGains(
  base: string,
  arm: string,
  rounds: Map<string, { gains: number[]; baseUs: number[]; armUs: number[] }>,
): Comparison {
  const confidence = familyConfidence(rounds.size);
  const mean = (xs: number[]) => (xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null);
  const gains: QueryGain[] = [...rounds].map(([query, r]) => {
    const est = pairedEstimate(
      r.gains.map((g) => [g]),
      confidence,
    );
    const common = {
      query,
      rounds: r.gains.length,
      roundGains: [...r.gains],
      baseUs: mean(r.baseUs),
      armUs: mean(r.armUs),
    };
    if (isNotEnough(est))
      return {
        ...common,
        estimate: null,
        low: null,
        high: null,
        coverage: null,
        verdict: 'not judged',
        reason: est.reason,
      };
    return {
      ...common,
      estimate: est.estimate,
      low: est.low,
      high: est.high,
      coverage: est.coverage,
      verdict: classify(est.low, est.high),
    };
  });
  return { base, arm, confidence, gains };
}

export interface PairedOptions {
  rounds: number;
  taskMs: number;
  /** True when the budget is spent: no further round starts. */
  expired?: () => boolean;
}

/** Measures `arm` against `base` on every query, round after round. */
export async function measurePaired(
  base: Side,
  arm: Side,
  queries: readonly string[],
  opts: PairedOptions,
): Promise<Map<string, { gains: number[]; baseUs: number[]; armUs: number[] }>> {
  const out = new Map(
    queries.map((q) => [q, { gains: [] as number[], baseUs: [] as number[], armUs: [] as number[] }]),
  );
  for (let round = 0; round < opts.rounds; round++) {
    if (opts.expired?.()) break;
    // The queries' order turns each round, so none is always measured first.
    for (let k = 0; k < queries.length; k++) {
      const q = queries[(k + round) % queries.length]!;
      const t = { base: 0, arm: 0 };
      for (const [name, side] of [
        ['base', base],
        ['arm', arm],
        ['arm', arm],
        ['base', base],
      ] as const) {
        await yieldToEventLoop();
        const m = await side.run(q, opts.taskMs);
        if (!m.ok) throw new Error(`${q} (${name}): ${m.reason}`);
        t[name] += m.latencyUs.mean;
      }
      const g = pairRatio(t.base, t.arm);
      if (g === null) throw new Error(`${q}: a round measured no time`);
      const r = out.get(q)!;
      r.gains.push(g);
      r.baseUs.push(t.base / 2);
      r.armUs.push(t.arm / 2);
    }
  }
  return out;
}
