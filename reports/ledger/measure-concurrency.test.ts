import { describe, expect, it } from 'vitest';
import { concurrencyArm, loadRecord, sampleRun } from '../../test-support/records.ts';
import {
  pairedComparisonRecord,
  pairedRecord,
  SAMPLE_PAIRED_TRUTHS,
  samplePaired,
} from '../../test-support/paired-records.ts';
import { CLAIMS } from './claims.ts';
import { measurePool, measureReadsWhileWriting } from './measure-concurrency.ts';

const measured = <T extends object>(m: T) => {
  if ('unavailable' in m) throw new Error(`unavailable: ${String((m as { unavailable: string }).unavailable)}`);
  return m as Exclude<T, { unavailable: string }>;
};

describe('the pool claim, measured', () => {
  it('is tuned readers:N over one connection, from the paired slices, with the cores and the cluster arm named', () => {
    const m = measured(measurePool(sampleRun({ paired: samplePaired() })));
    // True ratio 5,600 / 5,000 = ×1.12; the interval is the round medians' (6 rounds, coverage 1 − 2/64).
    expect(m.gain).toBeGreaterThan(1.08);
    expect(m.gain).toBeLessThan(1.16);
    expect(m.low).toBeLessThanOrEqual(m.gain);
    expect(m.high).toBeGreaterThanOrEqual(m.gain);
    expect(m.high).toBeLessThan(1.2);
    expect(m.benchmark).toContain('one connection vs readers:2');
    expect(m.benchmark).toContain(
      '6 rounds, 24 pairs of 16-connection slices, sign-test interval of the round medians, coverage 96.9 %',
    );
    expect(m.detail).toMatch(
      /^5,\d{3} -> 6,\d{3} rps \(median slices\); cluster:2 5,200 rps beside one process 5,000 \(sequential trials, not judged\); 2 cores shared by the servers and the load generator/,
    );
  });
  it('is unavailable, with the reason, when the paired stage did not run, has no pool comparison, or a side failed', () => {
    expect(measurePool(sampleRun())).toEqual({
      unavailable:
        'no paired stage in this run (paired.enabled is false, or the results predate it): sequential trials give no interval of known coverage',
    });
    const noPool = samplePaired();
    noPool.comparisons = noPool.comparisons.filter((c) => c.purpose !== 'pool');
    expect(measurePool(sampleRun({ paired: noPool }))).toEqual({
      unavailable: "the paired stage has no pool comparison on 'read-list'",
    });
    const failed = samplePaired();
    const pool = failed.comparisons.find((c) => c.purpose === 'pool')!;
    pool.slices = pool.slices.map((s) => (s.side === 'baseline' ? { ...s, status: 'failed', rps: 0 } : s));
    pool.problems = ['round 1: tuned (single) server did not start: port in use'];
    expect(measurePool(sampleRun({ paired: failed }))).toEqual({
      unavailable:
        "tuned readers:2 vs tuned on 'read-list': the baseline (tuned) answered no request in any slice (round 1: tuned (single) server did not start: port in use)",
    });
  });
  it('has no interval below 6 rounds at 95 %', () => {
    expect(measurePool(sampleRun({ paired: samplePaired({ rounds: 4 }) }))).toEqual({
      unavailable: "tuned readers:2 vs tuned on 'read-list': not enough rounds: 4 of the 6 that 95 % needs",
    });
  });
  it('no claim of the guide is typed as unmeasurable any more', () => {
    expect(CLAIMS.filter((c) => c.source.kind === 'unmeasurable')).toEqual([]);
  });
});

describe('WAL: reads while writes run', () => {
  it('is the read throughput of readers:N, untuned-wal over untuned, from the paired slices, with read p95 beside it', () => {
    const m = measured(measureReadsWhileWriting(sampleRun({ paired: samplePaired() })));
    // True read ratio 1,000 -> 1,400 (×1.4); the pooled rps (×1.35) is not the claim.
    expect(m.gain).toBeGreaterThan(1.37);
    expect(m.gain).toBeLessThan(1.43);
    expect(m.low).toBeLessThanOrEqual(m.gain);
    expect(m.high).toBeGreaterThanOrEqual(m.gain);
    expect(m.benchmark).toContain(
      'untuned (DELETE) vs untuned-wal (WAL), stock otherwise (synchronous=FULL, busy_timeout=0 both), readers:2, interleaved in slices',
    );
    expect(m.benchmark).toContain('coverage 96.9 %');
    expect(m.detail).toMatch(
      /^(9\d\d|1,0\d\d) -> 1,[34]\d\d read rps \(median slices\), read p95 1[34]\.?\d* ms -> [78]\.?\d* ms \(gain ×1\.\d\d \[1\.\d\d, 1\.\d\d\]\)/,
    );
  });
  it('needs read figures: a record without them is unavailable, not a gain of the pooled figures', () => {
    const paired = samplePaired();
    const wal = paired.comparisons.find((c) => c.purpose === 'wal-under-writes')!;
    wal.slices = wal.slices.map(({ readRps: _r, readP95Ms: _p, ...s }) => s);
    expect(measureReadsWhileWriting(sampleRun({ paired }))).toEqual({
      unavailable:
        "untuned-wal readers:2 vs untuned readers:2 on 'mix-80-20': the baseline (untuned) answered no read request in any slice",
    });
  });
  it('judges the readers:N comparison the paired stage ran (its topology named), not the sequential arms', () => {
    const run = sampleRun({ paired: samplePaired() });
    // Sequential arms that would say WAL halves reads: the claim does not read them.
    run.concurrency = run.concurrency.filter(
      (r) => !(r.scenario === 'mix-80-20' && r.topology === 'readers:2' && r.profile === 'untuned-wal'),
    );
    run.concurrency.push(
      concurrencyArm(loadRecord('mix-80-20', 'untuned-wal', [1, 1, 1], [1, 1, 1]), 'readers:2', {
        rps: [500, 500, 500],
        p95: [1, 1, 1],
      }),
    );
    expect(measured(measureReadsWhileWriting(run)).gain).toBeGreaterThan(1.37);
    // A WAL that halves the reads, measured paired, is what the claim reads.
    const halved = pairedComparisonRecord({
      ...SAMPLE_PAIRED_TRUTHS[3]!,
      reads: { rps: 1000, p95Ms: 14, rpsRatio: 0.5, p95Ratio: 2 },
    });
    const m = measured(measureReadsWhileWriting(sampleRun({ paired: pairedRecord([halved]) })));
    expect(m.gain).toBeGreaterThan(0.47);
    expect(m.gain).toBeLessThan(0.53);
  });
});
