import type { AblationRecord, BenchRecord } from '../lib/records/bench.ts';

/** The largest rme (percent) used for a bound; beyond it the interval has no finite upper end. */
const MAX_RME = 99;

/**
 * The change from base to arm in ops/s, with a spread from both means' relative margins
 * of error: ops = 1000/mean, so a mean known to ±r gives ops within [ops/(1+r), ops/(1-r)].
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
