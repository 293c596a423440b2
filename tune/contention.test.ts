import Database from 'better-sqlite3';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQueriesFile } from '../db/queries-file.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { PLAIN_OPEN } from '../test-support/tune.ts';
import { BUSY_TIMEOUTS, chooseBusyTimeout, measureContention, type ContentionValue } from './contention.ts';

const value = (busyTimeoutMs: number, busyShare: number, o: Partial<ContentionValue> = {}): ContentionValue => ({
  busyTimeoutMs,
  writesPerS: 100,
  writeCalls: 100,
  busyShare,
  readBusy: 0,
  readCalls: 10,
  otherErrors: 0,
  p99Ms: 1,
  maxMs: 2,
  ...o,
});

describe('the busy_timeout the fragment sets (pure)', () => {
  it('the smallest value with no refusal; the fragment keeps 5000 ms unless more was needed', () => {
    expect(chooseBusyTimeout([value(0, 0.5), value(10, 0.01), value(100, 0), value(5000, 0)])).toEqual({
      smallestClean: 100,
      recommendedMs: 5000,
    });
    // A read refused, another error, or nothing written is not clean.
    expect(
      chooseBusyTimeout([value(100, 0, { readBusy: 1 }), value(1000, 0, { otherErrors: 1 }), value(5000, 0)]),
    ).toEqual({ smallestClean: 5000, recommendedMs: 5000 });
    expect(chooseBusyTimeout([value(5000, 0.02), value(10_000, 0)])).toEqual({
      smallestClean: 10_000,
      recommendedMs: 10_000,
    });
    expect(chooseBusyTimeout([value(0, 0, { writeCalls: 0 }), value(5000, 0.1)])).toEqual({
      smallestClean: null,
      recommendedMs: 5000,
    });
  });
});

describe('contention on a real file: four connections writing at once', () => {
  const tmp = tempDir('loadlab-tune-contention-');
  const file = join(tmp.dir, 'app.sqlite');
  let k = 0;
  const queries = parseQueriesFile(`-- @name add
-- @params [1, "a"]
-- @params [2, "b"]
INSERT INTO notes (owner, body) VALUES (?, ?);
-- @name of-owner
-- @params [1]
SELECT count(*) FROM notes WHERE owner = ?;
`);
  beforeAll(() => {
    const db = new Database(file);
    db.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, owner INTEGER NOT NULL, body TEXT NOT NULL)');
    db.close();
  });
  afterAll(() => tmp.cleanup());

  it('rollback journal, synchronous FULL: with 0 ms SQLite refuses writes; with 5000 ms none', async () => {
    const r = await measureContention({
      freshCopy: () => {
        const f = join(tmp.dir, `c${k++}.sqlite`);
        copyFileSync(file, f);
        return f;
      },
      release: (f) => rmSync(f, { force: true }),
      settings: PLAIN_OPEN,
      queries,
      writing: new Set(['add']),
      durationS: 0.4,
    });
    expect(r.error).toBeUndefined();
    expect(r.values.map((v) => v.busyTimeoutMs)).toEqual([...BUSY_TIMEOUTS]);
    const at = (ms: number) => r.values.find((v) => v.busyTimeoutMs === ms)!;
    expect(at(0).busyShare).toBeGreaterThan(0.05);
    expect(at(5000)).toMatchObject({ busyShare: 0, readBusy: 0, otherErrors: 0 });
    expect(at(5000).writeCalls).toBeGreaterThan(10);
    expect(r.readers).toBe(1);
    expect(r.smallestClean).not.toBeNull();
    expect(r.recommendedMs).toBe(5000);
  }, 30_000);

  it('no writing query: nothing to measure, said so', async () => {
    const r = await measureContention({
      freshCopy: () => file,
      settings: PLAIN_OPEN,
      queries,
      writing: new Set(),
      durationS: 0.2,
    });
    expect(r).toMatchObject({ error: 'no query writes', values: [], recommendedMs: 5000 });
  });
});
