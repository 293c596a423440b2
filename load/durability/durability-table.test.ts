import { describe, expect, it } from 'vitest';
import type { DurabilityRecord } from '../../lib/records/durability.ts';
import { renderDurability } from './durability-table.ts';

const record = (over: Partial<DurabilityRecord>): DurabilityRecord => ({
  profile: 'tuned',
  journalMode: 'wal',
  synchronous: 1,
  status: 'ok',
  cyclesRequested: 20,
  cycles: 20,
  budgetExplicit: false,
  writers: 4,
  acked: 12345,
  lost: 0,
  lostIds: [],
  unackedPresent: 7,
  integrity: 'ok',
  kills: 20,
  restarts: 20,
  durationS: 40,
  perCycle: [],
  ...over,
});

describe('renderDurability', () => {
  it('renders one row per profile and states what is not tested', () => {
    const text = renderDurability([
      record({ profile: 'untuned', journalMode: 'delete', synchronous: 2, acked: 900 }),
      record({}),
      record({
        profile: 'consensus',
        cycles: 3,
        lost: 2,
        lostIds: [5, 9],
        integrity: '*** in database main *** Page 7',
        status: 'ok',
        reason: 'stopped after 3 of 20 cycles: the --max-seconds budget ran out',
      }),
    ]);
    const cells = text.split('\n').map((l) => l.trim().split(/\s{2,}/));
    expect(cells[0]).toEqual([
      'profile',
      'journal',
      'cycles',
      'acked writes',
      'lost',
      'unacked present',
      'integrity',
      'status',
    ]);
    expect(cells[2]).toEqual(['untuned', 'delete+FULL', '20', '900', '0', '7', 'ok', 'ok']);
    expect(cells[3]).toEqual(['tuned', 'wal+NORMAL', '20', '12,345', '0', '7', 'ok', 'ok']);
    expect(cells[4]).toEqual([
      'consensus',
      'wal+NORMAL',
      '3/20',
      '12,345',
      '2',
      '7',
      '*** in database main *** Page 7',
      'ok: stopped after 3 of 20 cycles: the --max-seconds budget ran out',
    ]);
    expect(text).toMatch(/power loss/);
    expect(text).toMatch(/WAL\+NORMAL .* may lose the last commits/);
  });

  it('says how many lost writes had their ids handed out again', () => {
    const text = renderDurability([record({ lost: 3, reused: 2, lostIds: [7, 8, 9] })]);
    expect(text).toMatch(/tuned\s+wal\+NORMAL\s+20\s+12,345\s+3 \(2 ids reused\)\s/);
    expect(text).toMatch(/every cycle must acknowledge writes/);
  });

  it('renders markdown for reports', () => {
    expect(renderDurability([record({})], 'markdown')).toMatch(/^\| profile \| journal \| cycles \|/);
  });
});
