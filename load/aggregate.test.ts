import { describe, expect, it } from 'vitest';
import type { LoadTrial } from '../lib/records/load.ts';
import {
  errorPct,
  median,
  medianTrial,
  medianTrialIndex,
  pooledErrorPct,
  spreadOf,
  trialFromResult,
} from './aggregate.ts';
import type { GeneratorResult } from './engines/autocannon/generator.ts';
import { bisectLevel, bracketOf, capacityLevels, capacityOf, medianSweep } from './capacity.ts';

function trial(rps: number, p95: number, codes: Record<string, number> = { '200': rps }): LoadTrial {
  const non2xx = Object.entries(codes).reduce((s, [c, n]) => (c.startsWith('2') ? s : s + n), 0);
  return {
    requests: Object.values(codes).reduce((a, b) => a + b, 0),
    rps,
    latencyMs: { mean: p95 / 2, p50: p95 / 3, p90: p95 * 0.9, p95, p99: p95 * 2, p999: p95 * 3, max: p95 * 10 },
    errors: 0,
    timeouts: 0,
    non2xx,
    statusCodes: codes,
    throughputBytesPerSec: rps * 100,
    durationS: 1,
  };
}

describe('trial aggregation', () => {
  it('median of odd and even lists', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it('takes the median field by field, not one trial', () => {
    const m = medianTrial([trial(100, 9), trial(300, 1), trial(200, 5)])!;
    expect(m.rps).toBe(200);
    expect(m.latencyMs.p95).toBe(5);
    const mixed = medianTrial([trial(100, 1), trial(300, 9), trial(200, 5)])!;
    expect(mixed.rps).toBe(200);
    expect(mixed.latencyMs.p95).toBe(5);
  });

  it('merges status codes seen in only some trials', () => {
    const m = medianTrial([
      trial(10, 1, { '200': 10 }),
      trial(10, 1, { '200': 8, '503': 2 }),
      trial(10, 1, { '200': 9, '503': 4 }),
    ])!;
    expect(m.statusCodes).toEqual({ '200': 9, '503': 2 });
  });

  it('spread is the min and max of rps and p95', () => {
    expect(spreadOf([trial(100, 9), trial(300, 1), trial(200, 5)])).toEqual({
      rps: { min: 100, max: 300 },
      p95: { min: 1, max: 9 },
    });
    expect(spreadOf([])).toBeNull();
    expect(medianTrial([])).toBeNull();
  });

  it('finds the trial nearest the median rps', () => {
    expect(medianTrialIndex([trial(100, 1), trial(310, 1), trial(190, 1)])).toBe(2);
  });

  it('counts non-2xx, errors and timeouts as errors', () => {
    const t = { ...trial(100, 1, { '200': 95, '503': 5 }), errors: 3, timeouts: 2 };
    expect(errorPct(t)).toBeCloseTo((100 * 10) / 105, 6);
    expect(errorPct({ ...trial(0, 0, {}) })).toBe(100);
  });

  it('pools the error share over trials: every attempt weighs the same', () => {
    const clean = trial(100, 1, { '200': 900 });
    const bad = trial(100, 1, { '200': 50, '503': 50 });
    expect(pooledErrorPct([clean, bad])).toBeCloseTo(5, 9);
    expect(pooledErrorPct([])).toBe(100);
  });
});

describe('trialFromResult', () => {
  const result = (statusCodes: Record<string, number>, requests: number): GeneratorResult => ({
    measured: {
      requests,
      statusCodes,
      errors: 0,
      timeouts: 0,
      bytes: 0,
      durationS: 2,
      latencyMs: { mean: 1, p50: 1, p90: 1, p95: 1, p99: 1, p999: 1, max: 1 },
    },
    byEndpoint: {},
    stoppedEarly: false,
    statsReset: 'done',
  });

  it('counts only 2xx responses in rps; requests and non2xx keep every response', () => {
    const t = trialFromResult(result({ '200': 150, '201': 50, '503': 600, '404': 200 }, 1000));
    expect(t.rps).toBe(100);
    expect(t.requests).toBe(1000);
    expect(t.non2xx).toBe(800);
  });

  it('a server answering only errors has no throughput', () => {
    expect(trialFromResult(result({ '503': 1000 }, 1000)).rps).toBe(0);
  });

  it('without any status codes falls back to every response', () => {
    expect(trialFromResult(result({}, 1000)).rps).toBe(500);
  });
});

describe('capacity verdict', () => {
  const p = (connections: number, ok: boolean) => ({ connections, rps: 1, p95: 1, errorPct: 0, ok });
  it('is the highest passing level before the first failing one', () => {
    expect(capacityOf([p(10, true), p(25, true), p(50, false)])).toBe(25);
    expect(capacityOf([p(10, false)])).toBeNull();
    expect(capacityOf([p(10, true), p(25, false), p(50, true)])).toBe(10);
  });
  it('reads a curve in any order: bisection levels come after the failing step', () => {
    // Steps 10, 25 pass, 50 fails; then 35 passes, 42 fails.
    const curve = [p(10, true), p(25, true), p(50, false), p(35, true), p(42, false)];
    expect(bracketOf(curve)).toEqual({ capacity: 35, failedAt: 42 });
    expect(bracketOf([p(10, true), p(25, true)])).toEqual({ capacity: 25, failedAt: null });
    expect(bracketOf([p(10, false)])).toEqual({ capacity: null, failedAt: 10 });
  });
  it('bisects geometrically between a passing and a failing level, until they are neighbours', () => {
    expect(bisectLevel(25, 50)).toBe(35);
    expect(bisectLevel(100, 200)).toBe(141);
    expect(bisectLevel(10, 12)).toBe(11);
    expect(bisectLevel(10, 11)).toBeNull();
  });
  it('the median sweep is a real sweep (its curve goes with its figure); none passing counts lowest', () => {
    const s = (capacity: number | null) => ({ capacity, tag: capacity });
    expect(medianSweep([s(50), s(35), s(71)]).tag).toBe(50);
    expect(medianSweep([s(null), s(35), s(71)]).tag).toBe(35);
    expect(medianSweep([s(35), s(50)]).tag).toBe(35);
  });
  it('levels are bounded', () => {
    expect(capacityLevels(100)).toEqual([10, 25, 50, 100]);
    expect(capacityLevels(5)).toEqual([]);
  });
});
