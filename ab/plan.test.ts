import { describe, expect, it } from 'vitest';
import { abbaOrder, benchOrder, planRounds } from './plan.ts';

const arms = ['read-point', 'read-list', 'write', 'mix-80-20'].map((scenario) => ({ scenario, profile: 'tuned' }));

describe('abbaOrder', () => {
  it('alternates A B B A A B B A, so every pair of neighbouring slices holds one of each side', () => {
    const short = (o: string[]) => o.map((s) => s[0]).join('');
    expect(short(abbaOrder(0, 4))).toBe('bccbbccb');
    expect(short(abbaOrder(1, 3))).toBe('cbbccb');
    for (const order of [abbaOrder(0, 5), abbaOrder(1, 6)]) {
      for (let i = 0; i < order.length; i += 2) expect(new Set([order[i], order[i + 1]]).size).toBe(2);
    }
  });
});

describe('planRounds', () => {
  const plan = planRounds(arms, 8, 4, 3);

  it('runs every arm once per round, each block with 4 slices per side', () => {
    for (const round of plan) {
      expect(round).toHaveLength(arms.length);
      expect(new Set(round.map((b) => b.arm.scenario)).size).toBe(arms.length);
      for (const b of round) {
        expect(b.order.filter((s) => s === 'baseline')).toHaveLength(4);
        expect(b.order.filter((s) => s === 'candidate')).toHaveLength(4);
      }
    }
  });

  it('alternates which side opens each arm’s block from round to round, so each side leads half the rounds', () => {
    for (const arm of arms) {
      const firsts = plan.map((round) => round.find((b) => b.arm === arm)!.order[0]);
      expect(firsts.filter((s) => s === 'baseline')).toHaveLength(4);
      for (let r = 1; r < firsts.length; r++) expect(firsts[r]).not.toBe(firsts[r - 1]);
    }
  });

  it('shuffles the arm order between rounds, deterministically for a seed', () => {
    const orders = plan.map((round) => round.map((b) => b.arm.scenario).join(','));
    expect(new Set(orders).size).toBeGreaterThan(1);
    expect(planRounds(arms, 8, 4, 3)).toEqual(plan);
    expect(planRounds(arms, 8, 4, 4)).not.toEqual(plan);
  });
});

describe('benchOrder', () => {
  it('alternates A B / B A by round', () => {
    expect(benchOrder(0, 1)).toEqual([...benchOrder(1, 1)].reverse());
    expect(benchOrder(0, 1)).toEqual(benchOrder(2, 1));
  });
});
