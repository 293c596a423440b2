import { describe, expect, it } from 'vitest';
import {
  gainInterval,
  gainOf,
  median,
  quantile,
  ratioOfMediansInterval,
  safeRatio,
  withinNoise,
  medianInterval,
  clusteredMedianInterval,
} from './stats.ts';

describe('median and quantile', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(Number.isNaN(median([]))).toBe(true);
  });
  it('interpolates quantiles between order statistics', () => {
    expect(quantile([0, 10], 0.25)).toBe(2.5);
    expect(quantile([5, 1, 9], 1)).toBe(9);
  });
});

describe('ratios', () => {
  it('handles zero baselines', () => {
    expect(safeRatio(0, 0)).toBe(1);
    expect(safeRatio(1, 0)).toBe(Number.POSITIVE_INFINITY);
  });
  it('turns lower-is-better ratios into gains', () => {
    expect(gainOf(0.5, 'lower')).toBe(2);
    expect(gainOf(2, 'higher')).toBe(2);
    expect(gainInterval(0.5, 0.8, 'lower')).toEqual({ low: 1.25, high: 2 });
  });
  it('judges noise symmetrically', () => {
    expect(withinNoise(1.09, 0.1)).toBe(true);
    expect(withinNoise(1 / 1.09, 0.1)).toBe(true);
    expect(withinNoise(0.85, 0.1)).toBe(false);
  });
});

describe('ratioOfMediansInterval', () => {
  it('gives a point interval at 1 for identical samples', () => {
    const xs = [100, 102, 98, 101, 99];
    const r = ratioOfMediansInterval(xs, xs);
    expect(r.ratio).toBe(1);
    expect(r.low).toBeLessThanOrEqual(1);
    expect(r.high).toBeGreaterThanOrEqual(1);
    expect(r.method).toBe('bootstrap');
  });
  it('excludes 1 for a clear 30 % drop', () => {
    const base = [100, 102, 98, 101, 99];
    const r = ratioOfMediansInterval(
      base,
      base.map((x) => x * 0.7),
    );
    expect(r.ratio).toBeCloseTo(0.7, 6);
    expect(r.high).toBeLessThan(1);
  });
  it('is reproducible with the same seed', () => {
    const a = [1, 5, 3, 8, 2, 9];
    const b = [2, 4, 6, 7, 3, 1];
    expect(ratioOfMediansInterval(a, b, { seed: 7 })).toEqual(ratioOfMediansInterval(a, b, { seed: 7 }));
  });
  it('falls back to the extreme ratios with too few samples', () => {
    const r = ratioOfMediansInterval([100, 110], [90]);
    expect(r.method).toBe('range');
    expect(r.low).toBeCloseTo(90 / 110, 9);
    expect(r.high).toBeCloseTo(0.9, 9);
  });
});

describe('medianInterval', () => {
  it('uses the order statistics whose sign-test coverage reaches 95 %', () => {
    const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    // n = 10: k = 2, [x(2), x(9)], coverage 1 - 2 * 11/1024 = 97.9 %.
    const r = medianInterval(ten);
    expect([r.low, r.high, r.median]).toEqual([2, 9, 5.5]);
    expect(r.coverage).toBeCloseTo(1 - 22 / 1024, 10);
    // n = 8: only k = 1 reaches 95 % (k = 2 gives 1 - 2 * 9/256 = 93 %).
    const eight = medianInterval([1, 2, 3, 4, 5, 6, 7, 8]);
    expect([eight.low, eight.high]).toEqual([1, 8]);
    expect(eight.coverage).toBeCloseTo(1 - 2 / 256, 10);
  });

  it('falls back to the whole range below 6 values and says the coverage is short', () => {
    const r = medianInterval([3, 1, 2]);
    expect([r.low, r.high]).toEqual([1, 3]);
    expect(r.coverage).toBeCloseTo(0.75, 10);
  });

  it('widens the interval when asked for more confidence', () => {
    const xs = Array.from({ length: 20 }, (_, i) => i + 1);
    const a = medianInterval(xs, 0.9);
    const b = medianInterval(xs, 0.99);
    expect(b.high - b.low).toBeGreaterThan(a.high - a.low);
    expect(a.coverage).toBeGreaterThanOrEqual(0.9);
    expect(b.coverage).toBeGreaterThanOrEqual(0.99);
  });
});

describe('clusteredMedianInterval', () => {
  const tight = (centre: number) => [centre - 0.002, centre, centre + 0.002, centre + 0.001];

  it('is as wide as the spread between clusters, not as narrow as the pooled values', () => {
    const clusters = [0.9, 1.1, 0.95, 1.05, 1, 0.92, 1.08, 1].map(tight);
    const ci = clusteredMedianInterval(clusters);
    expect(ci.method).toBe('cluster-bootstrap');
    expect(ci.low).toBeLessThan(0.99);
    expect(ci.high).toBeGreaterThan(1.01);
    // The sign test on the 32 pooled values (as if independent) is far narrower.
    const pooled = medianInterval(clusters.flat());
    expect(pooled.high - pooled.low).toBeLessThan(ci.high - ci.low);
  });

  it('is reproducible (seeded) and centred on the pooled median', () => {
    const clusters = [0.9, 0.91, 0.89, 0.9, 0.92, 0.88].map(tight);
    expect(clusteredMedianInterval(clusters)).toEqual(clusteredMedianInterval(clusters));
    const ci = clusteredMedianInterval(clusters);
    expect(ci.median).toBeCloseTo(median(clusters.flat()), 12);
    expect(ci.high).toBeLessThan(0.95);
  });

  it('falls back to the sign test on cluster medians with fewer than 5 clusters', () => {
    const ci = clusteredMedianInterval([tight(0.9), tight(1.1)]);
    expect(ci.method).toBe('cluster-sign-test');
    expect(ci.low).toBeCloseTo(0.9005, 6);
    expect(ci.high).toBeCloseTo(1.1005, 6);
    expect(ci.coverage).toBeLessThan(0.95);
  });
});
