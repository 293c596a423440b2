import { existsSync, statSync } from 'node:fs';
import { checkIntegrity, describeTables, integrityOk, pragmaValue, viewNames, type TableInfo } from './catalog.ts';
import { sidecar, withReadOnly } from './sqlite-access.ts';

/** What `loadlab info` reports about a database file. */
export interface DatabaseInfo {
  file: string;
  bytes: number;
  /** Size of the -wal file, or null when there is none. */
  walBytes: number | null;
  sqliteVersion: string;
  journalMode: string;
  /** 0 none, 1 full, 2 incremental. */
  autoVacuum: number;
  pageSize: number;
  pageCount: number;
  freelistCount: number;
  /** freelist_count × page_size: what VACUUM would give back at most from free pages. */
  freeBytes: number;
  userVersion: number;
  tables: TableInfo[];
  views: string[];
  quickCheck: string[];
  quickCheckOk: boolean;
}

/** Reads everything through a read-only connection: the database file is never written. */
export function collectInfo(file: string): DatabaseInfo {
  // Before opening: a read-only connection may create an empty -wal of its own.
  const wal = sidecar(file, '-wal');
  const walBytes = existsSync(wal) ? statSync(wal).size : null;
  return withReadOnly(file, (db) => {
    const pageSize = Number(pragmaValue(db, 'page_size'));
    const freelistCount = Number(pragmaValue(db, 'freelist_count'));
    const quickCheck = checkIntegrity(db, 'quick_check');
    return {
      file,
      bytes: statSync(file).size,
      walBytes,
      sqliteVersion: (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v,
      journalMode: String(pragmaValue(db, 'journal_mode')),
      autoVacuum: Number(pragmaValue(db, 'auto_vacuum')),
      pageSize,
      pageCount: Number(pragmaValue(db, 'page_count')),
      freelistCount,
      freeBytes: freelistCount * pageSize,
      userVersion: Number(pragmaValue(db, 'user_version')),
      tables: describeTables(db),
      views: viewNames(db),
      quickCheck,
      quickCheckOk: integrityOk(quickCheck),
    };
  });
}
