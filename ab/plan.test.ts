import { describe, expect, it } from 'vitest';
import { benchOrder, planRounds } from './plan.ts';

const arms = ['read-point', 'read-list', 'write', 'mix-80-20'].map((scenario) => ({ scenario, profile: 'tuned' }));

describe('planRounds', () => {
  const plan = planRounds(arms, 8, 3);

  it('runs every arm once per side in every round, the two sides of an arm back to back', () => {
    for (const round of plan) {
      expect(round).toHaveLength(arms.length * 2);
      for (let i = 0; i < round.length; i += 2) {
        expect(round[i]!.arm).toBe(round[i + 1]!.arm);
        expect(new Set([round[i]!.side, round[i + 1]!.side])).toEqual(new Set(['baseline', 'candidate']));
      }
      expect(new Set(round.map((t) => t.arm.scenario)).size).toBe(arms.length);
    }
  });

  it('alternates which side goes first for each arm (ABBA), so each side leads half the rounds', () => {
    for (const arm of arms) {
      const firsts = plan.map((round) => round.find((t) => t.arm === arm)!.side);
      expect(firsts.filter((s) => s === 'baseline')).toHaveLength(4);
      for (let r = 1; r < firsts.length; r++) expect(firsts[r]).not.toBe(firsts[r - 1]);
    }
  });

  it('shuffles the arm order between rounds, deterministically for a seed', () => {
    const orders = plan.map((round) =>
      round
        .filter((_, i) => i % 2 === 0)
        .map((t) => t.arm.scenario)
        .join(','),
    );
    expect(new Set(orders).size).toBeGreaterThan(1);
    expect(planRounds(arms, 8, 3)).toEqual(plan);
    expect(planRounds(arms, 8, 4)).not.toEqual(plan);
  });
});

describe('benchOrder', () => {
  it('alternates A B / B A by round', () => {
    expect(benchOrder(0, 1)).toEqual([...benchOrder(1, 1)].reverse());
    expect(benchOrder(0, 1)).toEqual(benchOrder(2, 1));
  });
});
