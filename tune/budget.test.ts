import { describe, expect, it } from 'vitest';
import { comparisonCostS, configCostS, halvingCostS, MIN_TASK_MS, planComparison, WARM_MIN_MS } from './budget.ts';
import { roundsFor } from './paired.ts';

const fast = new Map([
  ['a', 0.01],
  ['b', 0.02],
]);

describe("tune's budget, planned from the time one call takes", () => {
  it('a plan fits its budget, with two rounds more than the confidence needs when it can', () => {
    const p = planComparison(5, ['a', 'b'], fast)!;
    expect(p.rounds).toBe(roundsFor(2) + 2);
    expect(p.costS).toBeLessThanOrEqual(5);
    expect(p.taskMs).toBeGreaterThan(MIN_TASK_MS);
    expect(comparisonCostS(p.rounds, ['a', 'b'], fast, p.taskMs * 1.05)).toBeGreaterThan(5 * 0.99);
  });

  it('a slow query costs its call however short the task: the plan falls back to the bare rounds, then to none', () => {
    const slow = new Map([['scan', 50]]);
    const bare = roundsFor(1);
    const justBare = comparisonCostS(bare, ['scan'], slow, MIN_TASK_MS) + 0.01;
    expect(planComparison(justBare, ['scan'], slow)).toMatchObject({ rounds: bare });
    expect(planComparison(justBare - 0.05, ['scan'], slow)).toBeNull();
  });

  it('the warm-up before the rounds is at least WARM_MIN_MS per query and side, and paid from the budget', () => {
    // 7 rounds of 4 tasks of 2 ms, two warm-ups of 50 ms, two opens of 0.05 s.
    expect(comparisonCostS(7, ['a'], fast, 2)).toBeCloseTo((7 * 4 * 2 + 2 * WARM_MIN_MS) / 1000 + 0.1, 9);
    // A task longer than the minimum warms for a task.
    expect(comparisonCostS(7, ['a'], fast, 80)).toBeCloseTo((7 * 4 * 80 + 2 * 80) / 1000 + 0.1, 9);
  });

  it('halving over more configurations costs more, and a slow query makes every measurement slower', () => {
    expect(halvingCostS(144, ['a', 'b'], fast)).toBeGreaterThan(halvingCostS(10, ['a', 'b'], fast));
    expect(configCostS(['scan'], new Map([['scan', 50]]), 2)).toBeGreaterThan(configCostS(['a'], fast, 2) + 0.09);
  });
});
