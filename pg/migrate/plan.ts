/**
 * The migration of a SQLite database to PostgreSQL as data: per table the column types
 * (type-map.ts), the primary key, defaults PostgreSQL understands, foreign keys, indexes and
 * the sequence of a rowid key, in dependency order; then the SQL of each step. Pure: the
 * executor (and the tests) run the statements.
 */
import type { SqliteTable } from './sqlite-schema.ts';
import { mapColumn, type ColumnPlan } from './type-map.ts';

export interface TablePlan {
  name: string;
  columns: (ColumnPlan & { default: string | null })[];
  primaryKey: string[];
  /** The key is SQLite's rowid alias: PostgreSQL gets an identity column and its sequence is moved past max(id). */
  identity: string | null;
  foreignKeys: { name: string; from: string[]; table: string; to: string[]; onDelete: string; onUpdate: string }[];
  indexes: { name: string; unique: boolean; columns: string[]; where: string | null }[];
  rows: number;
}

export interface MigrationPlan {
  /** Parents before children (a self-reference or a cycle does not order: constraints come after the data). */
  tables: TablePlan[];
  /** What could not be carried over as it was, in words (dropped defaults, expression indexes, …). */
  notes: string[];
}

/** A quoted identifier (PostgreSQL and SQLite agree on double quotes). */
export const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

const ACTIONS = new Set(['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT']);

/**
 * A SQLite default PostgreSQL reads the same way, or null (and a note): literals, NULL and
 * CURRENT_TIMESTAMP/DATE/TIME; 0/1 for a boolean column become false/true.
 */
export function translateDefault(expr: string | null, col: ColumnPlan): { sql: string | null; note?: string } {
  if (expr === null) return { sql: null };
  const e = expr.trim();
  if (/^null$/i.test(e)) return { sql: null };
  if (col.pgType === 'boolean' && /^\(?[01]\)?$/.test(e)) return { sql: e.includes('1') ? 'true' : 'false' };
  if (/^(true|false)$/i.test(e) && col.pgType === 'boolean') return { sql: e.toLowerCase() };
  if (/^\(?[+-]?\d+(\.\d+)?([eE][+-]?\d+)?\)?$/.test(e) && col.conversion !== 'text' && col.conversion !== 'bytes')
    return { sql: e.replace(/[()]/g, '') };
  if (
    /^'(?:[^']|'')*'$/.test(e) &&
    (col.conversion === 'text' || col.conversion === 'date' || col.conversion === 'timestamp')
  )
    return { sql: e };
  if (/^CURRENT_(TIMESTAMP|DATE|TIME)$/i.test(e) && (col.conversion === 'timestamp' || col.conversion === 'date'))
    return { sql: e.toUpperCase() };
  if (/^CURRENT_TIMESTAMP$/i.test(e) && col.conversion === 'text')
    // SQLite's CURRENT_TIMESTAMP is text 'YYYY-MM-DD HH:MM:SS' in UTC: the same text in PostgreSQL.
    return { sql: "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')" };
  return { sql: null, note: `default ${e} of ${col.name} (${col.pgType}) has no PostgreSQL equivalent here: dropped` };
}

/** Tables in an order where each comes after the tables it references (ties by name; cycles broken by name). */
export function dependencyOrder(tables: readonly SqliteTable[]): SqliteTable[] {
  const byName = new Map(tables.map((t) => [t.name, t]));
  const done = new Set<string>();
  const out: SqliteTable[] = [];
  const visiting = new Set<string>();
  const visit = (t: SqliteTable) => {
    if (done.has(t.name) || visiting.has(t.name)) return;
    visiting.add(t.name);
    for (const fk of t.foreignKeys) {
      const parent = byName.get(fk.table);
      if (parent && parent.name !== t.name) visit(parent);
    }
    visiting.delete(t.name);
    done.add(t.name);
    out.push(t);
  };
  for (const t of [...tables].sort((a, b) => a.name.localeCompare(b.name))) visit(t);
  return out;
}

