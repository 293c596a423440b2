import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../test-support/temp-dir.ts';
import { UsageError } from '../lib/errors.ts';
import { backupDatabase } from './backup.ts';
import { restoreDatabase } from './restore.ts';
import { fileChecksum, plainDb } from '../test-support/ops-files.ts';

const tmp = tempDir('loadlab-restore-');
afterAll(() => tmp.cleanup());

async function gzBackup(name: string, events: number) {
  const db = plainDb(tmp.dir, { journalMode: 'wal', name, events });
  const r = await backupDatabase({ db, dir: join(tmp.dir, 'b'), gzip: true });
  return r.file!;
}

const eventCount = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('restoreDatabase', () => {
  it('decompresses, verifies and creates the target', async () => {
    const backup = await gzBackup('a.db', 300);
    const target = join(tmp.dir, 'new.db');
    const r = await restoreDatabase({ backup, target });
    expect(r).toMatchObject({ status: 'ok', compressed: true, replaced: false });
    expect(eventCount(target)).toBe(300);
    expect(readdirSync(tmp.dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('refuses an existing target without --force and leaves it untouched', async () => {
    const backup = await gzBackup('b.db', 10);
    const target = plainDb(tmp.dir, { name: 'keep.db', events: 5 });
    const before = fileChecksum(target);
    await expect(restoreDatabase({ backup, target })).rejects.toThrow(/target exists: .*--force/);
    expect(fileChecksum(target)).toBe(before);
  });

  it('--force replaces the target; no -wal/-shm of the old file survives', async () => {
    const backup = await gzBackup('c.db', 42);
    const target = plainDb(tmp.dir, { name: 'stale.db', events: 5 });
    writeFileSync(`${target}-wal`, 'stale wal of the old file');
    writeFileSync(`${target}-shm`, 'stale shm');
    const r = await restoreDatabase({ backup, target, force: true });
    expect(r).toMatchObject({ status: 'ok', replaced: true });
    expect(existsSync(`${target}-wal`) || existsSync(`${target}-shm`)).toBe(false);
    expect(eventCount(target)).toBe(42);
  });

  it('removes stale -wal/-shm left without their database before the new file appears', async () => {
    const backup = await gzBackup('c2.db', 8);
    const target = join(tmp.dir, 'orphan.db');
    writeFileSync(`${target}-wal`, 'a WAL whose database was deleted');
    writeFileSync(`${target}-shm`, 'stale shm');
    const r = await restoreDatabase({ backup, target });
    expect(r).toMatchObject({ status: 'ok', replaced: false, removedSidecars: [`${target}-wal`, `${target}-shm`] });
    expect(eventCount(target)).toBe(8);
  });

  it('a backup that fails verification leaves the target as it was', async () => {
    const backup = await gzBackup('d.db', 10);
    const target = plainDb(tmp.dir, { name: 'intact.db', events: 7 });
    const before = fileChecksum(target);
    const r = await restoreDatabase({
      backup,
      target,
      force: true,
      verify: () => ({
        ok: false,
        integrity: ['row 3 missing from index'],
        tables: {},
        pageCount: 0,
        pageSize: 0,
        journalMode: 'delete',
      }),
    });
    expect(r).toMatchObject({ status: 'failed', replaced: false });
    expect(fileChecksum(target)).toBe(before);
    expect(readdirSync(tmp.dir).filter((n) => n.includes('.tmp-'))).toEqual([]);
  });

  it('a file that is neither SQLite nor gzip, a corrupt gzip, or a missing directory are UsageErrors', async () => {
    const text = join(tmp.dir, 'notes.txt');
    writeFileSync(text, 'not a database at all, just text');
    await expect(restoreDatabase({ backup: text, target: join(tmp.dir, 'x.db') })).rejects.toThrow(UsageError);
    const badGz = join(tmp.dir, 'bad.sqlite.gz');
    writeFileSync(badGz, Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4]));
    await expect(restoreDatabase({ backup: badGz, target: join(tmp.dir, 'y.db') })).rejects.toThrow(
      /cannot decompress/,
    );
    expect(existsSync(join(tmp.dir, 'y.db'))).toBe(false);
    const backup = await gzBackup('e.db', 1);
    await expect(restoreDatabase({ backup, target: join(tmp.dir, 'nodir', 'z.db') })).rejects.toThrow(
      /target directory not found/,
    );
  });

  it('refuses a live database (non-empty -wal) as a backup, and a backup restored onto itself', async () => {
    const live = plainDb(tmp.dir, { journalMode: 'wal', name: 'live.db', events: 5 });
    const writer = new Database(live);
    writer.pragma('wal_autocheckpoint = 0');
    writer.exec("INSERT INTO settings VALUES ('k', 'v')");
    try {
      await expect(restoreDatabase({ backup: live, target: join(tmp.dir, 'copy.db') })).rejects.toThrow(
        /non-empty -wal: it is a live database/,
      );
    } finally {
      writer.close();
    }
    await expect(restoreDatabase({ backup: live, target: live, force: true })).rejects.toThrow(/same file/);
  });

  it('refuses to replace a target another process is writing', async () => {
    const backup = await gzBackup('f.db', 3);
    const target = plainDb(tmp.dir, { name: 'busy.db', events: 3 });
    const holder = new Database(target);
    holder.exec('BEGIN IMMEDIATE');
    try {
      await expect(restoreDatabase({ backup, target, force: true })).rejects.toThrow(/database is locked/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(eventCount(target)).toBe(3);
  });
});
