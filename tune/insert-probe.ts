/**
 * A single-row insert into a table, to measure what an index costs writes: a copy of an
 * existing row (every column but the rowid alias, which SQLite assigns), committed on its
 * own. Tables where a copy would break a constraint (a UNIQUE column, no rowid) say so.
 */
import Database from 'better-sqlite3';
import type { Query } from '../db/queries-file.ts';
import { quoteIdent } from '../ops/catalog.ts';

export function insertProbe(file: string, table: string, sample = 1024): { query: Query } | { error: string } {
  const db = new Database(file, { fileMustExist: true, readonly: true });
  try {
    const cols = db.prepare('SELECT name, type, pk FROM pragma_table_info(?)').all(table) as {
      name: string;
      type: string;
      pk: number;
    }[];
    const pk = cols.filter((c) => c.pk > 0);
    const alias = pk.length === 1 && pk[0]!.type.toUpperCase() === 'INTEGER' ? pk[0]!.name : undefined;
    if (!alias) return { error: `${table} has no INTEGER PRIMARY KEY: a copied row would repeat its key` };
    const unique = (
      db
        .prepare('SELECT name FROM pragma_index_list(?) WHERE "unique" = 1 AND origin != \'pk\'')
        .all(table) as unknown[]
    ).length;
    if (unique > 0) return { error: `${table} has a UNIQUE constraint: a copied row would break it` };
    const copied = cols.filter((c) => c.name !== alias).map((c) => quoteIdent(c.name));
    if (copied.length === 0) return { error: `${table} has no column but its key` };
    const t = quoteIdent(table);
    const rowids = (
      db.prepare(`SELECT rowid AS r FROM ${t} ORDER BY rowid LIMIT ?`).all(sample) as { r: number }[]
    ).map((x) => [x.r]);
    if (rowids.length === 0) return { error: `${table} is empty: no row to copy` };
    return {
      query: {
        name: `insert into ${table}`,
        sql: `INSERT INTO ${t} (${copied.join(', ')}) SELECT ${copied.join(', ')} FROM ${t} WHERE rowid = ?`,
        params: rowids,
        line: 0,
      },
    };
  } finally {
    db.close();
  }
}
