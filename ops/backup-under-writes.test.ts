import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from '../test-support/temp-dir.ts';
import { backupDatabase, type BackupMethod } from './backup.ts';
import { restoreDatabase } from './restore.ts';
import { plainDb } from '../test-support/ops-files.ts';

const tmp = tempDir('loadlab-backup-live-');
afterAll(() => tmp.cleanup());
const WRITER = fileURLToPath(new URL('../test-support/writer-child.ts', import.meta.url));
const SQLITE3 = spawnSync('sh', ['-c', 'command -v sqlite3'], { encoding: 'utf8' }).stdout.trim();

/** Starts the writer process and resolves once it has committed its first pair. */
function startWriter(db: string, pauseMs: number) {
  const child = spawn(process.execPath, ['--import', 'tsx', WRITER, db, '15000', String(pauseMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('ready\n')) resolve();
    });
    void exited.then(() => reject(new Error(`writer exited early: ${err}`)));
  });
  const stop = async () => {
    child.kill('SIGTERM');
    const code = await exited;
    return { code, rows: Number(/rows (\d+)/.exec(out)?.[1] ?? NaN) };
  };
  return { ready, stop };
}

const counts = (file: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return ['pairs_a', 'pairs_b'].map((t) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n);
  } finally {
    db.close();
  }
};

describe('backup while another process writes continuously', () => {
  it.each<[string, BackupMethod, boolean]>([
    ['wal', 'api', false],
    ['wal', 'vacuum-into', true],
    ['delete', 'api', true],
  ])(
    '%s source, %s (gzip %s): consistent, integrity_check ok (also sqlite3 CLI), restores to the same counts',
    async (journalMode, method, gzip) => {
      const db = plainDb(tmp.dir, {
        journalMode: journalMode as 'wal' | 'delete',
        name: `live-${journalMode}-${method}.db`,
        events: 3000,
      });
      const setup = new Database(db);
      setup.exec(
        'CREATE TABLE pairs_a (id INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE TABLE pairs_b (id INTEGER PRIMARY KEY, v TEXT NOT NULL);',
      );
      setup.close();
      // Rollback-journal readers need a gap between commits to take their lock; WAL readers do not.
      const writer = startWriter(db, journalMode === 'wal' ? 0 : 5);
      let backup;
      try {
        await writer.ready;
        await new Promise((r) => setTimeout(r, 200));
        backup = await backupDatabase({ db, dir: join(tmp.dir, `backups-${journalMode}-${method}`), method, gzip });
      } finally {
        const { code, rows } = await writer.stop();
        expect(code).toBe(0);
        expect(rows).toBeGreaterThan(0);
      }
      expect(backup.status).toBe('ok');
      expect(backup.verification.integrity).toEqual(['ok']);
      const a = backup.verification.tables.pairs_a!;
      // A point-in-time snapshot: both halves of every pair, taken while writes were going on.
      expect(a).toBeGreaterThan(0);
      expect(backup.verification.tables.pairs_b).toBe(a);
      expect(counts(db)[0]).toBeGreaterThan(a);

      const target = join(tmp.dir, `restored-${journalMode}-${method}.db`);
      const restored = await restoreDatabase({ backup: backup.file!, target });
      expect(restored.status).toBe('ok');
      expect(counts(target)).toEqual([a, a]);
      expect(restored.verification.tables).toEqual(backup.verification.tables);

      if (!SQLITE3) {
        console.warn('sqlite3 CLI not found on PATH: skipping the cross-check with the sqlite3 shell');
        return;
      }
      const cli = spawnSync(SQLITE3, ['-readonly', target, 'PRAGMA integrity_check;'], { encoding: 'utf8' });
      expect(cli.stdout.trim()).toBe('ok');
    },
  );
});
