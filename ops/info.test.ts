import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { tempDir } from '../test-support/temp-dir.ts';
import { UsageError } from '../lib/errors.ts';
import { collectInfo } from './info.ts';
import { fileChecksum, plainDb } from '../test-support/ops-files.ts';

const tmp = tempDir('loadlab-info-');
afterAll(() => tmp.cleanup());

describe('collectInfo on a database built with plain SQL', () => {
  it.each(['delete', 'wal'] as const)('describes a %s-mode file and never writes to it', (journalMode) => {
    const file = plainDb(tmp.dir, { journalMode, name: `info-${journalMode}.db`, events: 1500 });
    const before = fileChecksum(file);
    const info = collectInfo(file);
    expect(fileChecksum(file)).toBe(before);
    // A read-only WAL connection creates -wal/-shm; they are tidied by SQLite itself afterwards.
    expect(existsSync(`${file}-wal`) || existsSync(`${file}-shm`)).toBe(false);

    expect(info.journalMode).toBe(journalMode);
    expect(info.quickCheckOk).toBe(true);
    expect(info.pageSize * info.pageCount).toBe(info.bytes);
    const byName = Object.fromEntries(info.tables.map((t) => [t.name, t]));
    expect(byName.events).toMatchObject({ rows: 1500, indexes: [] });
    expect(byName.customers!.indexes.map((i) => i.name)).toContain('customers_country');
    expect(byName['odd "name" table']!.rows).toBe(1);
    expect(info.views).toEqual(['recent_events']);
  });

  it('reports free pages after a delete', () => {
    const file = plainDb(tmp.dir, { name: 'info-free.db', events: 3000 });
    const db = new Database(file);
    db.exec('DELETE FROM events WHERE id <= 1500');
    db.close();
    const info = collectInfo(file);
    expect(info.freelistCount).toBeGreaterThan(0);
    expect(info.freeBytes).toBe(info.freelistCount * info.pageSize);
  });

  it('a database another process has locked is a one-line UsageError, not a hang', () => {
    const file = plainDb(tmp.dir, { name: 'info-locked.db', events: 10 });
    const holder = new Database(file);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      const err = (() => {
        try {
          collectInfo(file);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toBe(
        `database is locked: ${file} (another process holds a lock; retry when it is idle)`,
      );
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
  });
});
