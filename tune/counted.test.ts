import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findCountingTools } from '../bench/counted/tools.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { makeTiebreakDb, TIEBREAK_CALLS, TIEBREAK_QUERIES, WAL_FULL } from '../test-support/tune-counted.ts';
import { countedCalls, countTieBreak, judgeCounts, tieBreakVerdict, type PerCall, type QueryCount } from './counted.ts';
import type { Comparison } from './paired.ts';
import type { Settings } from './space.ts';
import { decideSetting, unjudged } from './verdicts.ts';

const per = (o: Partial<PerCall>): PerCall => ({
  instructions: null,
  fsync: 0,
  writeCalls: 0,
  writeBytes: 0,
  readCalls: 0,
  readBytes: 0,
  ...o,
});

describe('counted tie-break verdicts (pure)', () => {
  it('a counter differs only beyond 1 % and its floor; fewer, more, mixed and same', () => {
    expect(judgeCounts(per({ fsync: 1, writeCalls: 2 }), per({ fsync: 0, writeCalls: 2 }), 20)).toEqual({
      verdict: 'fewer',
      differences: ['fsyncs 1.00 → 0.00 per call'],
    });
    expect(judgeCounts(per({ readCalls: 3 }), per({ readCalls: 5 }), 20).verdict).toBe('more');
    expect(judgeCounts(per({ fsync: 1, readCalls: 3 }), per({ fsync: 0, readCalls: 5 }), 20).verdict).toBe('mixed');
    // One checkpoint's fsync spread over 500 calls is not a difference (floor 0.01 per call).
    expect(judgeCounts(per({ fsync: 0.004 }), per({ fsync: 0 }), 500).verdict).toBe('same');
    // Instructions: 0.5 % is inside the band; 5 % beyond it; at n = 5 the floor is 4 × 20k / 5 = 16k.
    expect(judgeCounts(per({ instructions: 1e6 }), per({ instructions: 1.005e6 }), 500).verdict).toBe('same');
    expect(judgeCounts(per({ instructions: 1e6 }), per({ instructions: 1.05e6 }), 500).verdict).toBe('more');
    expect(judgeCounts(per({ instructions: 200e3 }), per({ instructions: 185e3 }), 5).verdict).toBe('same');
    expect(judgeCounts(per({ instructions: 200e3 }), per({ instructions: 180e3 }), 5).verdict).toBe('fewer');
  });

  it("a counter whose base moves between its two counts (the tie-break's own A/A) is not used", () => {
    const base = per({ instructions: 34_000, fsync: 0, writeCalls: 6 });
    const again = per({ instructions: 300, fsync: 0, writeCalls: 6 });
    const arm = per({ instructions: 300, fsync: 0, writeCalls: 6 });
    expect(judgeCounts(base, arm, 5, again)).toEqual({
      verdict: 'same',
      differences: ['instructions unstable (yours 34.0 k and 0.3 k): not used'],
    });
    // Nothing left to compare is no evidence: not counted, never "same".
    expect(
      judgeCounts(per({ instructions: 34_000, fsync: null, writeCalls: null, readCalls: null }), arm, 5, again),
    ).toMatchObject({
      verdict: 'not counted',
    });
    // Stable base: the arm must move beyond the threshold and twice the base's spread.
    const b = per({ instructions: 1_000_000 });
    expect(judgeCounts(b, per({ instructions: 1_030_000 }), 500, per({ instructions: 1_008_000 })).verdict).toBe(
      'more',
    );
    expect(judgeCounts(b, per({ instructions: 1_012_000 }), 500, per({ instructions: 1_008_000 })).verdict).toBe(
      'same',
    );
  });

  it('cheaper needs every query counted, one fewer and none more', () => {
    const q = (verdict: QueryCount['verdict']): QueryCount => ({
      query: verdict,
      n: 1,
      base: null,
      arm: null,
      verdict,
      differences: [],
    });
    expect(tieBreakVerdict([q('fewer'), q('same')])).toBe('cheaper');
    expect(tieBreakVerdict([q('same'), q('same')])).toBe('same');
    expect(tieBreakVerdict([q('fewer'), q('more')])).toBe('mixed');
    expect(tieBreakVerdict([q('fewer'), q('not counted')])).toBe('not counted');
    expect(tieBreakVerdict([q('more'), q('not counted')])).toBe('costlier');
    expect(tieBreakVerdict([])).toBe('not counted');
  });

  it('counts about 5 ms of native calls per run, from 1 to 500 calls', () => {
    expect(countedCalls(0.001)).toBe(500);
    expect(countedCalls(0.5)).toBe(10);
    expect(countedCalls(80)).toBe(1);
  });

  it('a setting the timing cannot separate is adopted only when the counters say cheaper', async () => {
    const noise = { ...unjudged('yours', 'leader', ['q'], ''), confidence: 0.95 };
    noise.gains[0] = {
      ...noise.gains[0]!,
      estimate: 1.01,
      low: 0.99,
      high: 1.03,
      coverage: 0.96,
      verdict: 'within the noise',
    };
    const faster: Comparison = {
      ...noise,
      gains: [{ ...noise.gains[0]!, estimate: 1.5, low: 1.3, high: 1.7, verdict: 'faster' }],
    };
    const breakWith = (verdict: 'cheaper' | 'same' | 'costlier') => async () => ({
      counted: ['syscalls' as const],
      queries: [],
      verdict,
    });
    expect(await decideSetting(noise, breakWith('cheaper'))).toMatchObject({
      verdict: 'adopted by count',
      adopted: true,
      counted: { verdict: 'cheaper' },
    });
    expect(await decideSetting(noise, breakWith('same'))).toMatchObject({
      verdict: 'within the noise',
      adopted: false,
    });
    expect(await decideSetting(noise, breakWith('costlier'))).toMatchObject({ adopted: false });
    // The timing decides when it can: no count asked.
    let asked = false;
    const r = await decideSetting(faster, async () => {
      asked = true;
      return breakWith('costlier')();
    });
    expect(r).toEqual({ verdict: 'adopted', adopted: true });
    expect(asked).toBe(false);
    expect(await decideSetting(noise)).toEqual({ verdict: 'within the noise', adopted: false });
  });
});

