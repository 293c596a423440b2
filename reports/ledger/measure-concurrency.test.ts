import { describe, expect, it } from 'vitest';
import { concurrencyArm, loadRecord, sampleRun } from '../../test-support/records.ts';
import { CLAIMS } from './claims.ts';
import { measurePool, measureReadsWhileWriting } from './measure-concurrency.ts';

const measured = <T extends object>(m: T) => {
  if ('unavailable' in m) throw new Error(`unavailable: ${String((m as { unavailable: string }).unavailable)}`);
  return m as Exclude<T, { unavailable: string }>;
};

describe('the pool claim, measured', () => {
  it('is tuned readers:N over one process, from the trials, with the cores and the cluster arm named', () => {
    const m = measured(measurePool(sampleRun()));
    expect(m.gain).toBeCloseTo(5600 / 5000, 6);
    expect(m.low).toBeGreaterThan(1.05);
    expect(m.high).toBeLessThan(1.2);
    expect(m.benchmark).toContain('one process vs readers:2');
    expect(m.detail).toMatch(/^5,000 -> 5,600 rps; cluster:2 5,200 rps \(\+4 %\); 2 cores shared by the server and the load generator/);
  });
  it('is unavailable, with the reason, when the stage did not run or an arm failed', () => {
    expect(measurePool(sampleRun({ concurrency: [] }))).toEqual({
      unavailable: 'the concurrency stage did not run (concurrency.enabled is false, or it was skipped)',
    });
    const run = sampleRun();
    run.concurrency = run.concurrency.map((r) => (r.topology === 'single' && r.scenario === 'read-list' ? { ...r, status: 'failed' } : r));
    expect(measurePool(run)).toEqual({ unavailable: "no successful 'read-list' arm on tuned single" });
  });
  it('no claim of the guide is typed as unmeasurable any more', () => {
    expect(CLAIMS.filter((c) => c.source.kind === 'unmeasurable')).toEqual([]);
  });
});

describe('WAL: reads while writes run', () => {
  it('is the read throughput of readers:N, untuned-wal over untuned, with read p95 and refusals beside it', () => {
    const m = measured(measureReadsWhileWriting(sampleRun()));
    expect(m.gain).toBeCloseTo(1.4, 6);
    expect(m.low).toBeGreaterThanOrEqual(1350 / 1050 - 1e-9);
    expect(m.high).toBeLessThanOrEqual(1450 / 950 + 1e-9);
    expect(m.benchmark).toContain('untuned (DELETE) vs untuned-wal (WAL), stock otherwise (synchronous=FULL, busy_timeout=0 both), readers:2');
    expect(m.detail).toContain('1,000 -> 1,400 read rps, read p95 14 ms -> 8 ms');
    expect(m.detail).toContain('reads refused (busy) 1.3 % -> 0.0 %');
    expect(m.detail).toContain('one process (one connection for both): 1,200 -> 1,280 read rps (+7 %)');
  });
  it('needs read figures: a record without them is unavailable, not a gain of the pooled figures', () => {
    const run = sampleRun();
    run.concurrency = run.concurrency.map((r) =>
      r.scenario === 'mix-80-20' ? { ...r, trials: r.trials.map(({ reads: _r, ...t }) => t) } : r,
    );
    expect(measureReadsWhileWriting(run)).toEqual({
      unavailable: "'mix-80-20' recorded no separate read figures (a scenario of reads and writes is needed)",
    });
  });
  it('uses only the readers:N arms for the claim (one process is detail)', () => {
    const run = sampleRun();
    run.concurrency = run.concurrency.filter((r) => !(r.scenario === 'mix-80-20' && r.topology === 'readers:2' && r.profile === 'untuned-wal'));
    run.concurrency.push(concurrencyArm(loadRecord('mix-80-20', 'untuned-wal', [1, 1, 1], [1, 1, 1]), 'readers:2', { rps: [500, 500, 500], p95: [1, 1, 1] }));
    expect(measured(measureReadsWhileWriting(run)).gain).toBeCloseTo(0.5, 6);
  });
});
