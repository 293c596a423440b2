import type Database from 'better-sqlite3';

/** An SQL identifier in double quotes (identifiers cannot be bound as parameters). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

export interface IndexInfo {
  name: string;
  table: string;
  columns: string[];
  unique: boolean;
  /** 'c' CREATE INDEX, 'u' UNIQUE constraint, 'pk' PRIMARY KEY. */
  origin: string;
  partial: boolean;
}

export interface TableInfo {
  name: string;
  /** null when the table cannot be counted (a virtual table whose module is missing). */
  rows: number | null;
  columns: string[];
  indexes: IndexInfo[];
}

/** User tables (internal sqlite_* tables excluded), in name order. */
export function tableNames(db: Database.Database): string[] {
  const rows = db
    .prepare(
      "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )
    .all() as { name: string }[];
  return rows.map((r) => r.name);
}

export function viewNames(db: Database.Database): string[] {
  const rows = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'view' ORDER BY name").all() as {
    name: string;
  }[];
  return rows.map((r) => r.name);
}

export function tableColumns(db: Database.Database, table: string): string[] {
  const rows = db.prepare('SELECT name FROM pragma_table_info(?)').all(table) as { name: string }[];
  return rows.map((r) => r.name);
}

/** Exact row count, or null when the table cannot be read. */
export function countRows(db: Database.Database, table: string): number | null {
  try {
    return (db.prepare(`SELECT count(*) AS n FROM ${quoteIdent(table)}`).get() as { n: number }).n;
  } catch {
    return null;
  }
}

/** Row counts of every user table. */
export function tableRowCounts(db: Database.Database): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  for (const name of tableNames(db)) out[name] = countRows(db, name);
  return out;
}

/** Every index of a table, automatic ones included, with its columns. */
export function tableIndexes(db: Database.Database, table: string): IndexInfo[] {
  const list = db
    .prepare('SELECT name, "unique" AS u, origin, partial FROM pragma_index_list(?) ORDER BY name')
    .all(table) as {
    name: string;
    u: number;
    origin: string;
    partial: number;
  }[];
  return list.map((i) => ({
    name: i.name,
    table,
    columns: (
      db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(i.name) as { name: string | null }[]
    ).map((c) => c.name ?? '<expr>'),
    unique: i.u === 1,
    origin: i.origin,
    partial: i.partial === 1,
  }));
}

/** Tables with row counts, columns and indexes. */
export function describeTables(db: Database.Database): TableInfo[] {
  return tableNames(db).map((name) => ({
    name,
    rows: countRows(db, name),
    columns: tableColumns(db, name),
    indexes: tableIndexes(db, name),
  }));
}

/** `PRAGMA name` as a single value. */
export function pragmaValue(db: Database.Database, name: string): number | string {
  const value = db.pragma(name, { simple: true }) as number | string;
  return typeof value === 'string' ? value.toLowerCase() : value;
}

/** integrity_check or quick_check: 'ok', or the problems it listed (at most `max`). */
export function checkIntegrity(db: Database.Database, kind: 'integrity_check' | 'quick_check', max = 20): string[] {
  const rows = db.prepare(`PRAGMA ${kind}(${Math.max(1, Math.floor(max))})`).all() as Record<string, string>[];
  return rows.map((r) => String(Object.values(r)[0]));
}

export function integrityOk(messages: string[]): boolean {
  return messages.length === 1 && messages[0] === 'ok';
}

export const AUTO_VACUUM_NAMES = ['none', 'full', 'incremental'] as const;
