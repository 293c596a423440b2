/**
 * The counted tie-break's known-answer case (test helper, and reports/tune/tiebreak-check.ts):
 * a small WAL database, three queries (a point read, a count, an insert), their call times,
 * and the WAL + FULL settings both sides start from.
 */
import Database from 'better-sqlite3';
import { parseQueriesFile } from '../db/queries-file.ts';
import type { Settings } from '../tune/space.ts';

export const WAL_FULL: Settings = {
  journal_mode: 'wal',
  synchronous: 2,
  cache_size: -2000,
  mmap_size: 0,
  temp_store: 0,
  page_size: 4096,
};

export const TIEBREAK_QUERIES = parseQueriesFile(`-- @name point
-- @params [5]
-- @params [900]
SELECT * FROM t WHERE id = ?;
-- @name count-a
-- @params [7]
SELECT count(*) FROM t WHERE a = ?;
-- @name insert
-- @params [3, "abc"]
INSERT INTO t (a, b) VALUES (?, ?);
`);

export const TIEBREAK_CALLS = new Map([
  ['point', 0.01],
  ['count-a', 1.5],
  ['insert', 0.3],
]);

/** 20,000 rows in a WAL file at `file`. */
export function makeTiebreakDb(file: string): void {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = wal');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)');
    const ins = db.prepare('INSERT INTO t (a, b) VALUES (?, ?)');
    db.transaction(() => {
      for (let i = 0; i < 20_000; i++) ins.run(i % 100, 'x'.repeat(50));
    })();
  } finally {
    db.close();
  }
}
