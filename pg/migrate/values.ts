/**
 * One SQLite value on its way to PostgreSQL: its COPY text form (FORMAT text: \N for NULL,
 * backslash escapes), and a canonical text both sides are checksummed in, so that the same
 * data gives the same digest whatever each database prints (1.50 vs 1.5, a Date vs an ISO
 * string, 't' vs true). Pure. Integers arrive as BigInt (read with safeIntegers).
 */
import { createHash } from 'node:crypto';
import type { Conversion } from './type-map.ts';

export type SqliteValue = null | bigint | number | string | Uint8Array;

const NULL = '\\N';

/** COPY text escaping of a string: backslash, newline, carriage return, tab. */
export function copyEscape(s: string): string {
  return s.replace(/[\\\n\r\t]/g, (c) => (c === '\\' ? '\\\\' : c === '\n' ? '\\n' : c === '\r' ? '\\r' : '\\t'));
}

const hex = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');

/** A double as text that reads back to the same double (shortest round trip; PostgreSQL's spelling of the specials). */
function doubleText(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

/** SQLite date/time text as an ISO instant PostgreSQL reads: 'T' between date and time, 'Z' when no zone is given. */
export function isoInstant(s: string): string {
  const t = s.trim().replace(' ', 'T');
  if (!t.includes('T')) return `${t}T00:00:00Z`;
  return /(Z|[+-]\d\d(:?\d\d)?)$/i.test(t) ? t : `${t}Z`;
}

/** The COPY text field of a value for a column's conversion. */
export function copyField(v: SqliteValue, conversion: Conversion): string {
  if (v === null) return NULL;
  switch (conversion) {
    case 'integer':
      return String(v);
    case 'real':
    case 'numeric':
      return typeof v === 'number' ? doubleText(v) : String(v);
    case 'boolean':
      // 'f' is false (Number('f') is NaN, which is not 0); text that is no boolean goes as it is and COPY refuses it.
      return copyEscape(booleanCanonical(v));
    case 'bytes':
      // bytea hex input is \x…; in COPY text the backslash itself is escaped.
      return `\\\\x${typeof v === 'string' ? Buffer.from(v, 'utf8').toString('hex') : v instanceof Uint8Array ? hex(v) : Buffer.from(String(v), 'utf8').toString('hex')}`;
    case 'timestamp':
      return copyEscape(isoInstant(String(v)));
    case 'date':
      return copyEscape(String(v));
    case 'text':
      return copyEscape(
        v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : typeof v === 'number' ? doubleText(v) : String(v),
      );
  }
}

/** One COPY line of a row. */
export function copyLine(row: readonly SqliteValue[], conversions: readonly Conversion[]): string {
  return row.map((v, i) => copyField(v, conversions[i]!)).join('\t') + '\n';
}

/** The value a PostgreSQL driver hands back (node-postgres with its default parsers, or postgres.js). */
export type PgValue = null | string | number | bigint | boolean | Date | Uint8Array;

/**
 * The canonical text of a value, from either side. Numbers by their double value (the
 * precision SQLite had), instants as ISO UTC to the millisecond, bytes as hex.
 */
export function canonical(v: SqliteValue | PgValue, conversion: Conversion): string | null {
  if (v === null || v === undefined) return null;
  switch (conversion) {
    case 'integer':
      return integerCanonical(v);
    case 'real':
    case 'numeric':
      return doubleText(Number(v));
    case 'boolean':
      return booleanCanonical(v);
    case 'bytes':
      return v instanceof Uint8Array
        ? hex(v)
        : typeof v === 'string' && v.startsWith('\\x')
          ? v.slice(2)
          : Buffer.from(String(v), 'utf8').toString('hex');
    case 'timestamp':
      return (v instanceof Date ? v : new Date(isoInstant(String(v)))).toISOString();
    case 'date':
      return v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);
    case 'text':
      return v instanceof Uint8Array
        ? Buffer.from(v).toString('utf8')
        : typeof v === 'number'
          ? doubleText(v)
          : String(v);
  }
}

/**
 * An integer by its value: a fraction stays a fraction (an INTEGER column of SQLite may
 * hold 1.5, and a migration that wrote 1 must not checksum equal), a text that is no whole
 * number stays that text.
 */
function integerCanonical(v: SqliteValue | PgValue): string {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : doubleText(v);
  if (typeof v === 'string') return /^-?\d+$/.test(v.trim()) ? BigInt(v.trim()).toString() : v;
  return String(v);
}

const TRUE_TEXT = new Set(['t', 'true', 'y', 'yes', 'on', '1']);
const FALSE_TEXT = new Set(['f', 'false', 'n', 'no', 'off', '0']);

/**
 * A boolean by its meaning: true, nonzero numbers and PostgreSQL's true spellings are 't';
 * false, 0 and its false spellings ('f' among them) are 'f'; any other text stays itself.
 */
function booleanCanonical(v: SqliteValue | PgValue): string {
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (typeof v === 'number' || typeof v === 'bigint') return Number(v) !== 0 ? 't' : 'f';
  if (typeof v === 'string') {
    const t = v.trim().toLowerCase();
    if (TRUE_TEXT.has(t)) return 't';
    if (FALSE_TEXT.has(t)) return 'f';
    const n = Number(t);
    return t !== '' && Number.isFinite(n) ? (n !== 0 ? 't' : 'f') : v;
  }
  return String(v);
}

const MOD = 2n ** 256n;

/**
 * A digest of a table's rows that does not depend on their order: the sum, modulo 2^256, of
 * each canonical row's SHA-256 (a multiset hash), with the row count. Each side reads its rows
 * in whatever order it likes (collations differ); the same rows give the same digest.
 */
export function rowDigest(): {
  add(row: readonly (SqliteValue | PgValue)[], conversions: readonly Conversion[]): void;
  hex(): string;
  rows(): number;
} {
  let acc = 0n;
  let n = 0;
  return {
    add(row, conversions) {
      // NULL is \N after escaping, so no escaped text (a literal '\N' is '\\N') can be taken for it.
      const line = row
        .map((v, i) => {
          const c = canonical(v, conversions[i]!);
          return c === null ? NULL : copyEscape(c);
        })
        .join('\t');
      acc = (acc + BigInt(`0x${createHash('sha256').update(line).digest('hex')}`)) % MOD;
      n++;
    },
    hex: () => acc.toString(16).padStart(64, '0'),
    rows: () => n,
  };
}
