/**
 * Foreign keys and secondary indexes compared table by table and by what they are (the
 * columns, the table referenced, uniqueness), never as schema-wide totals: one extra index
 * on one table must not hide one missing on another. Pure.
 */
import type { TablePlan } from './plan.ts';

/** A foreign key or index as PostgreSQL holds it, read back from its catalogue. */
export interface PgForeignKey {
  table: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
}
export interface PgIndex {
  table: string;
  unique: boolean;
  columns: string[];
  /** A partial index (WHERE …): present on both sides or a difference. The predicate's text is not compared. */
  partial?: boolean;
}

export const fkText = (from: readonly string[], table: string, to: readonly string[]) =>
  `(${from.join(', ')}) → ${table}(${to.join(', ')})`;
export const indexText = (unique: boolean, columns: readonly string[], partial = false) =>
  `${unique ? 'unique ' : ''}(${columns.join(', ')})${partial ? ' partial' : ''}`;

/** What SQLite declares that PostgreSQL lacks, per table, in words; and the counts per table. */
export function compareSchemaObjects(
  tables: readonly TablePlan[],
  pgForeignKeys: readonly PgForeignKey[],
  pgIndexes: readonly PgIndex[],
): {
  problems: string[];
  perTable: Record<string, { foreignKeys: { sqlite: number; pg: number }; indexes: { sqlite: number; pg: number } }>;
} {
  const problems: string[] = [];
  const perTable: ReturnType<typeof compareSchemaObjects>['perTable'] = {};
  for (const t of tables) {
    const gotFks = pgForeignKeys
      .filter((f) => f.table === t.name)
      .map((f) => fkText(f.columns, f.refTable, f.refColumns));
    const gotIdx = pgIndexes
      .filter((i) => i.table === t.name)
      .map((i) => indexText(i.unique, i.columns, i.partial ?? false));
    for (const want of t.foreignKeys.map((f) => fkText(f.from, f.table, f.to)))
      if (!take(gotFks, want)) problems.push(`${t.name}: foreign key ${want} missing in PostgreSQL`);
    for (const want of t.indexes.map((i) => indexText(i.unique, i.columns, i.where !== null)))
      if (!take(gotIdx, want)) problems.push(`${t.name}: index ${want} missing in PostgreSQL`);
    perTable[t.name] = {
      foreignKeys: { sqlite: t.foreignKeys.length, pg: pgForeignKeys.filter((f) => f.table === t.name).length },
      indexes: { sqlite: t.indexes.length, pg: pgIndexes.filter((i) => i.table === t.name).length },
    };
  }
  return { problems, perTable };
}

/** Removes one `want` from `from` (a multiset): true when it was there. */
function take(from: string[], want: string): boolean {
  const i = from.indexOf(want);
  if (i < 0) return false;
  from.splice(i, 1);
  return true;
}
