import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { checkIntegrity, integrityOk, pragmaValue, tableRowCounts } from './catalog.ts';
import { sidecar } from './sqlite-access.ts';

/** What a verified copy contains, as `integrity_check` and row counts see it. */
export interface Verification {
  ok: boolean;
  /** ['ok'] or the problems integrity_check listed. */
  integrity: string[];
  tables: Record<string, number | null>;
  pageCount: number;
  pageSize: number;
  journalMode: string;
}

/**
 * Runs a full `integrity_check` on a private copy (a backup being made, a file being
 * restored) and counts its rows. Opened read-write so SQLite removes the -wal/-shm it
 * creates for a WAL-mode copy; nothing else uses the file, so leftovers are removed too.
 */
export function verifySqliteFile(file: string): Verification {
  let result: Verification;
  const db = new Database(file, { fileMustExist: true, timeout: 0 });
  try {
    const integrity = checkIntegrity(db, 'integrity_check');
    result = {
      ok: integrityOk(integrity),
      integrity,
      tables: tableRowCounts(db),
      pageCount: Number(pragmaValue(db, 'page_count')),
      pageSize: Number(pragmaValue(db, 'page_size')),
      journalMode: String(pragmaValue(db, 'journal_mode')),
    };
  } catch (err) {
    result = {
      ok: false,
      integrity: [(err as Error).message.split('\n')[0]!],
      tables: {},
      pageCount: 0,
      pageSize: 0,
      journalMode: 'unknown',
    };
  } finally {
    db.close();
  }
  rmSync(sidecar(file, '-wal'), { force: true });
  rmSync(sidecar(file, '-shm'), { force: true });
  return result;
}
