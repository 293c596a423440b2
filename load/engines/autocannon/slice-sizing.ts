/**
 * How long an alternating block's slices must be, from its warm-up: the sizing rule of
 * alternating.ts (which measures; this file only decides). Pure.
 */

/** The most a slice is stretched: a 0.125 s slice becomes at most 4 s (answers up to 2 s). */
export const MAX_STRETCH = 32;

/** The longest window of a side's warm-up, re-measured while it has seen fewer answers than connections. */
export const MAX_SIZING_S = 2.4;

/** What a side's warm-up showed, in its measured second half. */
export interface WarmupSample {
  /** p95 latency of the answers in the window (null: none). */
  p95Ms: number | null;
  /** Responses in the window, any status. */
  answers: number;
  windowS: number;
}

/**
 * Little's law: c connections in a closed loop, answered at X per second, hold each request
 * c / X seconds on average (ms here). Unlike the window's p95, it counts the requests that
 * have not come back yet: an arm whose answers take longer than the window shows a p95 of
 * the few fast ones only.
 */
export function littleMs(connections: number, w: WarmupSample): number | null {
  return w.answers > 0 && w.windowS > 0 ? (1000 * connections * w.windowS) / w.answers : null;
}

/** The fewest answers a slow arm's measured window should expect at the warm-up's rate. */
export const MIN_ANSWERS = 8;

/** The longest wait for a slow arm's server to work off what a slice abandoned. */
export const MAX_DRAIN_S = 15;

/**
 * The longest stretch a baseline may need for its arm to be judged: half of MAX_STRETCH, so
 * a slice holds answers twice as slow as the baseline's before the candidate's read as stalls.
 * An arm whose baseline needs more cannot be judged by slices (AlternatingResult.refused).
 */
export const MAX_JUDGED_STRETCH = MAX_STRETCH / 2;

/** How one side's warm-up says a block should be sliced. */
export interface Sizing {
  /** Slice length over the asked one, before the MAX_STRETCH cap (1: as asked). */
  stretch: number;
  /** The longest wait after each slice for the server to work off what it abandoned (0: none). */
  drainS: number;
  /** Little's law's mean wait (ms), null without answers. */
  meanMs: number | null;
}

/**
 * How to slice a block, from one side's warm-up:
 * - **stretch** every slice to at least twice the warm-up's p95, so answers that start at a
 *   slice's start end inside its window (a slice shorter than its answers counts none);
 * - an arm is **slow** when it stretches, or when Little's law says a request waits longer
 *   than half a slice. A slow arm's server, after a slice closed, still works on what the
 *   slice's connections asked (writes), or only starts answering after about one mean wait
 *   (requests that interleave: all of a fresh slice's connections finish together). Its
 *   slices are therefore at least twice the mean wait, stretched until the window expects
 *   MIN_ANSWERS, and each is followed by a **drain** (wait, up to three mean waits, for the
 *   server to answer a request of its own).
 * A warm-up that saw no answer sizes nothing (its slices show the stall). Every arm of
 * `ab --quick` here (p95 2-34 ms at 50 connections) stays at 1 with no drain: its
 * calibrated slices do not change.
 */
export function sliceSizing(
  w: WarmupSample | null,
  connections: number,
  slice: { settleS: number; measureS: number },
): Sizing {
  if (!w || w.p95Ms === null) return { stretch: 1, drainS: 0, meanMs: null };
  const sliceS = slice.settleS + slice.measureS;
  const meanMs = littleMs(connections, w) ?? 0;
  const byP95 = (2 * w.p95Ms) / 1000 / sliceS;
  const slow = byP95 > 1 || meanMs / 1000 > sliceS / 2;
  if (!slow) return { stretch: 1, drainS: 0, meanMs };
  const byMean = (2 * meanMs) / 1000 / sliceS;
  const byAnswers = MIN_ANSWERS / ((w.answers / w.windowS) * slice.measureS);
  return {
    stretch: Math.max(1, byP95, byMean, byAnswers),
    drainS: Math.min(MAX_DRAIN_S, Math.max(2, (3 * meanMs) / 1000)),
    meanMs,
  };
}

/**
 * Why a block cannot be judged by slices, or undefined: the baseline's warm-up asks for
 * slices longer than MAX_JUDGED_STRETCH allows (its answers take seconds: an overloaded
 * arm). Decided on the baseline alone, so a candidate that became that slow is measured (and
 * stalls), never excused.
 */
export function cannotSlice(baseline: Sizing | undefined, connections: number, sliceS: number): string | undefined {
  if (!baseline || baseline.stretch <= MAX_JUDGED_STRETCH) return undefined;
  const wait = baseline.meanMs === null ? '' : `a request waits ${(baseline.meanMs / 1000).toFixed(2)} s on average, `;
  return (
    `the baseline is too slow to slice at ${connections} connections (${wait}its slices would need ` +
    `${(baseline.stretch * sliceS).toFixed(1)} s; at most ${(MAX_JUDGED_STRETCH * sliceS).toFixed(1)} s are judged): ` +
    'fewer connections or a lighter scenario'
  );
}
