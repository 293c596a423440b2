import { pairRatio } from '../stats/index.ts';
import type { Measurement } from './measure.ts';

/** One short timed task on one side of a pair: a tinybench run in the product, a fake in tests. */
export type Task = () => Promise<Measurement>;

export type MeasuredTask = Extract<Measurement, { ok: true }>;

/** An ablation arm and the base it is compared with, each as a task that can be run again and again. */
export interface AbbaPair {
  base: Task;
  arm: Task;
}

/** What the rounds of one pair gave. */
export interface PairRounds {
  /** One paired value per finished round: arm over base in ops/s (base latencies over arm latencies). */
  roundRatios: number[];
  /** Every task that measured, in the order it ran. */
  base: MeasuredTask[];
  arm: MeasuredTask[];
  /** Set when a task failed ('base …' or 'arm …'): the pair's later rounds were not run. */
  failure?: string;
  /** The signal stopped the rounds before all were run. */
  interrupted?: boolean;
}

export interface AbbaOptions {
  rounds: number;
  signal?: AbortSignal;
  /** Called before each round (progress). */
  onRound?: (round: number) => void;
  /** Awaited between tasks so Ctrl-C and timers get a turn (the timed loops are synchronous). */
  between?: () => Promise<void>;
}

/**
 * Runs one pair in `rounds` rounds of base, arm, arm, base (A B B A). The base's two tasks sit
 * symmetrically around the arm's, whatever each task lasts, so drift that is linear in time
 * adds the same to both sides and cancels in the round's value:
 * (base₁ + base₂) / (arm₁ + arm₂) of the tasks' mean latencies, the arm's sustained ops/s over
 * the base's. An arm's effect so never rests on a baseline measured earlier than its own round.
 */
export async function measureAbba(pair: AbbaPair, opts: AbbaOptions): Promise<PairRounds> {
  const out: PairRounds = { roundRatios: [], base: [], arm: [] };
  const order = [
    ['base', pair.base],
    ['arm', pair.arm],
    ['arm', pair.arm],
    ['base', pair.base],
  ] as const;
  for (let round = 0; round < opts.rounds; round++) {
    opts.onRound?.(round);
    const latencyUs = { base: 0, arm: 0 };
    for (const [side, task] of order) {
      await opts.between?.();
      if (opts.signal?.aborted) {
        out.interrupted = true;
        return out;
      }
      const m = await task();
      if (!m.ok) {
        out.failure = `${side}: ${m.reason}`;
        return out;
      }
      out[side].push(m);
      latencyUs[side] += m.latencyUs.mean;
    }
    const ratio = pairRatio(latencyUs.base, latencyUs.arm);
    if (ratio === null) {
      out.failure = `round ${round + 1} measured no time (base ${latencyUs.base} µs, arm ${latencyUs.arm} µs)`;
      return out;
    }
    out.roundRatios.push(ratio);
  }
  return out;
}
