import { describe, expect, it } from 'vitest';
import { createRng } from '../../lib/rng.ts';
import { crashImages, SECTOR, type CutMode, type ImageFiles } from './image.ts';
import { encodeEvent, parseLog, type PlEvent } from './log.ts';

const page = (byte: number, n = 1024) => Buffer.alloc(n, byte);
let t = 0;
const ev = (e: Omit<PlEvent, 'tMs' | 'seq'>): PlEvent => ({ ...e, tMs: ++t, seq: t });

/** The image of every (k, mode) asked, by "k:mode". */
function images(initial: ImageFiles, events: PlEvent[], cuts: { k: number; mode: CutMode }[], seed = 1) {
  const out = new Map<string, ImageFiles>();
  crashImages(initial, events, cuts, createRng(seed), (c, f) => out.set(`${c.k}:${c.mode}`, f));
  return out;
}

const empty: ImageFiles = { 0: Buffer.alloc(0), 1: null, 2: null };

describe('crash images', () => {
  const log = [
    ev({ type: 'write', file: 0, offset: 0, data: page(1) }),
    ev({ type: 'sync', file: 0, offset: 0 }),
    ev({ type: 'write', file: 0, offset: 1024, data: page(2) }),
  ];

  it('keep what a sync made durable; of the writes after it, none, all, or a subset', () => {
    const im = images(empty, log, [
      { k: 1, mode: 'none' },
      { k: 3, mode: 'none' },
      { k: 3, mode: 'all' },
    ]);
    // Before the sync returned, the write may be lost.
    expect(im.get('1:none')![0]!.length).toBe(0);
    expect(im.get('3:none')![0]).toEqual(page(1));
    expect(im.get('3:all')![0]).toEqual(Buffer.concat([page(1), page(2)]));
  });

  it('a torn write keeps a prefix of its 512-byte sectors, never all of it', () => {
    for (let seed = 1; seed < 40; seed++) {
      const db = images(empty, log, [{ k: 3, mode: 'torn' }], seed).get('3:torn')![0]!;
      expect(db.subarray(0, 1024)).toEqual(page(1));
      const kept = db.length - 1024;
      expect(kept % SECTOR).toBe(0);
      expect(kept).toBeLessThan(1024);
    }
  });

  it('an unlink is metadata: lost at a cut until a later sync commits it, and the file keeps its durable bytes', () => {
    const j = [
      ev({ type: 'create', file: 2, offset: 0 }),
      ev({ type: 'write', file: 2, offset: 0, data: page(7, 512) }),
      ev({ type: 'sync', file: 2, offset: 0 }),
      ev({ type: 'unlink', file: 2, offset: 0 }),
      ev({ type: 'write', file: 0, offset: 0, data: page(3) }),
      ev({ type: 'sync', file: 0, offset: 0 }),
    ];
    const im = images(empty, j, [
      { k: 4, mode: 'none' },
      { k: 4, mode: 'all' },
      { k: 6, mode: 'none' },
    ]);
    // The journal's unlink not yet committed: a power cut brings the journal back (a hot journal).
    expect(im.get('4:none')![2]).toEqual(page(7, 512));
    expect(im.get('4:all')![2]).toBeNull();
    // The database's fsync committed the file system's journal, the unlink with it.
    expect(im.get('6:none')![2]).toBeNull();
    expect(im.get('6:none')![0]).toEqual(page(3));
  });

  it('a file created and written but never synced does not exist after a cut in mode none', () => {
    const w = [
      ev({ type: 'create', file: 1, offset: 0 }),
      ev({ type: 'write', file: 1, offset: 0, data: page(9, 32) }),
    ];
    const im = images(empty, w, [
      { k: 2, mode: 'none' },
      { k: 2, mode: 'all' },
    ]);
    expect(im.get('2:none')![1]).toBeNull();
    expect(im.get('2:all')![1]).toEqual(page(9, 32));
  });

  it('the log format round-trips, and a record cut short by the kill is dropped', () => {
    const bytes = Buffer.concat(log.map((e) => encodeEvent(e)));
    const back = parseLog(bytes);
    expect(back.map((e) => [e.type, e.file, e.offset, e.data?.length ?? 0])).toEqual([
      ['write', 0, 0, 1024],
      ['sync', 0, 0, 0],
      ['write', 0, 1024, 1024],
    ]);
    expect(parseLog(bytes.subarray(0, bytes.length - 10))).toHaveLength(2);
  });
});

describe('the recorder check', () => {
  it('replayDiffers names a change the log missed (the replay of every change must give the files on disk)', async () => {
    const { replayDiffers } = await import('./run.ts');
    const log = [ev({ type: 'write', file: 0, offset: 0, data: page(1) })];
    expect(replayDiffers(empty, log, { 0: page(1), 1: null, 2: null })).toBeUndefined();
    expect(replayDiffers(empty, log, { 0: Buffer.concat([page(1), page(2)]), 1: null, 2: null })).toBe(
      'database: 1024 bytes replayed, 2048 on disk',
    );
    expect(replayDiffers(empty, log, { 0: page(1), 1: page(3, 32), 2: null })).toBe(
      'database-wal: absent in the replay',
    );
  });
});

describe('metadata models', () => {
  it('under the synchronous model an unlink is durable the moment it returns: no journal comes back', () => {
    const j = [
      ev({ type: 'create', file: 2, offset: 0 }),
      ev({ type: 'write', file: 2, offset: 0, data: page(7, 512) }),
      ev({ type: 'sync', file: 2, offset: 0 }),
      ev({ type: 'unlink', file: 2, offset: 0 }),
    ];
    const out = new Map<string, ImageFiles>();
    crashImages(empty, j, [{ k: 4, mode: 'none' }], createRng(1), (c, f) => out.set(c.mode, f), 'synchronous');
    expect(out.get('none')![2]).toBeNull();
  });
});
