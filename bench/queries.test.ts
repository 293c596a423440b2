import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';
import { databaseChecksum, runQueriesBench, type QueriesBenchResult } from './queries.ts';
import { copyDatabase } from './workspace.ts';

const tmp = tempDir('loadlab-byo-');
afterAll(() => tmp.cleanup());

describe('bring your own database', () => {
  let userDb: string;
  let before: string;
  let after: string;
  let lateRowsInCopy: number;
  let result: QueriesBenchResult;

  beforeAll(async () => {
    // A WAL database with committed rows still in its -wal: the copy must carry them, the original must not change.
    userDb = tinyDb(tmp.dir, 'tuned', 0.002);
    const keepOpen = new Database(userDb);
    keepOpen.pragma('wal_autocheckpoint = 0');
    keepOpen
      .prepare(
        "INSERT INTO clients (name, email, plan, created_at) VALUES ('Late', 'late@example.test', 'pro', '2026-01-01 00:00:00')",
      )
      .run();
    const queriesFile = join(tmp.dir, 'queries.sql');
    writeFileSync(
      queriesFile,
      [
        '-- @name campaign',
        '-- @params [1]',
        '-- @params [2]',
        'SELECT * FROM campaigns WHERE id = ?;',
        '-- @name late-client',
        "SELECT count(*) FROM clients WHERE name = 'Late';",
        '-- @name add-client',
        '-- @params {"name": "X", "email": "x@example.test"}',
        "INSERT INTO clients (name, email, plan, created_at) VALUES (:name, :email, 'free', '2026-01-01 00:00:00');",
        '-- @name wipe',
        'DELETE FROM audio_generations;',
        '-- @name broken',
        'SELECT * FROM no_such_table;',
      ].join('\n'),
    );
    before = databaseChecksum(userDb);
    try {
      result = await runQueriesBench({ db: userDb, queries: queriesFile, timeMs: 15, dataDir: join(tmp.dir, 'data') });
      after = databaseChecksum(userDb);
      const copy = join(tmp.dir, 'copy.sqlite');
      copyDatabase(userDb, copy);
      const db = new Database(copy);
      lateRowsInCopy = (db.prepare("SELECT count(*) AS n FROM clients WHERE name = 'Late'").get() as { n: number }).n;
      db.close();
    } finally {
      keepOpen.close();
    }
  });

  it('never modifies the user’s file (checksum of the database and its -wal)', () => {
    expect(result.source.sha256).toBe(before);
    expect(after).toBe(before);
  });

  it('copies the committed rows still in the -wal', () => {
    expect(lateRowsInCopy).toBe(1);
  });

  it('measures every query under every profile, writes included', () => {
    const names = ['campaign', 'late-client', 'add-client', 'wipe', 'broken'];
    expect(result.records.map((r) => `${r.op}/${r.profile}`)).toEqual(
      names.flatMap((n) => ['untuned', 'tuned', 'consensus'].map((p) => `${n}/${p}`)),
    );
    for (const r of result.records.filter((x) => x.op !== 'broken'))
      expect(r.status, `${r.op}/${r.profile}: ${r.reason}`).toBe('ok');
    expect(result.records.filter((r) => r.writes).map((r) => r.op)).toEqual([
      'add-client',
      'add-client',
      'add-client',
      'wipe',
      'wipe',
      'wipe',
    ]);
  });

  it('turns a query that cannot run into a failed record with the reason', () => {
    const broken = result.records.filter((r) => r.op === 'broken');
    expect(broken.every((r) => r.status === 'failed' && /no such table: no_such_table/.test(r.reason ?? ''))).toBe(
      true,
    );
  });

  it('applies each profile’s PRAGMAs to the copy and records the plan', () => {
    const campaign = result.records.filter((r) => r.op === 'campaign');
    expect(campaign.map((r) => r.effective.journal_mode)).toEqual(['delete', 'wal', 'wal']);
    expect(campaign[0]!.plan).toContain('USING INTEGER PRIMARY KEY');
  });
});
