import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../test-support/temp-dir.ts';
import { backupDatabase, type BackupMethod } from './backup.ts';
import { isGzipFile } from './durable.ts';
import { fileChecksum, plainDb } from '../test-support/ops-files.ts';

const tmp = tempDir('loadlab-backup-');
afterAll(() => tmp.cleanup());

const countEvents = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare('SELECT count(*) AS n FROM events').get() as { n: number }).n;
  } finally {
    db.close();
  }
};

describe('backupDatabase', () => {
  it.each<[BackupMethod, boolean]>([
    ['api', false],
    ['vacuum-into', false],
    ['api', true],
  ])('%s (gzip %s): a verified, timestamped copy and nothing else left in the directory', async (method, gzip) => {
    const db = plainDb(tmp.dir, { journalMode: 'wal', name: `src-${method}-${gzip}.db`, events: 700 });
    const dir = join(tmp.dir, `out-${method}-${gzip}`);
    const before = fileChecksum(db);
    const r = await backupDatabase({ db, dir, method, gzip, now: () => new Date('2026-11-26T03:30:00.000Z') });
    expect(r.status).toBe('ok');
    expect(r.file).toBe(join(dir, `src-${method}-${gzip}-20261126T033000.000Z.sqlite${gzip ? '.gz' : ''}`));
    expect(readdirSync(dir)).toEqual([`src-${method}-${gzip}-20261126T033000.000Z.sqlite${gzip ? '.gz' : ''}`]);
    expect(isGzipFile(r.file!)).toBe(gzip);
    expect(r.verification).toMatchObject({ ok: true, integrity: ['ok'], journalMode: 'wal' });
    expect(r.verification.tables).toMatchObject({ events: 700, customers: 50 });
    expect(fileChecksum(db)).toBe(before);
    if (!gzip) expect(countEvents(r.file!)).toBe(700);
  });

  it('a copy that fails verification is not kept and retention does not run', async () => {
    const db = plainDb(tmp.dir, { name: 'failing.db', events: 10 });
    const dir = join(tmp.dir, 'out-failing');
    mkdirSync(dir);
    const old = join(dir, 'failing-20200101T000000.000Z.sqlite');
    writeFileSync(old, 'an old backup');
    const r = await backupDatabase({
      db,
      dir,
      retention: { keep: 1, maxAgeDays: 1 },
      verify: () => ({
        ok: false,
        integrity: ['*** in database main ***', 'Page 3: btreeInitPage() returns error code 11'],
        tables: {},
        pageCount: 0,
        pageSize: 0,
        journalMode: 'delete',
      }),
    });
    expect(r).toMatchObject({ status: 'failed', reason: expect.stringMatching(/integrity_check failed/) });
    expect(r.file).toBeUndefined();
    expect(r.retention).toBeUndefined();
    expect(readdirSync(dir)).toEqual(['failing-20200101T000000.000Z.sqlite']);
  });

  it('--keep 3 after 5 backups leaves exactly the 3 newest; foreign files are untouched', async () => {
    const db = plainDb(tmp.dir, { name: 'shop.db', events: 20 });
    const dir = join(tmp.dir, 'out-retention');
    mkdirSync(dir);
    const foreign = [
      'notes.txt',
      'shop.db',
      'shop-latest.sqlite',
      'other-20200101T000000.000Z.sqlite',
      'shop-20200101T000000.000Z.sqlite.bak',
      '.shop-20200101T000000.000Z.sqlite.tmp-1-x',
    ];
    for (const f of foreign) writeFileSync(join(dir, f), 'not mine');
    const names: string[] = [];
    for (let day = 1; day <= 5; day++) {
      const r = await backupDatabase({
        db,
        dir,
        gzip: day % 2 === 0,
        retention: { keep: 3 },
        now: () => new Date(`2026-11-0${day}T02:00:00.000Z`),
      });
      expect(r.status).toBe('ok');
      names.push(r.file!.slice(dir.length + 1));
    }
    expect(readdirSync(dir).sort()).toEqual([...foreign, ...names.slice(2)].sort());
  });

  it('--max-age deletes only backups older than the limit', async () => {
    const db = plainDb(tmp.dir, { name: 'aged.db', events: 5 });
    const dir = join(tmp.dir, 'out-aged');
    for (const day of [1, 5, 9])
      await backupDatabase({ db, dir, now: () => new Date(`2026-11-0${day}T00:00:00.000Z`) });
    const r = await backupDatabase({
      db,
      dir,
      retention: { maxAgeDays: 7 },
      now: () => new Date('2026-11-10T00:00:00.000Z'),
    });
    expect(r.retention!.deleted.map((d) => d.name)).toEqual(['aged-20261101T000000.000Z.sqlite']);
    expect(readdirSync(dir)).toHaveLength(3);
  });
});
