/**
 * What a tune measurement costs, from the time one call of each query took (probed on the
 * copy): a task lasts its time or one call, whichever is longer, so a query that scans a
 * large table costs its scan however short the task. The budget is spent from these
 * estimates, the final comparisons' share reserved first, and the elapsed time is checked
 * again before every stage. Pure.
 */
import { roundsFor } from './paired.ts';

/** Milliseconds one call of each query took. */
export type CallTimes = ReadonlyMap<string, number>;

/** Opening two connections, applying the settings, closing: a fixed cost per side, seconds. */
export const OPEN_S = 0.05;
/** The shortest task a measurement uses, ms. */
export const MIN_TASK_MS = 1;
export const MAX_TASK_MS = 200;
/**
 * The shortest warm-up task before a comparison's rounds, ms. With a warm-up as short as the
 * task (2 ms: some 50 inserts), a fresh copy's index pages were still cold in the first
 * rounds: insert costs came out 0.32x-0.47x there and ~0.6x after, and the intervals wide
 * (8 of 8 lower bounds 0.32-0.62 at a 0.6 s comparison; with 50 ms, 0.47-0.61).
 */
export const WARM_MIN_MS = 50;
/**
 * The shortest task of a writing query, ms. A WAL commit costs little until the WAL reaches
 * its checkpoint (1000 pages by default: some 250 inserts with two indexes), and the
 * checkpoint costs milliseconds: a task of a few dozen commits holds none or one, and its
 * time jumps. Measured on the demo's insert cost with 0.5 s comparisons (2-3 ms tasks): round
 * gains from 0.01x to 2.01x, one side's mean 10x the other's; a task of 100 ms holds several
 * checkpoints.
 */
export const WRITE_MIN_TASK_MS = 100;

const callOf = (calls: CallTimes, q: string) => calls.get(q) ?? 1;
const taskOf = (calls: CallTimes, q: string, taskMs: number) => Math.max(taskMs, callOf(calls, q));

/** Call times as a task's least duration: a writing query's task lasts at least WRITE_MIN_TASK_MS (tune/side.ts). */
export function withWriteFloor(calls: CallTimes, writes: ReadonlySet<string>): CallTimes {
  return new Map([...calls].map(([q, ms]) => [q, writes.has(q) ? Math.max(ms, WRITE_MIN_TASK_MS) : ms]));
}

/** The warm-up task of a comparison: its task, at least WARM_MIN_MS. */
export const warmTaskMs = (taskMs: number) => Math.max(taskMs, WARM_MIN_MS);

/** Seconds a paired comparison takes: a warm-up task per query and side, then 4 tasks per query and round. */
export function comparisonCostS(rounds: number, queries: readonly string[], calls: CallTimes, taskMs: number): number {
  const perRound = queries.reduce((s, q) => s + taskOf(calls, q, taskMs), 0);
  const warmUp = queries.reduce((s, q) => s + taskOf(calls, q, warmTaskMs(taskMs)), 0);
  return (perRound * 4 * rounds + 2 * warmUp) / 1000 + 2 * OPEN_S;
}

export interface ComparisonPlan {
  rounds: number;
  taskMs: number;
  costS: number;
}

/**
 * Rounds and task time for a comparison within `budgetS`: the rounds its confidence needs
 * plus two (a tighter interval) when affordable, else the bare minimum; then the longest
 * task that still fits. Null when even the minimum does not fit.
 */
export function planComparison(budgetS: number, queries: readonly string[], calls: CallTimes): ComparisonPlan | null {
  const need = roundsFor(queries.length);
  for (const rounds of [need + 2, need]) {
    if (comparisonCostS(rounds, queries, calls, MIN_TASK_MS) > budgetS) continue;
    let lo = MIN_TASK_MS;
    let hi = MAX_TASK_MS;
    for (let i = 0; i < 30; i++) {
      const mid = (lo + hi) / 2;
      if (comparisonCostS(rounds, queries, calls, mid) <= budgetS) lo = mid;
      else hi = mid;
    }
    return { rounds, taskMs: lo, costS: comparisonCostS(rounds, queries, calls, lo) };
  }
  return null;
}

/** Seconds one halving measurement of a configuration takes: open, a short warm-up and a task per query. */
export function configCostS(queries: readonly string[], calls: CallTimes, taskMs: number): number {
  const warmMs = Math.min(taskMs, 20);
  return OPEN_S + queries.reduce((s, q) => s + taskOf(calls, q, warmMs) + taskOf(calls, q, taskMs), 0) / 1000;
}

/** Seconds successive halving over n configurations takes at the shortest task (each rung measures twice). */
export function halvingCostS(n: number, queries: readonly string[], calls: CallTimes, keep = 3): number {
  let total = 0;
  for (let m = n; m > keep; m = Math.max(keep, Math.ceil(m / 3))) total += 2 * m * configCostS(queries, calls, 2);
  return total;
}