export function planMigration(tables: readonly SqliteTable[]): MigrationPlan {
  const notes: string[] = [];
  const plans = dependencyOrder(tables).map((t): TablePlan => {
    const columns = t.columns.map((c) => {
      const plan = mapColumn(c);
      const d = translateDefault(c.default, plan);
      if (d.note) notes.push(`${t.name}: ${d.note}`);
      return { ...plan, default: d.sql };
    });
    const primaryKey = t.columns
      .filter((c) => c.pk > 0)
      .sort((a, b) => a.pk - b.pk)
      .map((c) => c.name);
    const indexes = [...t.indexes]
      .sort((a, b) => a.name.localeCompare(b.name))
      .filter((i) => {
        if (i.columns.some((c) => c === '')) {
          notes.push(`${t.name}: index ${i.name} is on an expression: not carried over`);
          return false;
        }
        return true;
      });
    return {
      name: t.name,
      columns,
      primaryKey,
      identity: t.rowidKey ? primaryKey[0]! : null,
      foreignKeys: t.foreignKeys.map((fk) => ({
        name: `${t.name}_${fk.from.join('_')}_fkey`,
        from: fk.from,
        table: fk.table,
        to: fk.to,
        onDelete: ACTIONS.has(fk.onDelete.toUpperCase()) ? fk.onDelete.toUpperCase() : 'NO ACTION',
        onUpdate: ACTIONS.has(fk.onUpdate.toUpperCase()) ? fk.onUpdate.toUpperCase() : 'NO ACTION',
      })),
      indexes,
      rows: t.rows,
    };
  });
  return { tables: plans, notes };
}

/** CREATE TABLE with types, NOT NULL, defaults and the primary key; foreign keys come after the data. */
export function createTableSql(t: TablePlan): string {
  const cols = t.columns.map((c) => {
    const parts = [ident(c.name), c.pgType];
    if (t.identity === c.name) parts.push('GENERATED BY DEFAULT AS IDENTITY');
    if (!c.nullable) parts.push('NOT NULL');
    if (c.default !== null) parts.push(`DEFAULT ${c.default}`);
    return `  ${parts.join(' ')}`;
  });
  if (t.primaryKey.length) cols.push(`  PRIMARY KEY (${t.primaryKey.map(ident).join(', ')})`);
  return `CREATE TABLE ${ident(t.name)} (\n${cols.join(',\n')}\n)`;
}

export function foreignKeySql(t: TablePlan): string[] {
  return t.foreignKeys.map(
    (fk) =>
      `ALTER TABLE ${ident(t.name)} ADD CONSTRAINT ${ident(fk.name)} FOREIGN KEY (${fk.from.map(ident).join(', ')}) ` +
      `REFERENCES ${ident(fk.table)} (${fk.to.map(ident).join(', ')}) ON DELETE ${fk.onDelete} ON UPDATE ${fk.onUpdate}`,
  );
}

export function indexSql(t: TablePlan): string[] {
  return t.indexes.map(
    (i) =>
      `CREATE ${i.unique ? 'UNIQUE ' : ''}INDEX ${ident(i.name)} ON ${ident(t.name)} (${i.columns.map(ident).join(', ')})${i.where ? ` WHERE ${i.where}` : ''}`,
  );
}

/** After the data: the identity's next value is max(key) + 1 (or 1 on an empty table). */
export function sequenceSql(t: TablePlan): string[] {
  if (!t.identity) return [];
  const table = ident(t.name);
  const col = ident(t.identity);
  return [
    `SELECT setval(pg_get_serial_sequence('${table.replace(/'/g, "''")}', '${t.identity.replace(/'/g, "''")}'), ` +
      `COALESCE((SELECT max(${col}) FROM ${table}), 0) + 1, false)`,
  ];
}