const tools = findCountingTools();
const QUERIES = TIEBREAK_QUERIES;
const CALLS = TIEBREAK_CALLS;

describe.skipIf(!tools.strace && !process.env.CI)('counted tie-break with strace (and valgrind)', () => {
  const tmp = tempDir('loadlab-tune-counted-');
  const file = join(tmp.dir, 'db.sqlite');
  beforeAll(() => makeTiebreakDb(file));
  afterAll(() => tmp.cleanup());
  const tieBreak = (arm: Settings, budgetS: number, queries = QUERIES) =>
    countTieBreak({
      base: { settings: WAL_FULL, file },
      arm: { settings: arm, file },
      queries,
      calls: CALLS,
      tools,
      dir: tmp.dir,
      budgetS,
    });

  it('A/A: the same settings on both sides count the same on every query', async () => {
    const r = await tieBreak(WAL_FULL, 8);
    expect(r.counted).toEqual(['syscalls']);
    expect(r.queries.map((q) => [q.query, q.verdict])).toEqual([
      ['point', 'same'],
      ['count-a', 'same'],
      ['insert', 'same'],
    ]);
    // System calls repeat exactly: the insert commits with one fsync on both sides and in the repeat.
    const ins = r.queries[2]!;
    expect(ins.base!.fsync).toBe(1);
    expect(ins.arm).toEqual(ins.base);
    expect(ins.baseRepeat).toEqual(ins.base);
    expect(r.verdict).toBe('same');
  }, 60_000);

  it('synchronous NORMAL in WAL: no fsync per commit, the reads the same, so cheaper', async () => {
    const r = await tieBreak({ ...WAL_FULL, synchronous: 1 }, 8);
    const ins = r.queries.find((q) => q.query === 'insert')!;
    expect(ins).toMatchObject({ verdict: 'fewer', differences: ['fsyncs 1.00 → 0.00 per call'] });
    expect(r.queries.filter((q) => q.query !== 'insert').every((q) => q.verdict === 'same')).toBe(true);
    expect(r.verdict).toBe('cheaper');
    // Eight seconds cannot pay for valgrind: said so, and the system calls still decide.
    expect(r.instructionsSkipped).toMatch(tools.valgrind ? /the budget/ : /valgrind not found/);
  }, 60_000);

  it.skipIf(!tools.valgrind && !process.env.CI)(
    'A/A with instructions: identical settings stay the same within the instruction floor',
    async () => {
      const r = await tieBreak(
        WAL_FULL,
        120,
        QUERIES.filter((q) => q.name !== 'count-a'),
      );
      expect(r.counted).toEqual(['syscalls', 'instructions']);
      for (const q of r.queries) {
        expect(q.base!.instructions).toBeGreaterThan(1000);
        expect(q.verdict).toBe('same');
      }
    },
    120_000,
  );

  it('counts in a directory given relative to the working directory too', async () => {
    const r = await countTieBreak({
      base: { settings: WAL_FULL, file },
      arm: { settings: WAL_FULL, file },
      queries: QUERIES.filter((q) => q.name === 'insert'),
      calls: CALLS,
      tools: { ...tools, valgrind: null },
      dir: relative(process.cwd(), tmp.dir),
      budgetS: 8,
    });
    expect(r.queries[0]).toMatchObject({ verdict: 'same', base: { fsync: 1 } });
  }, 60_000);

  it('without strace nothing is counted and the reason says what to install', async () => {
    const r = await countTieBreak({
      base: { settings: WAL_FULL, file },
      arm: { settings: WAL_FULL, file },
      queries: QUERIES,
      calls: CALLS,
      tools: { strace: null, valgrind: null },
      dir: tmp.dir,
      budgetS: 5,
    });
    expect(r.verdict).toBe('not counted');
    expect(r.reason).toMatch(/strace not found/);
  });
});
