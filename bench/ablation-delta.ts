import type { AblationRecord, BenchRecord } from '../lib/records/bench.ts';
import { isNotEnough, median, minCountFor, pairedEstimate, PAIRED_METHOD } from '../stats/index.ts';

/**
 * The confidence of every ablation interval: 95 %, which needs 6 rounds. With 2 ms tasks six
 * rounds of A B B A fit the quick run's bench stage in its ~30 s on 2 cores, and over the
 * 108 cells of an ablation with no effect at all about 3 would still look significant
 * (coverage 96.9 %); at 90 % (5 rounds, 93.8 %) about 7 would.
 */
export const ABLATION_CONFIDENCE = 0.95;
/** The fewest rounds ABLATION_CONFIDENCE allows, and the default. */
export const ABLATION_ROUNDS = minCountFor(ABLATION_CONFIDENCE);

/** The interval's bounds when there is none (too few rounds): unbounded, so no reader can find an effect in it. */
export const NO_SPREAD = { low: -1, high: Number.MAX_VALUE } as const;

type Delta = Pick<
  AblationRecord,
  | 'change'
  | 'spread'
  | 'significant'
  | 'method'
  | 'confidence'
  | 'coverage'
  | 'rounds'
  | 'roundRatios'
  | 'verdictable'
  | 'reason'
>;

/**
 * An arm's change from its A B B A rounds (one arm-over-base ratio per round): the stats
 * core's sign-test interval of the round values, with its exact coverage. Too few rounds for
 * `confidence`: the median of what there is, no interval (`verdictable: false`, the reason
 * why, spread unbounded) and never significant.
 */
export function ablationDelta(roundRatios: readonly number[], confidence = ABLATION_CONFIDENCE): Delta {
  const est = pairedEstimate(
    roundRatios.map((r) => [r]),
    confidence,
  );
  const common = { method: PAIRED_METHOD, confidence, roundRatios: [...roundRatios] };
  if (isNotEnough(est)) {
    return {
      ...common,
      change: roundRatios.length ? median(roundRatios) - 1 : 0,
      spread: { ...NO_SPREAD },
      significant: false,
      rounds: est.n,
      verdictable: false,
      reason: est.reason,
    };
  }
  const spread = { low: est.low - 1, high: est.high - 1 };
  return {
    ...common,
    change: est.estimate - 1,
    spread,
    significant: spread.low > 0 || spread.high < 0,
    coverage: est.coverage,
    rounds: est.rounds,
    verdictable: true,
  };
}

/** The largest rme (percent) used for a bound; beyond it the interval has no finite upper end. */
const MAX_RME = 99;

/**
 * The change from one record to another in ops/s, with a spread from both means' relative
 * margins of error: ops = 1000/mean, so a mean known to ±r gives ops within [ops/(1+r), ops/(1-r)].
 * The profile table's "vs first" column; not an interval with a known coverage, and no
 * longer what the ablation uses (ablationDelta).
 */
export function compareRecords(
  base: BenchRecord,
  arm: BenchRecord,
): Pick<AblationRecord, 'status' | 'reason' | 'baseOpsPerSec' | 'armOpsPerSec' | 'change' | 'spread' | 'significant'> {
  const baseOpsPerSec = base.opsPerSec;
  const armOpsPerSec = arm.opsPerSec;
  if (base.status !== 'ok' || arm.status !== 'ok' || !(baseOpsPerSec > 0) || !(armOpsPerSec > 0)) {
    const why =
      base.status !== 'ok'
        ? `base ${base.profile}: ${base.reason ?? base.status}`
        : `arm ${arm.profile}: ${arm.reason ?? arm.status}`;
    return {
      status: 'failed',
      reason: why,
      baseOpsPerSec,
      armOpsPerSec,
      change: 0,
      spread: { low: 0, high: 0 },
      significant: false,
    };
  }
  const rb = Math.min(base.rme, MAX_RME) / 100;
  const ra = Math.min(arm.rme, MAX_RME) / 100;
  const ratio = armOpsPerSec / baseOpsPerSec;
  const low = (ratio * (1 - rb)) / (1 + ra) - 1;
  const high = (ratio * (1 + rb)) / (1 - ra) - 1;
  return {
    status: 'ok',
    baseOpsPerSec,
    armOpsPerSec,
    change: ratio - 1,
    spread: { low, high },
    significant: low > 0 || high < 0,
  };
}
