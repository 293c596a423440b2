import { describe, expect, it } from 'vitest';
import { compareRecords } from './ablation-delta.ts';
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
