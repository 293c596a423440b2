import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface PlainDbOptions {
  /** Rows in `events`, the table without any index. */
  events?: number;
  journalMode?: 'delete' | 'wal';
  name?: string;
}

/**
 * A database the suite did not design, built with plain SQL (test helper): an unindexed
 * `events` table, an indexed `customers` table, a WITHOUT ROWID table, a view, and a table
 * whose name needs quoting. Deterministic content.
 */
export function plainDb(dir: string, opts: PlainDbOptions = {}): string {
  const file = join(dir, opts.name ?? 'plain.db');
  const events = opts.events ?? 2000;
  const db = new Database(file);
  try {
    db.pragma(`journal_mode = ${opts.journalMode ?? 'delete'}`);
    db.exec(`
      CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, country TEXT NOT NULL);
      CREATE INDEX customers_country ON customers(country);
      CREATE TABLE events (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, kind TEXT NOT NULL, payload TEXT NOT NULL, at INTEGER NOT NULL);
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;
      CREATE TABLE "odd ""name"" table" (x INTEGER);
      CREATE VIEW recent_events AS SELECT * FROM events ORDER BY at DESC LIMIT 10;
    `);
    const addCustomer = db.prepare('INSERT INTO customers (email, country) VALUES (?, ?)');
    const addEvent = db.prepare('INSERT INTO events (customer_id, kind, payload, at) VALUES (?, ?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= 50; i++) addCustomer.run(`c${i}@example.test`, ['fr', 'de', 'us'][i % 3]);
      for (let i = 1; i <= events; i++)
        addEvent.run((i % 50) + 1, ['view', 'click', 'buy'][i % 3], 'x'.repeat(100 + (i % 50)), 1_700_000_000 + i);
      db.prepare('INSERT INTO settings VALUES (?, ?)').run('theme', 'dark');
      db.prepare('INSERT INTO "odd ""name"" table" VALUES (?)').run(1);
    })();
  } finally {
    db.close();
  }
  return file;
}

/** SHA-256 of a file's bytes (test helper: "this command did not write"). */
export function fileChecksum(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}
