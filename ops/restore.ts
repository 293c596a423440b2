import Database from 'better-sqlite3';
import { copyFileSync, constants, existsSync, realpathSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { tempSibling } from '../lib/atomic-write.ts';
import { UsageError } from '../lib/errors.ts';
import { existingFile, existingSqliteFile } from '../lib/files.ts';
import { fsyncDir, fsyncFile, gunzipFile, isGzipFile } from './durable.ts';
import { asUsageError, guard, OPS_DEFAULTS, sidecar } from './sqlite-access.ts';
import { verifySqliteFile, type Verification } from './verify.ts';

export interface RestoreOptions {
  backup: string;
  target: string;
  /** Replace an existing target. */
  force?: boolean;
  verify?: (file: string) => Verification;
}

export interface RestoreResult {
  status: 'ok' | 'failed';
  reason?: string;
  backup: string;
  target: string;
  compressed: boolean;
  /** True when an existing target was replaced. */
  replaced: boolean;
  /** Stale -wal/-shm/-journal files of the old target that were removed. */
  removedSidecars: string[];
  bytes: number;
  ms: number;
  verification: Verification;
}

const SIDECARS = ['-wal', '-shm', '-journal'] as const;

/** Refuses to replace a target that is not SQLite or that another process is writing. */
function checkReplaceable(target: string): void {
  if (statSync(target).isDirectory()) throw new UsageError(`target is a directory: ${target}`);
  existingSqliteFile(target);
  guard(target, () => {
    const db = new Database(target, { fileMustExist: true, timeout: OPS_DEFAULTS.busyTimeoutMs });
    try {
      // Fails with SQLITE_BUSY while another connection holds the write lock.
      db.exec('BEGIN IMMEDIATE; ROLLBACK');
    } finally {
      db.close();
    }
  });
}

/**
 * Restores a backup (gzip or plain) over a target: decompress or copy into a temp file
 * beside the target, integrity_check, fsync, remove the target's stale -wal/-shm/-journal
 * (an old WAL replayed into the new file would corrupt it), rename, fsync the directory.
 * The target is untouched unless the copy verified. Stop the application first: a process
 * that still has the old file open keeps using it.
 */
export async function restoreDatabase(opts: RestoreOptions): Promise<RestoreResult> {
  const t0 = performance.now();
  const verify = opts.verify ?? verifySqliteFile;
  existingFile(opts.backup, 'backup');
  const compressed = isGzipFile(opts.backup);
  if (!compressed) existingSqliteFile(opts.backup);
  if (existsSync(opts.target) && realpathSync(opts.target) === realpathSync(opts.backup))
    throw new UsageError(`backup and target are the same file: ${opts.target}`);
  // A plain file with a non-empty -wal beside it is a live database: copying the main file alone would drop its latest commits.
  const backupWal = sidecar(opts.backup, '-wal');
  if (!compressed && existsSync(backupWal) && statSync(backupWal).size > 0) {
    throw new UsageError(
      `${opts.backup} has a non-empty -wal: it is a live database, not a backup (take one with 'loadlab backup')`,
    );
  }
  const dir = dirname(opts.target);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UsageError(`target directory not found: ${dir}`);
  const exists = existsSync(opts.target);
  if (exists && !opts.force) throw new UsageError(`target exists: ${opts.target} (pass --force to replace it)`);
  if (exists) checkReplaceable(opts.target);

  const tmp = tempSibling(opts.target);
  try {
    if (compressed) {
      try {
        await gunzipFile(opts.backup, tmp);
      } catch (err) {
        if ((err as { code?: string }).code?.startsWith('Z_'))
          throw new UsageError(`cannot decompress ${opts.backup}: ${(err as Error).message}`);
        throw err;
      }
      try {
        existingSqliteFile(tmp);
      } catch {
        throw new UsageError(`not an SQLite database once decompressed: ${opts.backup}`);
      }
    } else {
      copyFileSync(opts.backup, tmp, constants.COPYFILE_EXCL);
    }
    const verification = verify(tmp);
    const base = { backup: opts.backup, target: opts.target, compressed, verification };
    if (!verification.ok) {
      return {
        ...base,
        status: 'failed',
        reason: `integrity_check failed: ${verification.integrity.slice(0, 3).join('; ')}`,
        replaced: false,
        removedSidecars: [],
        bytes: 0,
        ms: performance.now() - t0,
      };
    }
    fsyncFile(tmp);
    const removedSidecars: string[] = [];
    for (const suffix of SIDECARS) {
      const file = sidecar(opts.target, suffix);
      if (existsSync(file)) {
        rmSync(file);
        removedSidecars.push(file);
      }
    }
    renameSync(tmp, opts.target);
    fsyncDir(dir);
    return {
      ...base,
      status: 'ok',
      replaced: exists,
      removedSidecars,
      bytes: statSync(opts.target).size,
      ms: performance.now() - t0,
    };
  } catch (err) {
    throw asUsageError(err, opts.target);
  } finally {
    rmSync(tmp, { force: true });
  }
}
