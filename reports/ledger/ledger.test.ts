import { describe, expect, it } from 'vitest';
import { ablation, capacity, sampleRun } from '../../test-support/records.ts';
import { CLAIMS } from './claims.ts';
import { buildLedger, renderLedger } from './ledger.ts';
import { measureAblation, opKind } from './measure.ts';
import { verdictFor } from './verdict.ts';

const claimed = { low: 1.3, high: 1.5 };

describe('verdictFor (the stated rule)', () => {
  it('is not measurable without a measurement', () => {
    expect(verdictFor(null, claimed, 0.05)).toBe('not measurable here');
  });
  it('confirms a real effect inside the claimed range widened by noise', () => {
    expect(verdictFor({ gain: 1.4, low: 1.3, high: 1.5 }, claimed, 0.05)).toBe('confirmed');
    expect(verdictFor({ gain: 1.25, low: 1.2, high: 1.3 }, claimed, 0.05)).toBe('confirmed');
  });
  it('says smaller or larger than claimed for real effects outside the range', () => {
    expect(verdictFor({ gain: 1.15, low: 1.1, high: 1.2 }, claimed, 0.05)).toBe('smaller than claimed');
    expect(verdictFor({ gain: 3, low: 2.8, high: 3.2 }, claimed, 0.05)).toBe('larger than claimed');
  });
  it('does not confirm an effect whose interval reaches the noise band', () => {
    expect(verdictFor({ gain: 1.4, low: 1.02, high: 1.8 }, claimed, 0.05)).toBe('not confirmed');
    expect(verdictFor({ gain: 1, low: 0.98, high: 1.02 }, claimed, 0.05)).toBe('not confirmed');
  });
  it('calls a significant loss contradicted', () => {
    expect(verdictFor({ gain: 0.7, low: 0.65, high: 0.75 }, claimed, 0.05)).toBe('contradicted');
  });
  it('confirms a plain "faster" claim for any real gain', () => {
    expect(verdictFor({ gain: 1.1, low: 1.07, high: 1.13 }, null, 0.05)).toBe('confirmed');
  });
});

describe('measureAblation', () => {
  it('classifies ops by name', () => {
    expect(opKind('insert-content')).toBe('write');
    expect(opKind('list-client-campaigns')).toBe('read');
  });
  it('takes the median gain over matching ops and ignores other kinds', () => {
    const m = measureAblation(
      [
        ablation('wal', 'a-read', 0.2),
        ablation('wal', 'b-read', 0.4),
        ablation('wal', 'c-read', 0.3),
        ablation('wal', 'insert-x', 5),
      ],
      'wal',
      'read',
    );
    expect('unavailable' in m).toBe(false);
    if (!('unavailable' in m)) {
      expect(m.gain).toBeCloseTo(1.3, 9);
      expect(m.low).toBeCloseTo(1.27, 9);
    }
  });
  it('inverts disable-on-tuned arms', () => {
    const m = measureAblation([ablation('wal', 'read-x', -0.5, 0, { direction: 'disable-on-tuned' })], 'wal', 'read');
    expect('unavailable' in m ? 0 : m.gain).toBeCloseTo(2, 9);
  });
  it('explains a missing or failed ablation', () => {
    const m = measureAblation(
      [ablation('mmap', 'read-x', 0, 0, { status: 'failed', reason: 'disk full' })],
      'mmap',
      'read',
    );
    expect(m).toEqual({ unavailable: 'ablation mmap failed: disk full' });
  });
});

describe('buildLedger on a hand-built run', () => {
  const rows = buildLedger(sampleRun());
  const verdict = (id: string) => rows.find((r) => r.claim.id === id)!.verdict;

  it('has one row per claim of the guide', () => {
    expect(rows.map((r) => r.claim.id)).toEqual(CLAIMS.map((c) => c.id));
  });
  it('computes every verdict from the records', () => {
    expect(verdict('wal-reads')).toBe('confirmed');
    expect(verdict('normal-writes')).toBe('confirmed');
    expect(verdict('cache-queries')).toBe('not confirmed');
    expect(verdict('mmap-reads')).toBe('contradicted');
    expect(verdict('temp-store')).toBe('confirmed');
    expect(verdict('indexes-queries')).toBe('larger than claimed');
    expect(verdict('scan-vs-search')).toBe('larger than claimed');
    expect(verdict('pool-10x')).toBe('not measurable here');
    expect(verdict('vacuum-size')).toBe('confirmed');
    expect(verdict('read-qps')).toBe('smaller than claimed');
    expect(verdict('write-qps')).toBe('larger than claimed');
    expect(verdict('p95')).toBe('smaller than claimed');
    expect(verdict('users')).toBe('smaller than claimed');
  });
  it('says why a claim is not measurable when its stage produced nothing', () => {
    const r = buildLedger(sampleRun({ load: [], capacity: [] }));
    const readQps = r.find((x) => x.claim.id === 'read-qps')!;
    expect(readQps.verdict).toBe('not measurable here');
    expect(readQps.measurement).toEqual({ unavailable: "no successful 'read-list' load result for untuned" });
  });
  it('renders the table and the rule', () => {
    const md = renderLedger(sampleRun());
    expect(md).toContain('| journal_mode=WAL: reads +30-50 % (§2, §3) | +30 % to +50 % | +37.5 %');
    expect(md).toContain('**Verdict rule**');
    expect(md).toContain('**not measurable here**: better-sqlite3 is synchronous');
  });
});

describe('opKind', () => {
  it("prefers the bench record's writes flag over the name", () => {
    expect(opKind('temp-sort', new Map([['temp-sort', true]]))).toBe('write');
    expect(opKind('insert-autocommit', new Map())).toBe('write');
  });
});

describe('capacity lower bounds (rule 5)', () => {
  const users = (caps: ReturnType<typeof capacity>[]) =>
    buildLedger(sampleRun({ capacity: caps })).find((r) => r.claim.id === 'users')!;
  it('a tuned sweep that passed every level settles only "larger than claimed"', () => {
    const r = users([
      capacity('untuned', 25, [
        [10, 50],
        [25, 150],
        [50, 400],
      ]),
      capacity('tuned', 100, [
        [10, 5],
        [25, 8],
        [50, 20],
        [100, 60],
      ]),
    ]);
    expect(r.verdict).toBe('not measurable here');
    expect(r.measurement).toEqual({
      unavailable: expect.stringMatching(/at least ×4\.00; raise capacity.maxConnections/),
    });
    const big = users([
      capacity('untuned', 10, [
        [10, 50],
        [25, 400],
      ]),
      capacity('tuned', 100, [
        [10, 5],
        [25, 8],
        [50, 20],
        [100, 60],
      ]),
    ]);
    expect(big.verdict).toBe('larger than claimed');
  });
  it('says so when both profiles passed every level', () => {
    const r = users([
      capacity('untuned', 50, [
        [10, 5],
        [50, 9],
      ]),
      capacity('tuned', 50, [
        [10, 5],
        [50, 8],
      ]),
    ]);
    expect(r.measurement).toEqual({
      unavailable: 'both met the SLO at every level up to 50 connections: raise capacity.maxConnections',
    });
  });
});
