import { createRng } from '../lib/rng.ts';
import type { AbSideName } from '../lib/records/ab.ts';

export interface AbArm {
  scenario: string;
  profile: string;
}

export interface PlannedTrial {
  round: number;
  arm: AbArm;
  side: AbSideName;
}

const SIDES: readonly AbSideName[] = ['baseline', 'candidate'];

/**
 * The interleaved schedule (randomized multiple interleaved trials): every round runs
 * every arm once on each side, arms in a fresh random order, the two sides of an arm back
 * to back so a pair shares the same moment of the machine. Which side goes first
 * alternates from round to round for each arm (ABBA), from a random start per arm, so
 * neither side always gets the warmer or the colder slot. Deterministic for a seed.
 */
export function planRounds(arms: readonly AbArm[], rounds: number, seed: number): PlannedTrial[][] {
  const rng = createRng(seed);
  const start = arms.map(() => rng.int(0, 1));
  const plan: PlannedTrial[][] = [];
  for (let round = 0; round < rounds; round++) {
    const order = arms.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    plan.push(
      order.flatMap((i) => {
        const first = (start[i]! + round) % 2;
        return [SIDES[first]!, SIDES[1 - first]!].map((side) => ({ round, arm: arms[i]!, side }));
      }),
    );
  }
  return plan;
}

/** The order of the two sides' microbenchmark runs in a round: A B, then B A, … */
export function benchOrder(round: number, seed: number): AbSideName[] {
  const first = (createRng(seed + 7919).int(0, 1) + round) % 2;
  return [SIDES[first]!, SIDES[1 - first]!];
}
