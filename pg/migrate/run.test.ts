import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { tempDir, tinyDb } from '../../test-support/temp-db.ts';
import { startCluster, type PgCluster } from '../cluster.ts';
import { migrate } from './run.ts';
import { buildAwkwardDb } from './awkward-fixture.ts';
import { runPgTests } from '../../test-support/pg.ts';

const tmp = tempDir('loadlab-migrate-run-');
const sha = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');

/** The awkward database (pg/migrate/awkward-fixture.ts), built by the sqlite3 CLI when installed. */
function awkward(name = 'awkward.sqlite'): string {
  const file = join(tmp.dir, name);
  buildAwkwardDb(file);
  return file;
}

describe.skipIf(!runPgTests())('migrate into a real PostgreSQL (a throwaway cluster)', () => {
  let cluster: PgCluster;
  let sql: postgres.Sql;
  beforeAll(async () => {
    cluster = await startCluster();
    sql = postgres(cluster.url, { max: 1, onnotice: () => {} });
  }, 120_000);
  afterAll(async () => {
    await sql?.end({ timeout: 5 });
    cluster?.stop();
    tmp.cleanup();
  });

  const fresh = async (name: string) => {
    await sql.unsafe(`CREATE DATABASE ${name}`);
    return cluster.url.replace(/\/postgres$/, `/${name}`);
  };

  it('carries awkward data over and verifies it equal; the SQLite file is untouched; the sequence continues', async () => {
    const file = awkward();
    const before = sha(file);
    const url = await fresh('awkward');
    const r = await migrate({ sqliteFile: file, url });
    expect(r.reason).toBeNull();
    expect(r.ok).toBe(true);
    expect(r.tables.map((t) => [t.table, t.sqliteRows, t.ok])).toEqual([
      ['people', 3, true],
      ['orders', 3, true],
    ]);
    expect(sha(file)).toBe(before);
    const db = postgres(url, { max: 1 });
    try {
      const [p] = await db`SELECT active, photo, note, mixed FROM people WHERE id = 1`;
      expect(p).toMatchObject({ active: true, mixed: '7' });
      expect(Buffer.from(p!.photo as Uint8Array).toString('hex')).toBe('0001ff');
      const [next] = await db`INSERT INTO orders (person_id) VALUES (1) RETURNING id`;
      expect(Number(next!.id)).toBe(4);
      await expect(db`INSERT INTO orders (person_id) VALUES (99)`).rejects.toThrow(/foreign key/);
    } finally {
      await db.end();
    }
  }, 120_000);

  it('a seeded fixture database verifies equal', async () => {
    const r = await migrate({ sqliteFile: tinyDb(tmp.dir, 'tuned'), url: await fresh('seeded') });
    expect(r.ok, r.reason ?? '').toBe(true);
    expect(r.tables.map((t) => t.table)).toEqual(['clients', 'campaigns', 'contents', 'audio_generations']);
  }, 120_000);

  it('a target that already has the tables, or a step PostgreSQL refuses, changes nothing', async () => {
    const url = await fresh('broken');
    const db = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await db`CREATE TABLE orders (id int)`;
      const clash = await migrate({ sqliteFile: awkward('awkward-2.sqlite'), url });
      expect(clash.ok).toBe(false);
      expect(clash.reason).toMatch(/already has orders: nothing was changed/);
      expect(
        (await db`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`).map(
          (r) => r.table_name,
        ),
      ).toEqual(['orders']);
      await db`DROP TABLE orders`;
      // An index PostgreSQL cannot build (glob() is SQLite's) fails after the data went in: all of it is rolled back.
      const file = join(tmp.dir, 'glob.sqlite');
      const s = new Database(file);
      s.exec(
        "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT); INSERT INTO t (x) VALUES ('a'); CREATE INDEX g ON t(x) WHERE glob('a*', x);",
      );
      s.close();
      const failed = await migrate({ sqliteFile: file, url });
      expect(failed.ok).toBe(false);
      expect(failed.reason).toMatch(/rolled back, the target is as it was/);
      expect(await db`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`).toHaveLength(0);
    } finally {
      await db.end();
    }
  }, 120_000);
});
