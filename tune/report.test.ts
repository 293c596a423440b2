import { describe, expect, it } from 'vitest';
import type { QueryGain } from './paired.ts';
import type { TuneRecord } from './record.ts';
import { budgetShort, gainText } from './report.ts';

const gain = (verdict: QueryGain['verdict'], estimate: number | null = 1): QueryGain => ({
  query: 'q',
  estimate,
  low: estimate,
  high: estimate,
  coverage: estimate === null ? null : 0.99,
  rounds: 8,
  verdict,
  baseUs: 1,
  armUs: 1,
});

describe('TUNE.md says what the budget could not pay for', () => {
  it('names the unmeasured indexes, settings and final comparisons', () => {
    const r = {
      indexes: [
        { candidate: {}, adopted: false, why: '' },
        { candidate: {}, reads: {}, adopted: true, why: '' },
      ],
      decisions: [{ verdict: 'not measured' }, { verdict: 'adopted' }],
      vsCurrent: { gains: [gain('not judged', null)] },
      vsTuned: { gains: [gain('faster', 2)] },
    } as unknown as TuneRecord;
    expect(budgetShort(r)).toBe('1 candidate index, 1 setting, a final comparison (some queries not judged)');
    expect(budgetShort({ ...r, indexes: [], decisions: [], vsCurrent: r.vsTuned } as TuneRecord)).toBe('');
  });

  it('writes a tiny speed ratio with its digits, never as 0.00x', () => {
    expect(gainText({ ...gain('slower', 0.0085), low: 0.008, high: 0.009 })).toBe('0.0085x (0.008x … 0.009x, 99 %)');
  });
});
