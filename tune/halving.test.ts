import { describe, expect, it } from 'vitest';
import { PLAIN_OPEN } from '../test-support/tune.ts';
import { scoreConfigs, successiveHalving } from './halving.ts';
import { searchSpace, settingsKey, type Settings } from './space.ts';

const current = PLAIN_OPEN;

/** A fake clock that advances by the task time of each measurement. */
function fakeWorld(best: string, failing?: string) {
  let t = 0;
  const measure = async (s: Settings, taskMs: number) => {
    t += taskMs * 2;
    const key = settingsKey(s);
    if (key === failing) return { error: 'SQLite did not keep mmap_size' };
    // Each configuration's time: 100 µs, the best one 50 µs, with a small deterministic wobble.
    const base = key === best ? 50 : 100 + (key.length % 7);
    return new Map([
      ['q1', base],
      ['q2', base * 2],
    ]);
  };
  return { measure, now: () => t };
}

describe('successive halving ranks configurations within its budget', () => {
  const space = searchSpace('normal', current);

  it('finds the fastest configuration, keeping a third per rung', async () => {
    const best = settingsKey(space[17]!);
    const w = fakeWorld(best);
    const r = await successiveHalving(space, w.measure, { budgetS: 600, now: w.now, costS: (t) => (2 * t) / 1000 });
    expect(settingsKey(r.ranking[0]!)).toBe(best);
    expect(r.rungs.length).toBeGreaterThan(1);
    expect(r.rungs[1]!.measured).toBe(Math.ceil(space.length / 3));
    expect(r.ranking.length).toBeLessThanOrEqual(3);
    expect(r.cutShort).toBe(false);
    // Later rungs give each task more time.
    expect(r.rungs[1]!.taskMs).toBeGreaterThan(r.rungs[0]!.taskMs);
  });

  it('a configuration SQLite refuses is listed as failed and ranked nowhere', async () => {
    const failing = settingsKey(space[3]!);
    const w = fakeWorld(settingsKey(space[0]!), failing);
    const r = await successiveHalving(space, w.measure, { budgetS: 600, now: w.now, costS: (t) => (2 * t) / 1000 });
    expect(r.failed).toEqual([{ key: failing, error: 'SQLite did not keep mmap_size' }]);
    expect(r.rungs[0]!.scores.some((s) => s.key === failing)).toBe(false);
  });

  it('stops when the budget cannot pay for another rung, and says so', async () => {
    const w = fakeWorld(settingsKey(space[0]!));
    const r = await successiveHalving(space, w.measure, { budgetS: 0.05, now: w.now, costS: (t) => (2 * t) / 1000 });
    expect(r.cutShort).toBe(true);
    expect(r.rungs).toHaveLength(0);
  });

  it('scores by the geometric mean of time over the fastest, per query', () => {
    const s = scoreConfigs(
      new Map([
        [
          'a',
          new Map([
            ['q1', 10],
            ['q2', 40],
          ]),
        ],
        [
          'b',
          new Map([
            ['q1', 20],
            ['q2', 20],
          ]),
        ],
      ]),
    );
    expect(s.get('a')).toBeCloseTo(Math.sqrt(1 * 2), 9);
    expect(s.get('b')).toBeCloseTo(Math.sqrt(2 * 1), 9);
  });
});
