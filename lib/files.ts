import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { UsageError } from './errors.ts';

/** A path that must be an existing regular file. */
export function existingFile(path: string, what = 'file'): string {
  if (!existsSync(path)) throw new UsageError(`${what} not found: ${path}`);
  if (!statSync(path).isFile()) throw new UsageError(`${what} is not a regular file: ${path}`);
  return path;
}

const SQLITE_HEADER = 'SQLite format 3\u0000';

/** A path that must be an SQLite database: checks the header before SQLite sees the file. */
export function existingSqliteFile(path: string): string {
  existingFile(path, 'database');
  const header = Buffer.alloc(16);
  const fd = openSync(path, 'r');
  let n: number;
  try {
    n = readSync(fd, header, 0, 16, 0);
  } finally {
    closeSync(fd);
  }
  if (n !== 0 && header.toString('latin1') !== SQLITE_HEADER) throw new UsageError(`not an SQLite database: ${path}`);
  return path;
}
