import type { LoadFile, LoadRecord } from '../lib/records/load.ts';
import type { RunResults } from '../lib/records/run.ts';
import { trial } from './records.ts';

/**
 * The arm with `n` trials: the ones it has, then midpoints between its first trial and the
 * others in turn (rps and p95), so its median, min and max stay as they were. Compare's
 * interval needs 4 trials a side at 95 %; the sample records have 3.
 */
export function armWithTrials(arm: LoadRecord, n: number): LoadRecord {
  const trials = [...arm.trials];
  const [first, ...rest] = arm.trials;
  for (let k = 0; trials.length < n && first && rest.length; k++) {
    const other = rest[k % rest.length]!;
    trials.push(trial((first.rps + other.rps) / 2, (first.latencyMs.p95 + other.latencyMs.p95) / 2, first.durationS));
  }
  return { ...arm, trials };
}

/** A run (or a `load --json` file) whose load arms have `n` trials each (default 5, as the calibration config). */
export function withTrials<F extends RunResults | LoadFile>(file: F, n = 5): F {
  const copy = structuredClone(file);
  if (copy.kind === 'run') copy.load = copy.load.map((a) => armWithTrials(a, n));
  else copy.records = copy.records.map((a) => armWithTrials(a, n));
  return copy;
}
