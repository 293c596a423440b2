import { describe, expect, it } from 'vitest';
import { renderTieBreaks } from './counted-report.ts';
import type { TieBreak } from './counted.ts';
import type { TuneRecord } from './record.ts';
import { PLAIN_OPEN } from '../test-support/tune.ts';

const tie: TieBreak = {
  counted: ['syscalls'],
  instructionsSkipped: 'the budget (about 40 s needed, 3 s left)',
  verdict: 'cheaper',
  queries: [
    {
      query: 'new-order',
      n: 17,
      base: { instructions: null, fsync: 1, writeCalls: 2, writeBytes: 4120, readCalls: 0, readBytes: 0 },
      arm: { instructions: null, fsync: 0, writeCalls: 2, writeBytes: 4120, readCalls: 0, readBytes: 0 },
      verdict: 'fewer',
      differences: ['fsyncs 1.00 → 0.00 per call'],
    },
  ],
};

describe("TUNE.md's counted tie-breaks", () => {
  it('shows each counted setting with both sides per call, what was not counted, and the verdict', () => {
    const r = {
      counted: true,
      decisions: [
        {
          dimension: 'journal',
          current: { ...PLAIN_OPEN, journal_mode: 'wal' },
          leader: { ...PLAIN_OPEN, journal_mode: 'wal', synchronous: 1 },
          verdict: 'adopted by count',
          adopted: true,
          counted: tie,
        },
        { dimension: 'cache', current: PLAIN_OPEN, leader: PLAIN_OPEN, verdict: 'slower', adopted: false },
      ],
    } as unknown as TuneRecord;
    const md = renderTieBreaks(r).join('\n');
    expect(md).toContain('## Counted tie-breaks');
    expect(md).toContain('### journal: WAL + synchronous full (yours) against WAL + synchronous normal (leader)');
    expect(md).toContain('instructions not counted: the budget (about 40 s needed, 3 s left)');
    expect(md).toContain('Counted: system calls; instructions not counted');
    expect(md).toContain('the leader is adopted');
    expect(md).toContain(
      '| new-order | 17 | 1.00 fsync, 2.00 writes (4120 B), 0.00 reads (0 B) | 0.00 fsync, 2.00 writes (4120 B), 0.00 reads (0 B) | fewer; fsyncs 1.00 → 0.00 per call |',
    );
    expect(md).not.toContain('### cache');
  });

  it('says nothing without --counted, and says so when no setting needed a count', () => {
    expect(renderTieBreaks({ counted: false, decisions: [] } as unknown as TuneRecord)).toEqual([]);
    expect(renderTieBreaks({ counted: true, decisions: [] } as unknown as TuneRecord).join('\n')).toContain(
      'the timing decided every setting',
    );
  });
});
