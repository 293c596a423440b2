import { describe, expect, it } from 'vitest';
import {
  binomialHalfCdf,
  isNotEnough,
  mannWhitneyCdf,
  medianInterval,
  minCountFor,
  pairRatio,
  pairedEstimate,
  signTestCoverage,
  unpairedRatio,
} from './index.ts';
import { createRng } from '../lib/rng.ts';

describe('sign-test interval', () => {
  it('item 12: computes the binomial tail in log space (n = 2,000 does not underflow)', () => {
    expect(binomialHalfCdf(0, 3)).toBeCloseTo(1 / 8, 12);
    expect(binomialHalfCdf(1, 3)).toBeCloseTo(4 / 8, 12);
    // Naive 0.5^2000 is 0; the median's neighbourhood must still carry about half the mass.
    expect(binomialHalfCdf(999, 2000)).toBeGreaterThan(0.48);
    expect(binomialHalfCdf(999, 2000)).toBeLessThan(0.5);
    expect(binomialHalfCdf(900, 2000)).toBeGreaterThan(0);
    const ci = medianInterval(
      Array.from({ length: 2000 }, (_, i) => i),
      0.95,
    );
    expect(isNotEnough(ci)).toBe(false);
    if (!isNotEnough(ci)) {
      expect(ci.coverage).toBeGreaterThanOrEqual(0.95);
      expect(ci.coverage).toBeLessThan(0.96);
      expect(ci.high - ci.low).toBeLessThan(100);
    }
  });

  it('needs 6 values for 95 % and says so below that', () => {
    expect(minCountFor(0.95)).toBe(6);
    expect(minCountFor(0.9)).toBe(5);
    const few = medianInterval([1, 2, 3, 4, 5], 0.95);
    expect(isNotEnough(few)).toBe(true);
    if (isNotEnough(few)) expect(few.reason).toBe('not enough rounds: 5 of the 6 that 95 % needs');
    const six = medianInterval([6, 1, 5, 2, 4, 3], 0.95);
    expect(six).toMatchObject({ low: 1, high: 6, coverage: 1 - 2 / 64 });
  });

  it('takes the tightest interval that still reaches the confidence', () => {
    // n = 20: k = 6 gives 1 - 2·P(X ≤ 5) = 0.9586; k = 7 gives 0.8847.
    expect(signTestCoverage(20, 6)).toBeCloseTo(0.9586, 4);
    const ci = medianInterval(
      Array.from({ length: 20 }, (_, i) => i + 1),
      0.95,
    );
    expect(ci).toMatchObject({ low: 6, high: 15 });
  });

  it('covers the true median at least as often as it says (simulation)', () => {
    const rng = createRng(7);
    let covered = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      const xs = Array.from({ length: 8 }, () => Math.exp(rng.next() * 2 - 1)); // median e^0 = 1
      const ci = medianInterval(xs, 0.95);
      if (!isNotEnough(ci) && ci.low <= 1 && ci.high >= 1) covered++;
    }
    // Stated coverage for n = 8: 1 - 2/256 = 0.992; allow sampling slack.
    expect(covered / runs).toBeGreaterThan(0.98);
  });
});

describe('paired estimate', () => {
  it('judges round medians, not pooled pairs', () => {
    const rounds = [[1.0, 1.1, 1.2], [0.9, 1.0], [1.05], [1.1, 1.1], [0.95, 1.0, 1.05], [1.0]];
    const e = pairedEstimate(rounds, 0.95);
    expect(isNotEnough(e)).toBe(false);
    if (!isNotEnough(e)) {
      expect(e.roundMedians).toEqual([1.1, 0.95, 1.05, 1.1, 1.0, 1.0]);
      expect(e.low).toBe(0.95);
      expect(e.high).toBe(1.1);
      expect(e.rounds).toBe(6);
      expect(e.pairs).toBe(12);
      expect(e.coverage).toBeCloseTo(1 - 2 / 64, 12);
    }
  });

  it('gives no verdict from too few rounds, and skips empty rounds rather than counting them', () => {
    const e = pairedEstimate([[1.2, 1.3], [1.25], [], [], [], []], 0.95);
    expect(isNotEnough(e)).toBe(true);
    if (isNotEnough(e)) expect(e.reason).toMatch(/^not enough rounds: 2 of the 6/);
  });

  it('never pairs a side that answered nothing', () => {
    expect(pairRatio(0, 0)).toBeNull();
    expect(pairRatio(5, 0)).toBeNull();
    expect(pairRatio(0, 5)).toBeNull();
    expect(pairRatio(6, 3)).toBe(2);
  });
});

describe('unpaired ratio (Mann–Whitney)', () => {
  it('has the exact null distribution', () => {
    // m = n = 2: U takes 0..4 with counts 1,1,2,1,1 over C(4,2) = 6.
    expect(mannWhitneyCdf(0, 2, 2)).toBeCloseTo(1 / 6, 12);
    expect(mannWhitneyCdf(2, 2, 2)).toBeCloseTo(4 / 6, 12);
    expect(mannWhitneyCdf(0, 3, 3)).toBeCloseTo(1 / 20, 12);
  });

  it('refuses a verdict from 2 or 3 trials at 95 % and computes the coverage from 4', () => {
    const two = unpairedRatio([100, 102], [50, 51], 0.95);
    expect(isNotEnough(two)).toBe(true);
    if (isNotEnough(two)) expect(two.reason).toBe('not enough trials: 2 and 2, where 95 % needs 4 on each side');
    expect(isNotEnough(unpairedRatio([1, 2, 3], [1, 2, 3], 0.95))).toBe(true);
    const four = unpairedRatio([100, 102, 98, 101], [50, 51, 49, 50], 0.95);
    expect(isNotEnough(four)).toBe(false);
    if (!isNotEnough(four)) {
      expect(four.coverage).toBeCloseTo(1 - 2 / 70, 12);
      expect(four.high).toBeLessThan(0.55);
      expect(four.low).toBeGreaterThan(0.47);
    }
  });
});

describe('family (Bonferroni)', () => {
  it('asks each of m intervals at 1 − 2α/m and computes the family-wise coverage from the coverages they have', async () => {
    const { familyConfidence, familyCoverage, canReject } = await import('./family.ts');
    expect(familyConfidence(12)).toBeCloseTo(1 - 0.1 / 12, 12);
    expect(familyConfidence(1)).toBeCloseTo(0.9, 12);
    // 12 intervals of 8 rounds, each [min, max] (1 − 2/256): one-sided tails of 1/256 each.
    expect(familyCoverage(Array(12).fill(1 - 2 / 256))).toBeCloseTo(1 - 12 / 256, 12);
    expect(canReject([0, 0, 0], 0)).toBe(false);
    expect(canReject([0, 0.1, 0], 0)).toBe(true);
  });
});
