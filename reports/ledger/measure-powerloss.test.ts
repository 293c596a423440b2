import { describe, expect, it } from 'vitest';
import type { PowerlossRecord } from '../../lib/records/powerloss.ts';
import { sampleRun } from '../../test-support/records.ts';
import { renderReport } from '../report-markdown.ts';
import { buildLedger } from './ledger.ts';

const rec = (over: Partial<PowerlossRecord>): PowerlossRecord => ({
  profile: 'tuned',
  journalMode: 'wal',
  synchronous: 1,
  status: 'ok',
  writers: 4,
  durationS: 2,
  metadata: 'journaled',
  replayMatchesDisk: true,
  acked: 2000,
  events: 15000,
  syncs: 40,
  cuts: 200,
  cutsWithAcked: 198,
  cutsWithLoss: 149,
  images: 200,
  corrupt: 0,
  withLoss: 150,
  byMode: {},
  maxLost: 306,
  lossWindowMs: { median: 81.7, max: 303 },
  expectation: 'no-corruption',
  verdict: 'as expected',
  why: '',
  wallS: 5,
  ...over,
});

const row = (powerloss: PowerlossRecord[]) =>
  buildLedger({ ...sampleRun(), powerloss }).find((r) => r.claim.id === 'normal-power-loss')!;

describe('ledger rule 6: synchronous=NORMAL with WAL under power loss', () => {
  it('no corruption but the last commits lost: "smaller than claimed", with the window in ms and commits', () => {
    const r = row([rec({}), rec({ profile: 'wal-full', synchronous: 2, withLoss: 0, maxLost: 0, lossWindowMs: null })]);
    expect(r.verdict).toBe('smaller than claimed');
    expect('unavailable' in r.measurement && r.measurement.unavailable).toBe(
      'powerloss: tuned: 0 of 200 crash images corrupt, 150 lost acknowledged writes (up to 306 commits, acknowledged at most 303 ms before the cut); beside it WAL+FULL (wal-full): 0 corrupt, 0 with loss',
    );
  });

  it('a corrupt image contradicts it; nothing lost confirms it; no stage: not measurable', () => {
    expect(row([rec({ corrupt: 1 })]).verdict).toBe('contradicted');
    expect(row([rec({ withLoss: 0, maxLost: 0, lossWindowMs: null })]).verdict).toBe('confirmed');
    expect(row([]).verdict).toBe('not measurable here');
  });

  it('REPORT.md shows the power-loss table when the stage ran', () => {
    const md = renderReport({ ...sampleRun(), powerloss: [rec({})] }, { charts: [] });
    expect(md).toContain('Power loss, simulated: crash images per journal mode and synchronous level');
    expect(md).toMatch(/\| tuned +\| wal\+NORMAL/);
  });
});
