import { describe, expect, it } from 'vitest';
import { PLAIN_OPEN } from '../test-support/tune.ts';
import { tuneAgreement } from './agreement.ts';
import type { Decision, TuneRecord } from './record.ts';
import type { Settings } from './space.ts';

const yours = PLAIN_OPEN;

function run(winner: Settings, decisions: Partial<Decision>[], indexes: string[]): TuneRecord {
  return {
    winner,
    adoptedIndexes: indexes,
    decisions: decisions.map((d) => ({ leader: winner, current: yours, adopted: false, ...d }) as Decision),
  } as unknown as TuneRecord;
}

describe('two tune runs on one database', () => {
  it('same indexes in any order; a setting that differs is paired with how each run labelled it', () => {
    const wal = { ...yours, journal_mode: 'wal', synchronous: 1 } as const;
    const a = run(
      { ...wal, cache_size: -64000 },
      [
        { dimension: 'journal', verdict: 'adopted', adopted: true },
        { dimension: 'cache_size', verdict: 'adopted', adopted: true },
      ],
      ['B', 'A'],
    );
    const b = run(
      wal,
      [
        { dimension: 'journal', verdict: 'adopted', adopted: true },
        { dimension: 'cache_size', verdict: 'not shown' },
      ],
      ['A', 'B'],
    );
    const g = tuneAgreement(a, b);
    expect(g.sameIndexes).toBe(true);
    expect(g.differing).toEqual([
      {
        dimension: 'cache_size',
        a: 'cache 62.5 MiB',
        b: 'cache 15.6 MiB',
        verdictA: 'adopted',
        verdictB: 'not shown',
        withinNoise: true,
      },
    ]);
  });

  it('a flip neither run called noise, or different indexes, are disagreements', () => {
    const a = run(
      { ...yours, mmap_size: 268_435_456 },
      [{ dimension: 'mmap_size', verdict: 'adopted', adopted: true }],
      ['A'],
    );
    const b = run(yours, [], []);
    const g = tuneAgreement(a, b);
    expect(g.sameIndexes).toBe(false);
    expect(g.differing).toMatchObject([{ dimension: 'mmap_size', verdictB: 'no decision', withinNoise: false }]);
  });
});
