/**
 * `loadlab migrate`: a SQLite file into a PostgreSQL database, in one transaction: tables
 * (types from type-map.ts), the rows by COPY, identity sequences moved past max(id),
 * indexes, foreign keys (after the data, so order and self-references do not matter), then
 * the check: per table the row count and an order-independent digest of the canonical rows
 * on both sides. Any difference, and any error, rolls the whole transaction back: the
 * target is left as it was. The SQLite file is opened read-only.
 */
import Database from 'better-sqlite3';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import postgres from 'postgres';
import { readSqliteSchema } from './sqlite-schema.ts';
import {
  createTableSql,
  foreignKeySql,
  ident,
  indexSql,
  planMigration,
  sequenceSql,
  type MigrationPlan,
  type TablePlan,
} from './plan.ts';
import { copyLine, rowDigest, type PgValue, type SqliteValue } from './values.ts';
import { sqliteDigest } from './verify.ts';

export interface TableCheck {
  table: string;
  sqliteRows: number;
  pgRows: number;
  sqliteDigest: string;
  pgDigest: string;
  ok: boolean;
}

export interface MigrateResult {
  ok: boolean;
  /** Why it failed (rolled back), or null. */
  reason: string | null;
  tables: TableCheck[];
  plan: MigrationPlan;
  seconds: number;
}

/** Raised inside the transaction to roll it back when the check finds a difference. */
class CheckFailed extends Error {}

function* lines(rows: Iterable<unknown[]>, t: TablePlan): Generator<string> {
  const conversions = t.columns.map((c) => c.conversion);
  let chunk = '';
  for (const row of rows) {
    chunk += copyLine(row as SqliteValue[], conversions);
    if (chunk.length > 1 << 16) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

export async function migrate(opts: {
  sqliteFile: string;
  url: string;
  onProgress?: (message: string) => void;
}): Promise<MigrateResult> {
  const t0 = performance.now();
  const progress = opts.onProgress ?? (() => {});
  const plan = planMigration(readSqliteSchema(opts.sqliteFile));
  const src = new Database(opts.sqliteFile, { readonly: true, fileMustExist: true });
  src.defaultSafeIntegers(true);
  const sql = postgres(opts.url, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const tables: TableCheck[] = [];
  try {
    const names = plan.tables.map((t) => t.name);
    const clash = await sql<{ table_name: string }[]>`
      SELECT table_name FROM information_schema.tables
      WHERE table_schema = current_schema() AND table_name IN ${sql(names)}`;
    if (clash.length)
      return {
        ok: false,
        reason: `the target already has ${clash.map((c) => c.table_name).join(', ')}: nothing was changed`,
        tables,
        plan,
        seconds: (performance.now() - t0) / 1000,
      };
    await sql.begin(async (tx) => {
      for (const t of plan.tables) await tx.unsafe(createTableSql(t));
      for (const t of plan.tables) {
        progress(`${t.name}: copying ${t.rows} rows`);
        const cols = t.columns.map((c) => ident(c.name)).join(', ');
        const rows = src
          .prepare(`SELECT ${cols} FROM ${ident(t.name)}`)
          .raw(true)
          .iterate() as Iterable<unknown[]>;
        const writable = await tx.unsafe(`COPY ${ident(t.name)} (${cols}) FROM STDIN`).writable();
        await pipeline(Readable.from(lines(rows, t)), writable);
      }
      for (const t of plan.tables) for (const s of sequenceSql(t)) await tx.unsafe(s);
      for (const t of plan.tables) for (const s of indexSql(t)) await tx.unsafe(s);
      for (const t of plan.tables) for (const s of foreignKeySql(t)) await tx.unsafe(s);
      // The check, inside the transaction: a difference rolls everything back.
      for (const t of plan.tables) {
        progress(`${t.name}: checking`);
        const a = sqliteDigest(src, t);
        const b = rowDigest();
        const conversions = t.columns.map((c) => c.conversion);
        const cols = t.columns.map((c) => ident(c.name)).join(', ');
        for await (const batch of tx
          .unsafe(`SELECT ${cols} FROM ${ident(t.name)}`)
          .values()
          .cursor(1000))
          for (const row of batch as unknown as PgValue[][]) b.add(row, conversions);
        const check = {
          table: t.name,
          sqliteRows: a.rows(),
          pgRows: b.rows(),
          sqliteDigest: a.hex(),
          pgDigest: b.hex(),
          ok: a.rows() === b.rows() && a.hex() === b.hex(),
        };
        tables.push(check);
      }
      const bad = tables.filter((c) => !c.ok);
      if (bad.length)
        throw new CheckFailed(
          `${bad.map((c) => `${c.table} (${c.sqliteRows} vs ${c.pgRows} rows${c.sqliteRows === c.pgRows ? ', digests differ' : ''})`).join(', ')}: rolled back`,
        );
    });
    return { ok: true, reason: null, tables, plan, seconds: (performance.now() - t0) / 1000 };
  } catch (err) {
    const reason =
      err instanceof CheckFailed
        ? err.message
        : `${(err as Error).message.split('\n')[0]}: rolled back, the target is as it was`;
    return { ok: false, reason, tables, plan, seconds: (performance.now() - t0) / 1000 };
  } finally {
    src.close();
    await sql.end({ timeout: 5 });
  }
}
