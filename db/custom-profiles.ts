/**
 * Profiles as user data: a config file's `customProfiles` extend a built-in profile with
 * PRAGMAs (checked against a known list, with their types and ranges), extra indexes and a
 * write-transaction mode. Pure: validation and construction only; db/profiles.ts keeps
 * the registry.
 */
import type { CustomProfileDef } from '../lib/records/custom-profile.ts';
import { UsageError } from '../lib/errors.ts';
import type { ConnectionPragmas, FilePragmas, JournalMode, Profile } from './profiles.ts';
import { SCHEMA_SQL, TABLES, type IndexDef, type TableName } from './schema.ts';

interface PragmaRule {
  /** Where it lives: the database file, or every connection. */
  where: 'file' | 'connection';
  /** What is allowed, as the error message says it. */
  allowed: string;
  /** The value in SQLite's numeric form (what PRAGMA reads back), or undefined when not allowed. */
  parse: (v: unknown) => number | string | undefined;
}

const int = (min: number, max: number) => (v: unknown) =>
  typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max ? v : undefined;
const oneOf =
  (names: readonly string[]) =>
  (v: unknown): number | undefined => {
    if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < names.length) return v;
    if (typeof v === 'string') {
      const i = names.indexOf(v.toLowerCase());
      return i >= 0 ? i : undefined;
    }
    return undefined;
  };

const JOURNAL_MODES: readonly JournalMode[] = ['delete', 'wal', 'truncate', 'persist', 'memory', 'off'];

/** Every PRAGMA a custom profile may set, with its type and range. */
export const PRAGMA_RULES: Readonly<Record<string, PragmaRule>> = {
  journal_mode: {
    where: 'file',
    allowed: JOURNAL_MODES.join(' | '),
    parse: (v) =>
      typeof v === 'string' && JOURNAL_MODES.includes(v.toLowerCase() as JournalMode) ? v.toLowerCase() : undefined,
  },
  auto_vacuum: {
    where: 'file',
    allowed: '0..2 or none | full | incremental',
    parse: oneOf(['none', 'full', 'incremental']),
  },
  synchronous: {
    where: 'connection',
    allowed: '0..3 or off | normal | full | extra',
    parse: oneOf(['off', 'normal', 'full', 'extra']),
  },
  cache_size: {
    where: 'connection',
    allowed: 'an integer from -1073741824 to 1073741824 (negative: KiB, positive: pages)',
    parse: int(-1_073_741_824, 1_073_741_824),
  },
  temp_store: {
    where: 'connection',
    allowed: '0..2 or default | file | memory',
    parse: oneOf(['default', 'file', 'memory']),
  },
  mmap_size: {
    where: 'connection',
    allowed: 'an integer from 0 to 17179869184 (bytes)',
    parse: int(0, 17_179_869_184),
  },
  busy_timeout: { where: 'connection', allowed: 'an integer from 0 to 600000 (ms)', parse: int(0, 600_000) },
  foreign_keys: { where: 'connection', allowed: '0 or 1', parse: int(0, 1) },
  journal_size_limit: {
    where: 'connection',
    allowed: 'an integer from -1 to 17179869184 (bytes; -1 = no limit)',
    parse: int(-1, 17_179_869_184),
  },
};

export { CustomProfileDef, CustomProfiles } from '../lib/records/custom-profile.ts';

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Each table's columns, read from the schema itself. */
export function tableColumns(table: string): string[] {
  const m = new RegExp(`CREATE TABLE ${table} \\(([^;]*)\\);`).exec(SCHEMA_SQL);
  if (!m) return [];
  return m[1]!
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter((c) => IDENT.test(c));
}
const CREATE_INDEX =
  /^\s*CREATE\s+INDEX\s+(?:IF\s+NOT\s+EXISTS\s+)?([A-Za-z_][A-Za-z0-9_]*)\s+ON\s+([A-Za-z_][A-Za-z0-9_]*)\s*\(([^()]*)\)\s*;?\s*$/i;

/**
 * One `CREATE INDEX name ON table(col, …)` statement, checked strictly: plain identifiers,
 * a table of the fixture schema. The SQL that runs is rebuilt from the parts
 * (createIndexSql), never the text as given.
 */
export function parseIndexStatement(sql: string, where: string): IndexDef {
  const m = CREATE_INDEX.exec(sql);
  if (!m) throw new UsageError(`${where}: expected "CREATE INDEX name ON table(column, …)", got '${sql}'`);
  const [, name, table, cols] = m as unknown as [string, string, string, string];
  if (!(TABLES as readonly string[]).includes(table))
    throw new UsageError(`${where}: unknown table '${table}' (tables: ${TABLES.join(', ')})`);
  const columns = cols.split(',').map((c) => c.trim());
  if (columns.length === 0 || columns.some((c) => !IDENT.test(c)))
    throw new UsageError(`${where}: columns must be plain names, got '${cols.trim()}'`);
  const known = tableColumns(table);
  const unknown = columns.find((c) => !known.includes(c));
  if (unknown) throw new UsageError(`${where}: ${table} has no column '${unknown}' (columns: ${known.join(', ')})`);
  return { name, table: table as TableName, columns };
}

/**
 * A custom profile from its definition: the base profile with the PRAGMAs, indexes and
 * write mode laid over it. `base` finds a built-in profile by name. Bad input is a
 * UsageError naming the key and what is allowed.
 */
export function buildCustomProfile(
  name: string,
  def: CustomProfileDef,
  base: (name: string) => Profile | undefined,
  knownIndex: (name: string) => boolean,
): { profile: Profile; indexes: IndexDef[] } {
  const where = `customProfiles.${name}`;
  if (!IDENT.test(name.replace(/-/g, '_')))
    throw new UsageError(`${where}: a profile name is letters, digits, '_' and '-'`);
  const from = base(def.extends);
  if (!from) throw new UsageError(`${where}.extends: unknown profile '${def.extends}'`);
  const file: FilePragmas = { ...from.file };
  const connection: ConnectionPragmas = { ...from.connection };
  for (const [key, raw] of Object.entries(def.pragmas ?? {})) {
    const rule = PRAGMA_RULES[key];
    if (!rule)
      throw new UsageError(
        `${where}.pragmas.${key}: not a PRAGMA a profile may set (known: ${Object.keys(PRAGMA_RULES).join(', ')})`,
      );
    const value = rule.parse(raw);
    if (value === undefined)
      throw new UsageError(`${where}.pragmas.${key}: ${JSON.stringify(raw)} is not allowed (allowed: ${rule.allowed})`);
    if (rule.where === 'file') (file as unknown as Record<string, unknown>)[key] = value;
    else (connection as Record<string, unknown>)[key] = value;
  }
  const indexes = (def.indexes ?? []).map((sql, i) => parseIndexStatement(sql, `${where}.indexes[${i}]`));
  for (const ix of indexes) {
    if (knownIndex(ix.name)) throw new UsageError(`${where}: index name '${ix.name}' is already taken`);
  }
  const profile: Profile = {
    ...from,
    name,
    description:
      def.description ??
      `${from.name} with ${
        [
          ...Object.entries(def.pragmas ?? {}).map(([k, v]) => `${k}=${v}`),
          ...indexes.map((i) => `index ${i.name}`),
          ...(def.writeTransaction ? [`${def.writeTransaction} writes`] : []),
        ].join(', ') || 'no changes'
      }`,
    file,
    connection,
    indexes: [...from.indexes, ...indexes],
    writeTransaction: def.writeTransaction ?? from.writeTransaction,
  };
  return { profile, indexes };
}
