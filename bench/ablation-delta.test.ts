import { describe, expect, it } from 'vitest';
import { ablationDelta, ABLATION_CONFIDENCE, ABLATION_ROUNDS, compareRecords } from './ablation-delta.ts';
import { PAIRED_METHOD, signTestCoverage } from '../stats/index.ts';
import { benchRecord } from '../test-support/bench.ts';

describe('compareRecords', () => {
  it('is the change in ops/s with a spread from both margins of error', () => {
    const c = compareRecords(benchRecord('op', 'a', 20, { rme: 10 }), benchRecord('op', 'b', 10, { rme: 5 }));
    expect(c.change).toBeCloseTo(1, 10);
    // ratio 2; low = 2 * 0.9 / 1.05 - 1, high = 2 * 1.1 / 0.95 - 1
    expect(c.spread.low).toBeCloseTo((2 * 0.9) / 1.05 - 1, 10);
    expect(c.spread.high).toBeCloseTo((2 * 1.1) / 0.95 - 1, 10);
    expect(c.significant).toBe(true);
  });

  it('calls a change inside the noise not significant', () => {
    const c = compareRecords(benchRecord('op', 'a', 10, { rme: 5 }), benchRecord('op', 'b', 9.8, { rme: 5 }));
    expect(c.spread.low).toBeLessThan(0);
    expect(c.spread.high).toBeGreaterThan(0);
    expect(c.significant).toBe(false);
  });

  it('keeps the bound finite when an rme reaches 100 %', () => {
    const c = compareRecords(benchRecord('op', 'a', 10, { rme: 150 }), benchRecord('op', 'b', 10, { rme: 100 }));
    expect(Number.isFinite(c.spread.high)).toBe(true);
  });

  it('is failed, with the side that failed, when either record is not ok', () => {
    const bad = {
      ...benchRecord('op', 'untuned+wal', 10),
      status: 'failed' as const,
      reason: 'disk full',
      opsPerSec: 0,
    };
    const c = compareRecords(benchRecord('op', 'untuned', 10), bad);
    expect(c.status).toBe('failed');
    expect(c.reason).toBe('arm untuned+wal: disk full');
  });
});

describe('ablationDelta', () => {
  it('is the chosen confidence with the rounds it needs', () => {
    expect(ABLATION_CONFIDENCE).toBe(0.95);
    expect(ABLATION_ROUNDS).toBe(6);
  });

  it("is the median round's change with the sign-test interval of the rounds and its exact coverage", () => {
    const d = ablationDelta([1.3, 1.1, 1.2, 1.25, 1.15, 1.2]);
    expect(d.change).toBeCloseTo(0.2, 12);
    // 6 rounds at 95 %: [min, max], coverage 1 − 2/64.
    expect(d.spread.low).toBeCloseTo(0.1, 12);
    expect(d.spread.high).toBeCloseTo(0.3, 12);
    expect(d.coverage).toBe(signTestCoverage(6, 1));
    expect(d).toMatchObject({
      method: PAIRED_METHOD,
      confidence: 0.95,
      rounds: 6,
      significant: true,
      verdictable: true,
    });
    expect(d.roundRatios).toEqual([1.3, 1.1, 1.2, 1.25, 1.15, 1.2]);
  });

  it('narrows to inner order statistics with more rounds, and calls an interval across 1 not significant', () => {
    const rounds = [0.9, 0.97, 0.99, 1.0, 1.01, 1.02, 1.03, 1.05, 1.08, 1.3];
    const d = ablationDelta(rounds);
    // n = 10: k = 2 keeps coverage 0.979 ≥ 0.95 (k = 3 gives 0.891).
    expect(d.spread.low).toBeCloseTo(-0.03, 12);
    expect(d.spread.high).toBeCloseTo(0.08, 12);
    expect(d.coverage).toBeCloseTo(signTestCoverage(10, 2), 12);
    expect(d.significant).toBe(false);
  });
});
