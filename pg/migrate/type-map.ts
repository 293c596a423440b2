/**
 * PostgreSQL types for SQLite columns, decided from the declared type (SQLite's affinity
 * rules, https://www.sqlite.org/datatype3.html §3.1) and checked against the values the
 * column really holds: SQLite stores any value in any column, PostgreSQL does not. Where
 * the values do not fit the declared type, the column becomes text (lossless) and the plan
 * says why. Pure.
 */
import type { SqliteColumn } from './sqlite-schema.ts';

export type PgType = 'bigint' | 'double precision' | 'numeric' | 'text' | 'bytea' | 'boolean' | 'timestamptz' | 'date';

/** How a SQLite value becomes the PostgreSQL value (and the text both sides checksum). */
export type Conversion = 'integer' | 'real' | 'numeric' | 'text' | 'bytes' | 'boolean' | 'timestamp' | 'date';

export interface ColumnPlan {
  name: string;
  pgType: PgType;
  conversion: Conversion;
  nullable: boolean;
  /** Why this type: the rule that chose it, and any fallback. */
  why: string;
}

/** SQLite's affinity of a declared type (§3.1 of the datatype page, in its order). */
export function affinity(declared: string): 'INTEGER' | 'TEXT' | 'BLOB' | 'REAL' | 'NUMERIC' {
  const t = declared.toUpperCase();
  if (t.includes('INT')) return 'INTEGER';
  if (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT')) return 'TEXT';
  if (t.includes('BLOB') || t.trim() === '') return 'BLOB';
  if (t.includes('REAL') || t.includes('FLOA') || t.includes('DOUB')) return 'REAL';
  return 'NUMERIC';
}

const count = (c: SqliteColumn, k: keyof SqliteColumn['classes']) => c.classes[k] ?? 0;
const nonNull = (c: SqliteColumn) => count(c, 'integer') + count(c, 'real') + count(c, 'text') + count(c, 'blob');

/** Only these storage classes (besides NULL) occur in the column. */
const only = (c: SqliteColumn, ...kinds: (keyof SqliteColumn['classes'])[]) =>
  (['integer', 'real', 'text', 'blob'] as const).every((k) => kinds.includes(k) || count(c, k) === 0);

const INT64 = { min: -(2n ** 63n), max: 2n ** 63n - 1n };

export function mapColumn(c: SqliteColumn): ColumnPlan {
  const base = { name: c.name, nullable: !c.notNull && c.pk === 0 };
  const plan = (pgType: PgType, conversion: Conversion, why: string): ColumnPlan => ({
    ...base,
    pgType,
    conversion,
    why,
  });
  const declared = c.declared.trim() || '(none)';
  const t = c.declared.toUpperCase();
  const textFallback = (what: string) =>
    plan('text', 'text', `declared ${declared}, but ${what}: text keeps every value as it is`);

  // Booleans: declared BOOL/BOOLEAN and holding only 0 and 1.
  if (/\bBOOL(EAN)?\b/.test(t)) {
    if (only(c, 'integer') && (nonNull(c) === 0 || (c.min !== null && c.min >= 0 && c.max !== null && c.max <= 1)))
      return plan('boolean', 'boolean', `declared ${declared}, values 0/1`);
    return textFallback('it holds values other than 0 and 1');
  }
  // Dates and timestamps: declared with DATE or TIME and every value an ISO text SQLite can read.
  if (c.temporal) {
    const { dateOnly, dateTime, other } = c.temporal;
    if (other === 0 && dateTime === 0 && /\bDATE\b/.test(t) && !/TIME/.test(t))
      return plan('date', 'date', `declared ${declared}, every value an ISO date`);
    if (other === 0)
      return plan(
        'timestamptz',
        'timestamp',
        `declared ${declared}, every value an ISO date/time (read as UTC when it has no zone)`,
      );
    return textFallback(`${other} value(s) are not ISO dates or times`);
  }
  switch (affinity(c.declared)) {
    case 'INTEGER':
      if (only(c, 'integer')) {
        const inRange =
          c.min === null || (BigInt(Math.trunc(c.min)) >= INT64.min && BigInt(Math.trunc(c.max ?? 0)) <= INT64.max);
        if (inRange) return plan('bigint', 'integer', `declared ${declared} (INTEGER affinity), integer values`);
      }
      if (only(c, 'integer', 'real'))
        return plan('numeric', 'numeric', `declared ${declared}, but it holds real values too`);
      return textFallback('it holds text or blob values');
    case 'REAL':
      if (only(c, 'integer', 'real')) return plan('double precision', 'real', `declared ${declared} (REAL affinity)`);
      return textFallback('it holds text or blob values');
    case 'NUMERIC':
      if (only(c, 'integer', 'real')) return plan('numeric', 'numeric', `declared ${declared} (NUMERIC affinity)`);
      return textFallback('it holds text or blob values');
    case 'TEXT':
      if (only(c, 'text')) return plan('text', 'text', `declared ${declared} (TEXT affinity)`);
      if (only(c, 'integer', 'real', 'text'))
        return plan('text', 'text', `declared ${declared}; numbers stored in it become their text`);
      return plan(
        'bytea',
        'bytes',
        `declared ${declared}, but it holds blobs: bytea keeps them (text values as UTF-8 bytes)`,
      );
    case 'BLOB':
      if (nonNull(c) === 0 || only(c, 'blob')) return plan('bytea', 'bytes', `declared ${declared} (BLOB affinity)`);
      if (only(c, 'text')) return plan('text', 'text', `declared ${declared}, text values only`);
      if (only(c, 'integer')) return plan('bigint', 'integer', `declared ${declared}, integer values only`);
      if (only(c, 'integer', 'real')) return plan('numeric', 'numeric', `declared ${declared}, numbers only`);
      return textFallback('it mixes storage classes');
  }
}
