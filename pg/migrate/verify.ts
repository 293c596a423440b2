/**
 * Checks a PostgreSQL database against the SQLite file it was migrated from, whatever tool
 * did the migration (ours, pgloader, a dump and sed): per table the row count and the
 * order-independent digest of the canonical rows (values compared by meaning: 1 and true,
 * '2026-01-02 03:04:05' and the same instant), the column types each side ended with, the
 * foreign keys and secondary indexes present table by table (schema-objects.ts), and whether each rowid key will hand out a
 * new id above the largest one (an identity or serial whose next value is past max(id)).
 */
import Database from 'better-sqlite3';
import postgres from 'postgres';
import { readSqliteSchema } from './sqlite-schema.ts';
import { ident, planMigration, type TablePlan } from './plan.ts';
import { rowDigest, type PgValue, type SqliteValue } from './values.ts';
import { compareSchemaObjects } from './schema-objects.ts';

export interface TableAudit {
  table: string;
  sqliteRows: number;
  /** Null when the table is missing on the PostgreSQL side. */
  pgRows: number | null;
  digestsEqual: boolean;
  /** column -> PostgreSQL type (information_schema data_type). */
  types: Record<string, string>;
  /** The rowid key's next value vs max(id); null when the table has no rowid key. */
  nextId: { column: string; next: number | null; max: number | null; ok: boolean } | null;
}

export interface TargetAudit {
  tables: TableAudit[];
  /** Foreign keys declared in SQLite vs present in PostgreSQL (totals; each is checked per table). */
  foreignKeys: { sqlite: number; pg: number };
  /** Secondary indexes (not primary keys) in SQLite vs PostgreSQL. */
  indexes: { sqlite: number; pg: number };
  /** Every table present with equal rows, every key continuing, every FK and index there. */
  ok: boolean;
  problems: string[];
}

/** Digest of a table's rows on the SQLite side (read-only). */
export function sqliteDigest(db: Database.Database, t: TablePlan) {
  const d = rowDigest();
  const conversions = t.columns.map((c) => c.conversion);
  const cols = t.columns.map((c) => ident(c.name)).join(', ');
  for (const row of db
    .prepare(`SELECT ${cols} FROM ${ident(t.name)}`)
    .raw(true)
    .iterate())
    d.add(row as SqliteValue[], conversions);
  return d;
}

export async function auditTarget(sqliteFile: string, url: string): Promise<TargetAudit> {
  const plan = planMigration(readSqliteSchema(sqliteFile));
  const src = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  src.defaultSafeIntegers(true);
  const sql = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const problems: string[] = [];
  try {
    const tables: TableAudit[] = [];
    for (const t of plan.tables) {
      const a = sqliteDigest(src, t);
      const cols = await sql<{ column_name: string; data_type: string }[]>`
        SELECT column_name, data_type FROM information_schema.columns
        WHERE table_schema = current_schema() AND table_name = ${t.name} ORDER BY ordinal_position`;
      const types = Object.fromEntries(cols.map((c) => [c.column_name, c.data_type]));
      if (cols.length === 0) {
        problems.push(`${t.name}: missing in PostgreSQL`);
        tables.push({ table: t.name, sqliteRows: a.rows(), pgRows: null, digestsEqual: false, types, nextId: null });
        continue;
      }
      const b = rowDigest();
      const conversions = t.columns.map((c) => c.conversion);
      const list = t.columns.map((c) => ident(c.name)).join(', ');
      for await (const batch of sql
        .unsafe(`SELECT ${list} FROM ${ident(t.name)}`)
        .values()
        .cursor(1000))
        for (const row of batch as unknown as PgValue[][]) b.add(row, conversions);
      const digestsEqual = a.rows() === b.rows() && a.hex() === b.hex();
      if (!digestsEqual)
        problems.push(`${t.name}: ${a.rows()} vs ${b.rows()} rows${a.rows() === b.rows() ? ', contents differ' : ''}`);
      let nextId: TableAudit['nextId'] = null;
      if (t.identity) {
        const col = t.identity;
        const [{ max }] = (await sql.unsafe(
          `SELECT max(${ident(col)})::text AS max FROM ${ident(t.name)}`,
        )) as unknown as [{ max: string | null }];
        const [{ seq }] = (await sql`SELECT pg_get_serial_sequence(${ident(t.name)}, ${col}) AS seq`) as unknown as [
          { seq: string | null },
        ];
        let next: number | null = null;
        if (seq) {
          const [s] = (await sql.unsafe(`SELECT last_value::text AS last, is_called FROM ${seq}`)) as unknown as [
            { last: string; is_called: boolean },
          ];
          next = Number(s.last) + (s.is_called ? 1 : 0);
        }
        const m = max === null ? null : Number(max);
        const ok = next !== null && (m === null || next > m);
        if (!ok)
          problems.push(
            next === null
              ? `${t.name}.${col}: no sequence or identity: an insert without an id fails`
              : `${t.name}.${col}: next id ${next} is not above max ${m}: the next insert collides`,
          );
        nextId = { column: col, next, max: m, ok };
      }
      tables.push({ table: t.name, sqliteRows: a.rows(), pgRows: b.rows(), digestsEqual, types, nextId });
    }
    // Foreign keys and indexes by table and by what they are (columns, reference, uniqueness).
    const pgFks = (await sql`
      SELECT cl.relname AS table, ref.relname AS ref_table,
        (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.conkey) WITH ORDINALITY k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum) AS columns,
        (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(c.confkey) WITH ORDINALITY k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum) AS ref_columns
      FROM pg_constraint c
      JOIN pg_class cl ON cl.oid = c.conrelid
      JOIN pg_class ref ON ref.oid = c.confrelid
      JOIN pg_namespace n ON n.oid = cl.relnamespace
      WHERE c.contype = 'f' AND n.nspname = current_schema()`) as unknown as {
      table: string;
      ref_table: string;
      columns: string[] | null;
      ref_columns: string[] | null;
    }[];
    const pgIdx = (await sql`
      SELECT t.relname AS table, i.indisunique AS unique, i.indpred IS NOT NULL AS partial,
        (SELECT array_agg(a.attname::text ORDER BY k.ord) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(attnum, ord)
           JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum) AS columns
      FROM pg_index i
      JOIN pg_class t ON t.oid = i.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
      WHERE n.nspname = current_schema() AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u'))`) as unknown as {
      table: string;
      unique: boolean;
      partial: boolean;
      columns: string[] | null;
    }[];
    const objects = compareSchemaObjects(
      plan.tables,
      pgFks.map((f) => ({
        table: f.table,
        columns: f.columns ?? [],
        refTable: f.ref_table,
        refColumns: f.ref_columns ?? [],
      })),
      pgIdx.map((i) => ({ table: i.table, unique: i.unique, partial: i.partial, columns: i.columns ?? [] })),
    );
    problems.push(...objects.problems);
    const sqliteFks = plan.tables.reduce((n, t) => n + t.foreignKeys.length, 0);
    const sqliteIdx = plan.tables.reduce((n, t) => n + t.indexes.length, 0);
    const fks = pgFks.length;
    const idx = pgIdx.length;
    return {
      tables,
      foreignKeys: { sqlite: sqliteFks, pg: fks },
      indexes: { sqlite: sqliteIdx, pg: idx },
      ok: problems.length === 0,
      problems,
    };
  } finally {
    src.close();
    await sql.end({ timeout: 5 });
  }
}
