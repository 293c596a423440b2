import { describe, expect, it } from 'vitest';
import { trial } from '../test-support/records.ts';
import { BUILT_IN_ERROR_BUDGET_PCT, degradedReason, isBuiltInScenario } from './degraded.ts';

const withErrors = (non2xx: number, timeouts = 0) => ({
  ...trial(1000, 5),
  requests: 1000,
  non2xx,
  timeouts,
  errors: 0,
});

describe('item 9: a built-in arm over its error budget is degraded', () => {
  it('more than 1 % non-2xx or timed-out requests: degraded, with the counts', () => {
    expect(BUILT_IN_ERROR_BUDGET_PCT).toBe(1);
    expect(degradedReason([withErrors(20)], { name: 'mix-80-20' })).toBe(
      '2.0 % of requests failed (non-2xx 20, errors 0, timeouts 0 of 1000 attempts), over the 1 % a built-in arm allows: left out of every verdict',
    );
    // The full run's untuned read-join: more timeouts than answered requests.
    expect(degradedReason([withErrors(0, 418)], { name: 'read-join' })).toMatch(/^29\.5 % of requests failed/);
    expect(degradedReason([withErrors(10)], { name: 'mix-80-20' })).toBeUndefined();
  });

  it("a scenario file's arm is not built-in: its own maxErrorPct fails it instead", () => {
    expect(isBuiltInScenario({ name: 'read-point' })).toBe(true);
    expect(isBuiltInScenario({ name: 'mix-w30' })).toBe(true);
    expect(isBuiltInScenario({ name: 'my-service' })).toBe(false);
    expect(isBuiltInScenario({ name: 'read-point', maxErrorPct: 5 })).toBe(false);
    expect(degradedReason([withErrors(500)], { name: 'my-service' })).toBeUndefined();
  });
});
