/**
 * A small database of awkward data for migration checks: quotes and backslashes, unicode and
 * emoji, booleans as 0/1, ISO date-times with and without zone, a self-referencing foreign
 * key, blobs (empty too), a 100 kB text, text in an INTEGER column, NULLs, NUMERIC values.
 * Built by the sqlite3 CLI when installed (an outside tool, not this project), else by
 * better-sqlite3.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';

export const AWKWARD_SQL = `
  CREATE TABLE people (id INTEGER PRIMARY KEY, name TEXT NOT NULL, active BOOLEAN NOT NULL DEFAULT 1,
    joined DATETIME, manager_id INTEGER REFERENCES people(id), photo BLOB, note TEXT, mixed INTEGER);
  INSERT INTO people VALUES (1, 'O''Brien \\ "boss"', 1, '2026-01-02 03:04:05', NULL, x'0001ff', 'tab	here', 7);
  INSERT INTO people VALUES (2, 'Zoë 🚀', 0, '2026-01-02T03:04:05.678Z', 1, NULL, NULL, 'n/a');
  INSERT INTO people VALUES (3, '\\N', 1, NULL, 2, x'', '${'long '.repeat(20000)}', NULL);
  CREATE TABLE orders (id INTEGER PRIMARY KEY, person_id INTEGER NOT NULL REFERENCES people(id), amount NUMERIC);
  INSERT INTO orders (person_id, amount) VALUES (1, 120.25), (2, 3), (3, NULL);
  CREATE INDEX idx_orders_person ON orders(person_id);`;

/** Writes the awkward database to `file`; says which tool built it. */
export function buildAwkwardDb(file: string): 'sqlite3 CLI' | 'better-sqlite3' {
  const cli = spawnSync('sqlite3', [file], { input: AWKWARD_SQL, encoding: 'utf8' });
  if (cli.status === 0) return 'sqlite3 CLI';
  const db = new Database(file);
  db.exec(AWKWARD_SQL);
  db.close();
  return 'better-sqlite3';
}
