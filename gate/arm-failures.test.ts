import { describe, expect, it } from 'vitest';
import {
  auditFailed,
  benchRecord,
  capacity,
  failedArm,
  loadRecord,
  sampleRun,
  withArm,
} from '../test-support/records.ts';
import { auditSummary, failedArms, runVerdict } from './arm-failures.ts';

describe('runVerdict (the exit code of loadlab run)', () => {
  it('0 when every stage and every arm succeeded', () => {
    expect(runVerdict(sampleRun())).toEqual({ exitCode: 0, failures: [] });
  });

  it('1 when one load arm failed its write audit while the others succeeded, naming it', () => {
    const r = withArm(sampleRun(), 'write', 'tuned', (a) => auditFailed(a, 3));
    expect(runVerdict(r)).toEqual({
      exitCode: 1,
      failures: ['load write × tuned (autocannon c10): audit: 3 acknowledged writes lost'],
    });
  });

  it('1 for an audit that failed on a record marked ok', () => {
    const r = withArm(sampleRun(), 'write', 'tuned', (a) => ({ ...auditFailed(a, 2), status: 'ok' }));
    expect(runVerdict(r).exitCode).toBe(1);
  });

  it('1 for a failed k6 arm, bench record or capacity sweep', () => {
    const base = sampleRun();
    const k6 = sampleRun({
      load: [
        ...base.load,
        failedArm(loadRecord('mix-80-20', 'tuned', [1], [1], { engine: 'k6' }), 'k6 thresholds crossed'),
      ],
    });
    expect(runVerdict(k6).failures).toEqual(['k6 mix-80-20 × tuned (k6 c10): k6 thresholds crossed']);
    const bench = sampleRun({
      bench: [
        ...base.bench,
        benchRecord('insert-content', 'consensus', 1, { status: 'failed', reason: 'disk I/O error' }),
      ],
    });
    expect(runVerdict(bench).failures).toEqual(['bench insert-content × consensus: disk I/O error']);
    const cap = sampleRun({
      capacity: [{ ...capacity('tuned', 25, [[10, 5]]), status: 'failed', reason: 'at 50 connections: server exited' }],
    });
    expect(runVerdict(cap)).toEqual({
      exitCode: 1,
      failures: ['capacity mix-80-20 × tuned: at 50 connections: server exited'],
    });
  });

  it('skipped arms are not failures', () => {
    const r = withArm(sampleRun(), 'write', 'tuned', (a) => ({ ...a, status: 'skipped', reason: 'interrupted' }));
    expect(runVerdict(r).exitCode).toBe(0);
  });

  it('a failed stage fails the run, listed before the arms', () => {
    const r = sampleRun();
    r.stages = r.stages.map((s) => (s.name === 'vacuum' ? { ...s, status: 'failed', reason: 'ENOSPC\nmore' } : s));
    const broken = withArm(r, 'write', 'tuned', (a) => failedArm(a, 'boom'));
    expect(runVerdict(broken).failures).toEqual(['stage vacuum: ENOSPC', 'load write × tuned (autocannon c10): boom']);
  });

  it('failedArms is empty for a clean run', () => {
    expect(failedArms(sampleRun())).toEqual([]);
  });
});

describe('auditSummary', () => {
  const audit = { acked: 10, rows: 10, lost: 0, phantom: 0, integrity: 'ok', ok: false, unanswered: 0 };
  it('sums lost writes over the failed audits, singular and plural', () => {
    expect(auditSummary([{ ...audit, lost: 1 }])).toBe('audit: 1 acknowledged write lost');
    expect(
      auditSummary([
        { ...audit, lost: 2 },
        { ...audit, lost: 3 },
      ]),
    ).toBe('audit: 5 acknowledged writes lost');
  });
  it('names phantom rows beyond the unanswered writes and a failed integrity check', () => {
    expect(auditSummary([{ ...audit, phantom: 4, unanswered: 1, integrity: 'row 3 missing from index' }])).toBe(
      'audit: 3 unexplained phantom rows, integrity_check: row 3 missing from index',
    );
  });
});
