import Database from 'better-sqlite3';
import type { Profile } from './profiles.ts';

export type PragmaValues = Record<string, number | string>;

export interface Mismatch {
  pragma: string;
  requested: number | string;
  effective: number | string | undefined;
}

export interface OpenedDatabase {
  db: Database.Database;
  profile: Profile;
  requested: PragmaValues;
  effective: PragmaValues;
  mismatches: Mismatch[];
}

export interface OpenOptions {
  readonly?: boolean;
  /** Default true: refuse to create a file that is not there. */
  fileMustExist?: boolean;
}

/** PRAGMAs read back at every open, whatever the profile asked for. */
export const READBACK_PRAGMAS = [
  'journal_mode',
  'auto_vacuum',
  'synchronous',
  'cache_size',
  'temp_store',
  'mmap_size',
  'busy_timeout',
  'foreign_keys',
  'journal_size_limit',
  'page_size',
] as const;

/** Every PRAGMA the profile sets, file and connection alike, as SQLite reads them back. */
export function requestedPragmas(profile: Profile): PragmaValues {
  const out: PragmaValues = { journal_mode: profile.file.journal_mode, auto_vacuum: profile.file.auto_vacuum };
  for (const [k, v] of Object.entries(profile.connection)) if (v !== undefined) out[k] = v;
  return out;
}

/** Reads every READBACK_PRAGMAS value from a live connection. */
export function readEffectivePragmas(db: Database.Database): PragmaValues {
  const out: PragmaValues = {};
  for (const name of READBACK_PRAGMAS) {
    const value = db.pragma(name, { simple: true }) as number | string;
    out[name] = typeof value === 'string' ? value.toLowerCase() : value;
  }
  return out;
}

export function findMismatches(requested: PragmaValues, effective: PragmaValues): Mismatch[] {
  return Object.entries(requested)
    .filter(([k, v]) => effective[k] !== v)
    .map(([pragma, value]) => ({ pragma, requested: value, effective: effective[pragma] }));
}

/**
 * Applies the PRAGMAs a profile stores in the file, in the order SQLite needs
 * (auto_vacuum before any table exists, then journal_mode), and returns the journal
 * mode SQLite kept. auto_vacuum changes a file with tables only through VACUUM.
 * The one place seed, open, vacuum and optimize set file PRAGMAs.
 */
export function applyFilePragmas(
  db: Database.Database,
  profile: Profile,
  which: readonly (keyof Profile['file'])[] = ['auto_vacuum', 'journal_mode'],
): string {
  if (which.includes('auto_vacuum')) db.pragma(`auto_vacuum = ${int(profile.file.auto_vacuum)}`);
  if (which.includes('journal_mode')) db.pragma(`journal_mode = ${profile.file.journal_mode}`);
  return String(db.pragma('journal_mode', { simple: true })).toLowerCase();
}

/**
 * Applies the connection PRAGMAs of a profile. Order matters: journal_mode first, then
 * synchronous explicitly, because better-sqlite3's build silently turns WAL into
 * synchronous=NORMAL when synchronous was never set.
 */
export function applyConnectionPragmas(
  db: Database.Database,
  profile: Profile,
  opts: { setJournalMode: boolean },
): void {
  const c = profile.connection;
  if (c.busy_timeout !== undefined) db.pragma(`busy_timeout = ${int(c.busy_timeout)}`);
  if (opts.setJournalMode) applyFilePragmas(db, profile, ['journal_mode']);
  if (c.synchronous !== undefined) db.pragma(`synchronous = ${int(c.synchronous)}`);
  if (c.cache_size !== undefined) db.pragma(`cache_size = ${int(c.cache_size)}`);
  if (c.temp_store !== undefined) db.pragma(`temp_store = ${int(c.temp_store)}`);
  if (c.mmap_size !== undefined) db.pragma(`mmap_size = ${int(c.mmap_size)}`);
  if (c.foreign_keys !== undefined) db.pragma(`foreign_keys = ${int(c.foreign_keys)}`);
  if (c.journal_size_limit !== undefined) db.pragma(`journal_size_limit = ${int(c.journal_size_limit)}`);
}

/**
 * Every PRAGMA a connection gets at open, in order: the connection PRAGMAs (and journal_mode
 * when asked), then `PRAGMA optimize` when the profile wants it and the connection can write.
 * openDatabase runs this; the snippet `optimize` prints and the counted child replay what it
 * runs (openPragmaStatements), so there is one list.
 */
export function applyOpenPragmas(
  db: Database.Database,
  profile: Profile,
  opts: { setJournalMode: boolean; readonly: boolean },
): void {
  applyConnectionPragmas(db, profile, { setJournalMode: opts.setJournalMode });
  if (profile.optimizeOnOpen !== null && !opts.readonly) db.pragma(`optimize = ${int(profile.optimizeOnOpen)}`);
}

/** The busy timeout (ms) openDatabase opens with: better-sqlite3's `timeout` option. */
export function openTimeout(profile: Profile): number {
  return profile.connection.busy_timeout ?? 0;
}

/**
 * The `db.pragma()` statements applyOpenPragmas runs for a profile, in its order, recorded from
 * it (so no second list can disagree). Read-backs inside it (PRAGMA without a value) are left out.
 */
export function openPragmaStatements(profile: Profile, opts: { setJournalMode: boolean; readonly: boolean }): string[] {
  const calls: string[] = [];
  const recorder = {
    pragma(source: string): unknown {
      if (source.includes('=')) calls.push(source);
      return profile.file.journal_mode;
    },
  };
  // Only `pragma` is ever called on the connection by applyOpenPragmas.
  applyOpenPragmas(recorder as unknown as Database.Database, profile, opts);
  return calls;
}

function int(n: number): number {
  if (!Number.isInteger(n)) throw new Error(`PRAGMA value must be an integer, got ${n}`);
  return n;
}

/**
 * Opens a database with a profile and reports what SQLite really runs with: the requested
 * value of every PRAGMA the profile sets beside its effective value, and the mismatches.
 */
export function openDatabase(file: string, profile: Profile, opts: OpenOptions = {}): OpenedDatabase {
  const readonly = opts.readonly ?? false;
  const db = new Database(file, {
    readonly,
    fileMustExist: opts.fileMustExist ?? true,
    timeout: openTimeout(profile),
  });
  try {
    applyOpenPragmas(db, profile, { setJournalMode: !readonly, readonly });
    const requested = requestedPragmas(profile);
    const effective = readEffectivePragmas(db);
    return { db, profile, requested, effective, mismatches: findMismatches(requested, effective) };
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Names of the secondary indexes in a database (auto-indexes excluded). */
export function indexesPresent(db: Database.Database): string[] {
  const rows = db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  return rows.map((r) => r.name);
}
