/**
 * What a migration needs to know about a SQLite database, read through a read-only
 * connection: tables, their columns as declared, primary and foreign keys, indexes, row
 * counts, and the storage classes the values really have (SQLite types values, not columns).
 */
import Database from 'better-sqlite3';

export type StorageClass = 'null' | 'integer' | 'real' | 'text' | 'blob';

export interface SqliteColumn {
  name: string;
  /** As written in CREATE TABLE ('' when none). */
  declared: string;
  notNull: boolean;
  /** The default expression as SQLite stored it, or null. */
  default: string | null;
  /** Position in the primary key (1-based), 0 when not part of it. */
  pk: number;
  /** How many values of each storage class the column holds. */
  classes: Partial<Record<StorageClass, number>>;
  /** For integer and real values: the smallest and largest. */
  min: number | null;
  max: number | null;
  /**
   * Columns declared with DATE or TIME in their type: how many non-null values are an ISO
   * date ('2026-01-02'), an ISO date and time SQLite can read ('2026-01-02 03:04:05.678',
   * 'T', a zone), or anything else. Null for other columns.
   */
  temporal: { dateOnly: number; dateTime: number; other: number } | null;
}

export interface SqliteForeignKey {
  /** SQLite's id: the columns of one constraint share it. */
  id: number;
  table: string;
  from: string[];
  to: string[];
  onDelete: string;
  onUpdate: string;
}

export interface SqliteIndex {
  name: string;
  unique: boolean;
  columns: string[];
  /** The WHERE of a partial index, or null. */
  where: string | null;
}

export interface SqliteTable {
  name: string;
  columns: SqliteColumn[];
  foreignKeys: SqliteForeignKey[];
  indexes: SqliteIndex[];
  rows: number;
  /** True for `INTEGER PRIMARY KEY` tables (the key is the rowid: PostgreSQL needs a sequence). */
  rowidKey: boolean;
  withoutRowid: boolean;
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** The user tables of a SQLite file (sqlite_% internals excluded), in name order. Never writes. */
export function readSqliteSchema(file: string): SqliteTable[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = db
      .prepare(
        "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
      )
      .all() as { name: string; sql: string }[];
    return tables.map((t) => readTable(db, t.name, t.sql));
  } finally {
    db.close();
  }
}

function readTable(db: Database.Database, name: string, sql: string): SqliteTable {
  const info = db.prepare(`PRAGMA table_info(${q(name)})`).all() as {
    name: string;
    type: string;
    notnull: number;
    dflt_value: string | null;
    pk: number;
  }[];
  const columns: SqliteColumn[] = info.map((c) => {
    const classes = Object.fromEntries(
      (
        db.prepare(`SELECT typeof(${q(c.name)}) AS k, count(*) AS n FROM ${q(name)} GROUP BY 1`).all() as {
          k: StorageClass;
          n: number;
        }[]
      ).map((r) => [r.k, r.n]),
    ) as SqliteColumn['classes'];
    const range = db
      .prepare(
        `SELECT min(${q(c.name)}) AS lo, max(${q(c.name)}) AS hi FROM ${q(name)} WHERE typeof(${q(c.name)}) IN ('integer', 'real')`,
      )
      .get() as { lo: number | null; hi: number | null };
    return {
      name: c.name,
      declared: c.type,
      notNull: c.notnull === 1,
      default: c.dflt_value,
      pk: c.pk,
      classes,
      min: range.lo,
      max: range.hi,
      temporal: /DATE|TIME/i.test(c.type) ? temporalCounts(db, name, c.name) : null,
    };
  });
  const fkRows = db.prepare(`PRAGMA foreign_key_list(${q(name)})`).all() as {
    id: number;
    seq: number;
    table: string;
    from: string;
    to: string | null;
    on_update: string;
    on_delete: string;
  }[];
  const foreignKeys: SqliteForeignKey[] = [];
  for (const r of [...fkRows].sort((a, b) => a.id - b.id || a.seq - b.seq)) {
    let fk = foreignKeys.find((f) => f.id === r.id);
    if (!fk) {
      fk = { id: r.id, table: r.table, from: [], to: [], onDelete: r.on_delete, onUpdate: r.on_update };
      foreignKeys.push(fk);
    }
    fk.from.push(r.from);
    // REFERENCES parent without columns means the parent's primary key.
    fk.to.push(r.to ?? primaryKeyOf(db, r.table)[fk.to.length] ?? 'id');
  }
  const indexes = (
    db.prepare(`PRAGMA index_list(${q(name)})`).all() as {
      name: string;
      unique: number;
      origin: string;
      partial: number;
    }[]
  )
    // Indexes SQLite made for PRIMARY KEY and UNIQUE constraints come with the table's own DDL.
    .filter((i) => i.origin === 'c')
    .map((i) => {
      const cols = (db.prepare(`PRAGMA index_info(${q(i.name)})`).all() as { seqno: number; name: string | null }[])
        .sort((a, b) => a.seqno - b.seqno)
        .map((c) => c.name ?? '');
      const ddl = (
        db.prepare("SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?").get(i.name) as
          { sql: string | null } | undefined
      )?.sql;
      const where = i.partial && ddl ? (/\bWHERE\b([\s\S]*)$/i.exec(ddl)?.[1]?.trim() ?? null) : null;
      return { name: i.name, unique: i.unique === 1, columns: cols, where };
    });
  const pkCols = columns.filter((c) => c.pk > 0);
  const rowidKey = pkCols.length === 1 && /^INTEGER$/i.test(pkCols[0]!.declared.trim());
  const withoutRowid = /\)\s*WITHOUT\s+ROWID\s*;?\s*$/i.test(sql);
  const rows = (db.prepare(`SELECT count(*) AS n FROM ${q(name)}`).get() as { n: number }).n;
  return { name, columns, foreignKeys, indexes, rows, rowidKey: rowidKey && !withoutRowid, withoutRowid };
}

function primaryKeyOf(db: Database.Database, table: string): string[] {
  return (db.prepare(`PRAGMA table_info(${q(table)})`).all() as { name: string; pk: number }[])
    .filter((c) => c.pk > 0)
    .sort((a, b) => a.pk - b.pk)
    .map((c) => c.name);
}

const DATE_ONLY = '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]';
const DATE_TIME = '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9][ T][0-2][0-9]:[0-5][0-9]*';

function temporalCounts(db: Database.Database, table: string, column: string) {
  const c = q(column);
  const r = db
    .prepare(
      `SELECT
         sum(typeof(${c}) = 'text' AND ${c} GLOB '${DATE_ONLY}' AND julianday(${c}) IS NOT NULL) AS dateOnly,
         sum(typeof(${c}) = 'text' AND ${c} GLOB '${DATE_TIME}' AND julianday(${c}) IS NOT NULL) AS dateTime,
         sum(${c} IS NOT NULL) AS nonNull
       FROM ${q(table)}`,
    )
    .get() as { dateOnly: number | null; dateTime: number | null; nonNull: number | null };
  const dateOnly = r.dateOnly ?? 0;
  const dateTime = r.dateTime ?? 0;
  return { dateOnly, dateTime, other: (r.nonNull ?? 0) - dateOnly - dateTime };
}
