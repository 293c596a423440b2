import Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN } from '../../lib/server-process.ts';
import { tempDir, tinyDb } from '../../test-support/temp-db.ts';
import { fileChecksum, plainDb } from '../../test-support/ops-files.ts';
import { main } from '../cli.ts';

const tmp = tempDir('loadlab-ops-cli-');
afterAll(() => tmp.cleanup());

function loadlab(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The CLI in this process (same path as bin/loadlab.js, without a process start per case). */
async function inProcess(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

function expectUsageError(r: { code: number | null; stderr: string }, message: RegExp) {
  expect(r.code).toBe(2);
  expect(r.stderr).toMatch(/^error: /);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
}

describe('ops commands on a database built with plain SQL', () => {
  it('info, explain and optimize --dry-run never write; optimize, backup, restore and maintain work', () => {
    const db = plainDb(tmp.dir, { journalMode: 'wal', name: 'app.db', events: 1500 });
    const sum = fileChecksum(db);
    const info = loadlab('info', db, '--json');
    expect(info.code).toBe(0);
    expect(JSON.parse(info.stdout).tables.find((t: { name: string }) => t.name === 'events')).toMatchObject({
      rows: 1500,
      indexes: [],
    });
    expect(loadlab('info', db).stdout).toMatch(/quick_check\s+ok/);
    const explain = loadlab(
      'explain',
      db,
      '--sql',
      'SELECT * FROM events WHERE kind = ?',
      '--params',
      '["buy"]',
      '--fail-on-scan',
    );
    expect(explain.code).toBe(1);
    expect(explain.stdout).toMatch(/! full table scan of events \(1500 rows\)/);
    expect(loadlab('optimize', db, '--profile', 'consensus', '--dry-run').code).toBe(0);
    expect(fileChecksum(db)).toBe(sum);
    expect(readdirSync(tmp.dir).filter((n) => n.startsWith('app.db'))).toEqual(['app.db']);

    const optimize = loadlab('optimize', db, '--profile', 'consensus');
    expect(optimize.code).toBe(0);
    expect(optimize.stdout).toMatch(/table campaigns does not exist in this database/);
    expect(optimize.stdout).toContain('db.pragma("journal_size_limit = 67108864");');

    const dir = join(tmp.dir, 'backups');
    for (let i = 0; i < 3; i++) expect(loadlab('backup', db, '--dir', dir, '--gzip', '--keep', '2').code).toBe(0);
    const backups = readdirSync(dir).sort();
    expect(backups).toHaveLength(2);
    const restore = loadlab('restore', join(dir, backups[1]!), join(tmp.dir, 'restored.db'));
    expect(restore.code).toBe(0);
    expect(restore.stdout).toMatch(/events=1500/);

    const db2 = new Database(db);
    db2.exec('DELETE FROM events WHERE id <= 750');
    db2.close();
    const maintain = loadlab('maintain', db, '--vacuum', '--checkpoint', '--analyze', '--json');
    expect(maintain.code).toBe(0);
    const vacuum = JSON.parse(maintain.stdout).steps.find((s: { step: string }) => s.step === 'vacuum');
    expect(vacuum.space.actualBytes).toBeGreaterThan(0);
  });
});

describe('explain --fail-on-scan as an index gate', () => {
  it('exits 1 on a scan of an unindexed large table and 0 after optimize created the index', () => {
    const db = tinyDb(tmp.dir, 'untuned', 0.02);
    const gate = ['explain', db, '--queries', 'ops/fixture-queries.sql', '--min-rows', '500', '--fail-on-scan'];
    const before = loadlab(...gate);
    expect(before.code).toBe(1);
    expect(before.stdout).toMatch(/gate FAILED/);
    expect(loadlab('optimize', db, '--profile', 'tuned').code).toBe(0);
    const after = loadlab(...gate);
    expect(after.stdout).toMatch(/no flagged scan/);
    expect(after.code).toBe(0);
  });
});

describe('bad input: one line, exit 2, nothing half-written', () => {
  it('missing files, non-SQLite files, directories and bad flags', async () => {
    const text = join(tmp.dir, 'notes.txt');
    writeFileSync(text, 'plain text, definitely not SQLite');
    // One spawned process to show the real binary behaves the same.
    expectUsageError(loadlab('backup', text, '--dir', join(tmp.dir, 'never')), /not an SQLite database/);
    for (const cmd of ['info', 'explain', 'optimize', 'maintain', 'backup']) {
      const extra = {
        info: [],
        explain: ['--sql', 'SELECT 1'],
        optimize: ['--profile', 'tuned'],
        maintain: ['--vacuum'],
        backup: ['--dir', join(tmp.dir, 'never')],
      }[cmd]!;
      expectUsageError(await inProcess(cmd, join(tmp.dir, 'missing.db'), ...extra), /database not found/);
      expectUsageError(await inProcess(cmd, text, ...extra), /not an SQLite database/);
      expectUsageError(await inProcess(cmd, tmp.dir, ...extra), /not a regular file/);
    }
    expect(existsSync(join(tmp.dir, 'never'))).toBe(false);
    const db = plainDb(tmp.dir, { name: 'flags.db', events: 10 });
    expectUsageError(await inProcess('backup', db), /--dir is required/);
    expectUsageError(await inProcess('backup', db, '--dir', text), /not a directory/);
    expectUsageError(
      await inProcess('backup', db, '--dir', join(tmp.dir, 'b'), '--keep', '0'),
      /--keep must be at least 1/,
    );
    expectUsageError(
      await inProcess('backup', db, '--dir', join(tmp.dir, 'b'), '--method', 'copy'),
      /--method must be one of/,
    );
    expectUsageError(await inProcess('explain', db), /exactly one of --sql or --queries/);
    expectUsageError(await inProcess('explain', db, '--sql', 'SELECT * FROM nope'), /no such table: nope/);
    expectUsageError(await inProcess('explain', db, '--queries', join(tmp.dir, 'none.sql')), /queries file not found/);
    expectUsageError(await inProcess('maintain', db), /nothing to do/);
    expectUsageError(await inProcess('restore', text, join(tmp.dir, 'r.db')), /not an SQLite database/);
    expectUsageError(await inProcess('restore', db, db), /same file/);
    expectUsageError(
      await inProcess('restore', db, plainDb(tmp.dir, { name: 'other.db', events: 1 })),
      /target exists: .*--force/,
    );
  });

  it('a locked database: one line, exit 2, no backup file and no temp file left', () => {
    const db = plainDb(tmp.dir, { name: 'locked.db', events: 10 });
    const dir = join(tmp.dir, 'locked-backups');
    mkdirSync(dir);
    const holder = new Database(db);
    holder.exec('BEGIN EXCLUSIVE');
    try {
      expectUsageError(loadlab('backup', db, '--dir', dir, '--busy-timeout', '100'), /database is locked/);
      expectUsageError(loadlab('maintain', db, '--vacuum', '--busy-timeout', '100'), /database is locked/);
      expectUsageError(loadlab('info', db), /database is locked/);
    } finally {
      holder.exec('ROLLBACK');
      holder.close();
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});
