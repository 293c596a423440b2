import { describe, expect, it } from 'vitest';
import type { CountedRecord } from '../lib/records/counted.ts';
import { compareMetrics } from './judge.ts';
import { extractMetrics } from './metrics.ts';
import { metricSources } from './read-records.ts';
import { sampleLoadFile, sampleRun } from '../test-support/records.ts';

function counted(op: string, profile: string, instructionsPerOp: number, fsyncPerOp = 0): CountedRecord {
  const run = {
    ops: 200,
    instructions: 1,
    syscalls: { fsync: 0, writeCalls: 0, writeBytes: 0, readCalls: 0, readBytes: 0 },
  };
  return {
    op,
    profile,
    status: 'ok',
    n: 200,
    batch: 1,
    writes: false,
    instructionsPerOp,
    fsyncPerOp,
    writeCallsPerOp: 0,
    writeBytesPerOp: 0,
    readCallsPerOp: 0,
    readBytesPerOp: 0,
    totals: { n: run, twoN: run },
    effective: {},
    tools: { valgrind: '3.19', strace: '6.1', node: 'v20', sqlite: '3.53' },
    nodeFlags: [],
    wallMs: 1,
  } as CountedRecord;
}
const metrics = (rs: CountedRecord[]) => extractMetrics({ load: [], bench: [], capacity: [], counted: rs });

describe('exact counters in the gate', () => {
  const base = [counted('point-read', 'tuned', 19_690), counted('insert-autocommit', 'tuned', 46_750, 0.015)];

  it('an identical count is no change, and counters gate', () => {
    const c = compareMetrics(metrics(base), metrics(base));
    expect(c.regressions).toBe(0);
    expect(c.metrics.filter((m) => m.gating && m.method === 'exact').length).toBe(6);
    // Exact counts are judged without an interval: they count as judged, with no coverage to state.
    expect(c.judgedGating).toBe(6);
    expect(c.metrics.every((m) => m.coverage === null && m.confidence === null)).toBe(true);
  });

  it('a 2 % instruction rise is a regression at the 1 % default; 0.5 % is not', () => {
    const up2 = [counted('point-read', 'tuned', 19_690 * 1.02), base[1]!];
    const up05 = [counted('point-read', 'tuned', 19_690 * 1.005), base[1]!];
    const r2 = compareMetrics(metrics(base), metrics(up2));
    expect(r2.regressions).toBe(1);
    expect(r2.metrics.find((m) => m.verdict === 'regressed')!.key).toBe('counted/point-read/tuned/instructions');
    expect(compareMetrics(metrics(base), metrics(up05)).regressions).toBe(0);
  });

  it('fsyncs appearing where there were none is a regression', () => {
    const synced = [base[0]!, counted('insert-autocommit', 'tuned', 46_750, 4)];
    expect(compareMetrics(metrics(base), metrics(synced)).regressions).toBe(1);
  });

  it('item 8: the counted section of run and load results files gates exactly as in ab', () => {
    const runOf = (rs: CountedRecord[]) =>
      extractMetrics(metricSources({ kind: 'run', file: sampleRun({ counted: rs }) }));
    const up2 = [counted('point-read', 'tuned', 19_690 * 1.02), base[1]!];
    const r = compareMetrics(runOf(base), runOf(up2));
    expect(r.metrics.find((m) => m.key === 'counted/point-read/tuned/instructions')!.verdict).toBe('regressed');
    expect(r.regressions).toBeGreaterThanOrEqual(1);
    const loadOf = (rs: CountedRecord[]) =>
      extractMetrics(metricSources({ kind: 'load', file: { ...sampleLoadFile(), counted: rs } }));
    const l = compareMetrics(
      loadOf([counted('read-point', 'tuned', 50_000)]),
      loadOf([counted('read-point', 'tuned', 51_500)]),
    );
    expect(l.metrics.find((m) => m.key === 'counted/read-point/tuned/instructions')!.verdict).toBe('regressed');
  });
});
