import Database from 'better-sqlite3';
import { closeSync, existsSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../lib/errors.ts';
import { existingSqliteFile } from '../lib/files.ts';

/** Defaults shared by the operations commands. */
export const OPS_DEFAULTS = {
  /** How long a command waits on another process's lock before giving up with "database is locked". */
  busyTimeoutMs: 2000,
} as const;

/** SQLite error codes that mean "the user pointed us at something we cannot use", one line each. */
const SQLITE_MESSAGES: [prefix: string, message: (file: string) => string][] = [
  ['SQLITE_BUSY', (f) => `database is locked: ${f} (another process holds a lock; retry when it is idle)`],
  ['SQLITE_LOCKED', (f) => `database is locked: ${f}`],
  ['SQLITE_NOTADB', (f) => `not an SQLite database: ${f}`],
  ['SQLITE_CANTOPEN', (f) => `cannot open database: ${f}`],
  ['SQLITE_CORRUPT', (f) => `database is corrupt: ${f}`],
  ['SQLITE_READONLY', (f) => `database is read-only: ${f}`],
  ['SQLITE_FULL', (f) => `disk full while writing: ${f}`],
  ['SQLITE_PERM', (f) => `permission denied: ${f}`],
  ['SQLITE_AUTH', (f) => `not authorised: ${f}`],
];

const FS_MESSAGES: Record<string, string> = {
  ENOENT: 'not found',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'a parent is not a directory',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EEXIST: 'already exists',
};

/** Turns SQLite and file-system errors about user-supplied paths into a one-line UsageError; other errors pass through. */
export function asUsageError(err: unknown, file: string): unknown {
  if (err instanceof UsageError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return err;
  for (const [prefix, message] of SQLITE_MESSAGES) if (code.startsWith(prefix)) return new UsageError(message(file));
  const fsMessage = FS_MESSAGES[code];
  const path = (err as { path?: unknown }).path;
  if (fsMessage) return new UsageError(`${fsMessage}: ${typeof path === 'string' ? path : file}`);
  if (code.startsWith('SQLITE_IOERR')) return new UsageError(`I/O error on ${file} (${code})`);
  return err;
}

/** Runs fn, rethrowing user-facing failures as a UsageError that names `file`. */
export function guard<T>(file: string, fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw asUsageError(err, file);
  }
}

/** The async form of `guard`. */
export async function guardAsync<T>(file: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw asUsageError(err, file);
  }
}

/** True when the file header says WAL (read/write version bytes 18-19 are 2). */
export function headerSaysWal(file: string): boolean {
  const buf = Buffer.alloc(2);
  const fd = openSync(file, 'r');
  try {
    return readSync(fd, buf, 0, 2, 18) === 2 && buf[0] === 2 && buf[1] === 2;
  } finally {
    closeSync(fd);
  }
}

export function sidecar(file: string, suffix: '-wal' | '-shm' | '-journal'): string {
  return file + suffix;
}

/**
 * Opens an existing SQLite file read-only, runs fn, and closes it. The file is never written.
 *
 * A read-only connection to a WAL database creates empty -wal and -shm files when none
 * exist (SQLite needs the shared-memory index) and cannot remove them on close. When this
 * call created them, a plain connection that reads one row is opened afterwards so SQLite
 * itself removes them under its own locks (only if no other connection uses them; the WAL
 * is empty, so nothing is checkpointed into the database file).
 */
export function withReadOnly<T>(
  file: string,
  fn: (db: Database.Database) => T,
  timeoutMs: number = OPS_DEFAULTS.busyTimeoutMs,
): T {
  const handle = openReadOnly(file, timeoutMs);
  try {
    return guard(file, () => fn(handle.db));
  } finally {
    handle.close();
  }
}

export interface ReadOnlyHandle {
  db: Database.Database;
  /** Closes the connection and tidies the WAL sidecars it created (see withReadOnly). */
  close(): void;
}

/** The open/close halves of `withReadOnly`, for async work such as the backup API. */
export function openReadOnly(file: string, timeoutMs: number = OPS_DEFAULTS.busyTimeoutMs): ReadOnlyHandle {
  existingSqliteFile(file);
  const hadWal = existsSync(sidecar(file, '-wal'));
  const hadShm = existsSync(sidecar(file, '-shm'));
  const db = guard(file, () => new Database(file, { readonly: true, fileMustExist: true, timeout: timeoutMs }));
  let closed = false;
  return {
    db,
    close() {
      if (closed) return;
      closed = true;
      db.close();
      if (!hadWal && !hadShm && existsSync(sidecar(file, '-wal')) && headerSaysWal(file))
        tidyWalSidecars(file, timeoutMs);
    },
  };
}

function tidyWalSidecars(file: string, timeoutMs: number): void {
  try {
    const db = new Database(file, { fileMustExist: true, timeout: timeoutMs });
    try {
      db.prepare('SELECT 1 FROM sqlite_schema LIMIT 1').get();
    } finally {
      db.close();
    }
  } catch {
    // Another process holds the database; the sidecars are its to remove.
  }
}

/** Opens an existing SQLite file for writing (the header is checked first). Caller closes. */
export function openReadWrite(file: string, timeoutMs: number = OPS_DEFAULTS.busyTimeoutMs): Database.Database {
  existingSqliteFile(file);
  return guard(file, () => new Database(file, { fileMustExist: true, timeout: timeoutMs }));
}

/** Opens, runs fn, closes; errors become one-line UsageErrors naming the file. */
export function withReadWrite<T>(
  file: string,
  fn: (db: Database.Database) => T,
  timeoutMs: number = OPS_DEFAULTS.busyTimeoutMs,
): T {
  const db = openReadWrite(file, timeoutMs);
  try {
    return guard(file, () => fn(db));
  } finally {
    db.close();
  }
}
