import { createRng } from '../lib/rng.ts';
import type { AbSideName } from '../lib/records/ab.ts';
import { abbaOrder } from '../load/engines/autocannon/alternating.ts';

export interface AbArm {
  scenario: string;
  profile: string;
}

/** One arm in one round: its slices, alternating between the sides in this order. */
export interface PlannedBlock {
  round: number;
  arm: AbArm;
  /** Side of each slice; slices 2k and 2k+1 form pair k (one of each side). */
  order: AbSideName[];
}

const SIDES: readonly AbSideName[] = ['baseline', 'candidate'];

/**
 * The interleaved schedule (randomized multiple interleaved trials): every round runs
 * every arm once, arms in a fresh random order. Within an arm's block the load alternates
 * between the sides in short slices, ABBA (A B B A A B B A …), so each pair of
 * neighbouring slices holds one slice of each side at the same moment of the machine and
 * each side leads half the pairs. Which side opens the block alternates from round to
 * round for each arm, from a random start per arm. Deterministic for a seed.
 */
export function planRounds(
  arms: readonly AbArm[],
  rounds: number,
  slicesPerSide: number,
  seed: number,
): PlannedBlock[][] {
  const rng = createRng(seed);
  const start = arms.map(() => rng.int(0, 1));
  const plan: PlannedBlock[][] = [];
  for (let round = 0; round < rounds; round++) {
    const order = arms.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    plan.push(order.map((i) => ({ round, arm: arms[i]!, order: abbaOrder((start[i]! + round) % 2, slicesPerSide) })));
  }
  return plan;
}

export { abbaOrder };

/** The order of the two sides' microbenchmark runs in a round: A B, then B A, … */
export function benchOrder(round: number, seed: number): AbSideName[] {
  const first = (createRng(seed + 7919).int(0, 1) + round) % 2;
  return [SIDES[first]!, SIDES[1 - first]!];
}
