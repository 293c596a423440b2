import { ensureDir } from '../lib/ensure-dir.ts';
import Database from 'better-sqlite3';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempSibling } from '../lib/atomic-write.ts';
import { UsageError } from '../lib/errors.ts';
import { existingSqliteFile } from '../lib/files.ts';
import { backupFileName, backupStem } from './backup-names.ts';
import { fsyncDir, fsyncFile, gzipFile } from './durable.ts';
import { applyRetention, type RetentionPlan, type RetentionPolicy } from './retention.ts';
import { asUsageError, guard, guardAsync, openReadOnly } from './sqlite-access.ts';
import { verifySqliteFile, type Verification } from './verify.ts';

export type BackupMethod = 'api' | 'vacuum-into';
export const BACKUP_METHODS: BackupMethod[] = ['api', 'vacuum-into'];

export interface BackupOptions {
  db: string;
  dir: string;
  method?: BackupMethod;
  gzip?: boolean;
  retention?: RetentionPolicy;
  /** How long to wait for a lock on the source (a rollback-journal database being written). */
  busyTimeoutMs?: number;
  /** Clock, for tests. */
  now?: () => Date;
  /** The check a copy must pass before it counts (tests inject a failing one). */
  verify?: (file: string) => Verification;
}

export const BACKUP_DEFAULTS = { method: 'api' as BackupMethod, gzip: false, busyTimeoutMs: 5000 };

export interface BackupResult {
  status: 'ok' | 'failed';
  reason?: string;
  source: string;
  method: BackupMethod;
  /** The final file; absent when the backup failed (nothing is left behind). */
  file?: string;
  gzip: boolean;
  /** Size of the SQLite copy, and of the final file (compressed when gzip). */
  sqliteBytes: number;
  bytes: number;
  /** When the snapshot was taken (start of the copy). */
  takenAt: string;
  ms: { copy: number; verify: number; compress: number; total: number };
  verification: Verification;
  /** What retention kept and deleted; absent when no policy was given or the backup failed. */
  retention?: RetentionPlan;
}

/** Copies with the online backup API in one step: one read transaction, so a consistent snapshot that never restarts. */
async function copyWithApi(db: Database.Database, dest: string): Promise<void> {
  // better-sqlite3 steps 100 pages at a time by default; a writer from another process
  // between steps restarts the copy, forever under steady writes. One step holds one
  // read transaction (WAL writers are not blocked) and yields a point-in-time copy.
  await db.backup(dest, { progress: () => 0x7fffffff });
}

function setWal(file: string): void {
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
}

function prepareDir(dir: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory())
    throw new UsageError(`backup directory is not a directory: ${dir}`);
  guard(dir, () => ensureDir(dir));
}

/** A name in `dir` that does not exist yet: the timestamp moves on by 1 ms on a clash. */
function freshName(dir: string, stem: string, at: Date, gzip: boolean): string {
  let t = at.getTime();
  while (
    existsSync(join(dir, backupFileName(stem, new Date(t), gzip))) ||
    existsSync(join(dir, backupFileName(stem, new Date(t), !gzip)))
  )
    t++;
  return backupFileName(stem, new Date(t), gzip);
}

/**
 * Takes a consistent online backup: copy (backup API or VACUUM INTO) into a temp file in
 * the target directory, integrity_check, fsync, optional gzip, rename, fsync the directory.
 * Only a verified backup gets its final name and only then does retention run.
 */
export async function backupDatabase(opts: BackupOptions): Promise<BackupResult> {
  const method = opts.method ?? BACKUP_DEFAULTS.method;
  const gzip = opts.gzip ?? BACKUP_DEFAULTS.gzip;
  const verify = opts.verify ?? verifySqliteFile;
  existingSqliteFile(opts.db);
  prepareDir(opts.dir);
  const t0 = performance.now();
  const takenAt = (opts.now ?? (() => new Date()))();
  const stem = backupStem(opts.db);
  const name = freshName(opts.dir, stem, takenAt, gzip);
  const final = join(opts.dir, name);
  const tmp = tempSibling(join(opts.dir, name.replace(/\.gz$/, '')));
  const tmpGz = tempSibling(final) + '.gz';
  try {
    const source = openReadOnly(opts.db, opts.busyTimeoutMs ?? BACKUP_DEFAULTS.busyTimeoutMs);
    let sourceWal = false;
    try {
      await guardAsync(opts.db, async () => {
        sourceWal = String(source.db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal';
        if (method === 'api') await copyWithApi(source.db, tmp);
        else source.db.prepare('VACUUM INTO ?').run(tmp);
      });
    } finally {
      source.close();
    }
    // VACUUM INTO writes a rollback-journal file; a restore should come back in the source's mode.
    if (sourceWal && method === 'vacuum-into') setWal(tmp);
    const tCopy = performance.now();
    const verification = verify(tmp);
    const tVerify = performance.now();
    const sqliteBytes = statSync(tmp).size;
    const base = { source: opts.db, method, gzip, sqliteBytes, takenAt: takenAt.toISOString(), verification };
    if (!verification.ok) {
      rmSync(tmp, { force: true });
      const ms = { copy: tCopy - t0, verify: tVerify - tCopy, compress: 0, total: performance.now() - t0 };
      return {
        ...base,
        status: 'failed',
        reason: `integrity_check failed: ${verification.integrity.slice(0, 3).join('; ')}`,
        bytes: 0,
        ms,
      };
    }
    fsyncFile(tmp);
    if (gzip) {
      await gzipFile(tmp, tmpGz);
      rmSync(tmp);
      renameSync(tmpGz, final);
    } else {
      renameSync(tmp, final);
    }
    fsyncDir(opts.dir);
    const tDone = performance.now();
    const result: BackupResult = {
      ...base,
      status: 'ok',
      file: final,
      bytes: statSync(final).size,
      ms: { copy: tCopy - t0, verify: tVerify - tCopy, compress: gzip ? tDone - tVerify : 0, total: tDone - t0 },
    };
    const policy = opts.retention;
    if (policy && (policy.keep !== undefined || policy.maxAgeDays !== undefined)) {
      result.retention = applyRetention(opts.dir, stem, policy, takenAt, name);
    }
    return result;
  } catch (err) {
    throw asUsageError(err, opts.dir);
  } finally {
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-journal`, { force: true });
    rmSync(tmpGz, { force: true });
  }
}
