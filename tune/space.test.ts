import { describe, expect, it } from 'vitest';
import { PLAIN_OPEN } from '../test-support/tune.ts';
import { meetsDurability, reducedSpace, searchSpace, settingsKey, withDimension, type Settings } from './space.ts';

const current = PLAIN_OPEN;

describe('the durability the user asks for bounds the search', () => {
  it('full: WAL needs synchronous FULL and a rollback journal EXTRA', () => {
    expect(meetsDurability({ journal_mode: 'wal', synchronous: 2 }, 'full')).toBe(true);
    expect(meetsDurability({ journal_mode: 'wal', synchronous: 1 }, 'full')).toBe(false);
    expect(meetsDurability({ journal_mode: 'delete', synchronous: 2 }, 'full')).toBe(false);
    expect(meetsDurability({ journal_mode: 'delete', synchronous: 3 }, 'full')).toBe(true);
  });

  it('normal: WAL with NORMAL is allowed, a rollback journal with NORMAL is not', () => {
    expect(meetsDurability({ journal_mode: 'wal', synchronous: 1 }, 'normal')).toBe(true);
    expect(meetsDurability({ journal_mode: 'delete', synchronous: 1 }, 'normal')).toBe(false);
    expect(meetsDurability({ journal_mode: 'wal', synchronous: 0 }, 'normal')).toBe(false);
  });

  it('no configuration of the space breaks the rule, and off allows synchronous OFF', () => {
    for (const d of ['full', 'normal', 'off'] as const) {
      const space = searchSpace(d, current);
      expect(space.length).toBeGreaterThan(0);
      expect(space.every((s) => meetsDurability(s, d))).toBe(true);
      expect(new Set(space.map(settingsKey)).size).toBe(space.length);
    }
    expect(searchSpace('off', current).some((s) => s.synchronous === 0)).toBe(true);
    expect(searchSpace('normal', current).some((s) => s.synchronous === 0)).toBe(false);
  });

  it("keeps the user's own page size and cache among the values tried", () => {
    const odd = { ...current, page_size: 1024, cache_size: -3000 };
    const space = searchSpace('normal', odd);
    expect(space.some((s) => s.page_size === 1024)).toBe(true);
    expect(space.some((s) => s.cache_size === -3000)).toBe(true);
  });

  it('moves journal_mode and synchronous together as one setting', () => {
    const leader: Settings = { ...current, journal_mode: 'wal', synchronous: 1, cache_size: -64000 };
    expect(withDimension(leader, 'journal', current)).toEqual({ ...leader, journal_mode: 'delete', synchronous: 2 });
    expect(withDimension(leader, 'cache_size', current)).toEqual({ ...leader, cache_size: -16000 });
  });

  it('a small budget varies one setting at a time, every value still inside the durability', () => {
    const small = reducedSpace('normal', current);
    expect(small.length).toBeLessThan(searchSpace('normal', current).length / 5);
    expect(small.every((s) => meetsDurability(s, 'normal'))).toBe(true);
    for (const v of [4096, 8192, 16384]) expect(small.some((s) => s.page_size === v)).toBe(true);
    for (const v of [0, 268_435_456]) expect(small.some((s) => s.mmap_size === v)).toBe(true);
  });
});
