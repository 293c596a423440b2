import type { AblationRecord, BenchRecord, IndexSweepRecord } from '../lib/records/bench.ts';

/** Hand-built records for reporter tests: no timing involved. */
export function benchRecord(
  op: string,
  profile: string,
  meanUs: number,
  extra: Partial<BenchRecord> = {},
): BenchRecord {
  return {
    op,
    profile,
    status: 'ok',
    opsPerSec: 1e6 / meanUs,
    latencyUs: { mean: meanUs, p50: meanUs * 0.9, p75: meanUs * 1.1, p99: meanUs * 3 },
    rme: 1,
    samples: 1000,
    plan: 'SCAN contents',
    effective: { journal_mode: 'delete' },
    ...extra,
  };
}

export function sweepRecord(kind: 'query' | 'insert', rows: number, indexes: number, meanUs: number): IndexSweepRecord {
  return {
    kind,
    rows,
    indexes,
    status: 'ok',
    opsPerSec: 1e6 / meanUs,
    latencyUs: { mean: meanUs, p50: meanUs, p99: meanUs * 2 },
    rme: 2,
    plan: '',
  };
}

export function ablationRecord(
  direction: AblationRecord['direction'],
  pragma: string,
  op: string,
  change: number,
  low: number,
  high: number,
): AblationRecord {
  return {
    direction,
    pragma,
    op,
    status: 'ok',
    baseOpsPerSec: 1000,
    armOpsPerSec: 1000 * (1 + change),
    change,
    spread: { low, high },
    significant: low > 0 || high < 0,
  };
}
