import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';

/** Row count and a SHA-256 of every row (in rowid order) for each table. */
export interface TableFingerprint {
  rows: number;
  sha256: string;
}

/**
 * Fingerprints every user table of a database through its own read-only connection,
 * so "the data did not change" is checked on the file, not through the server.
 */
export function dbFingerprint(path: string): Record<string, TableFingerprint> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all() as string[];
    const out: Record<string, TableFingerprint> = {};
    for (const table of tables) {
      const hash = createHash('sha256');
      let rows = 0;
      // Table names come from sqlite_master, quoted; no user input reaches this SQL.
      for (const row of db
        .prepare(`SELECT * FROM "${table.replaceAll('"', '""')}" ORDER BY rowid`)
        .raw()
        .iterate()) {
        hash.update(
          JSON.stringify(row, (_k, v: unknown) =>
            typeof v === 'bigint' ? v.toString() : Buffer.isBuffer(v) ? v.toString('base64') : v,
          ),
        );
        hash.update('\n');
        rows++;
      }
      out[table] = { rows, sha256: hash.digest('hex') };
    }
    return out;
  } finally {
    db.close();
  }
}
