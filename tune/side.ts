/**
 * One configuration ready to time the user's queries: a connection to a database file with
 * the settings applied and read back, and a prepared statement per query cycling through
 * its parameter sets. Reads fetch every row; writes commit one statement at a time (what
 * synchronous and the journal cost is paid per commit).
 */
import Database from 'better-sqlite3';
import type { Query } from '../db/queries-file.ts';
import { measure, type Measurement } from '../bench/measure.ts';
import { prepareOp } from '../bench/prepare.ts';
import { pragmaStatements, type Settings } from './space.ts';
import { WRITE_MIN_TASK_MS } from './budget.ts';

export interface Side {
  settings: Settings;
  /** Times one query for about `timeMs` (at least one call). */
  run(query: string, timeMs: number): Promise<Measurement>;
  close(): void;
}

/** The settings as SQLite reads them back on this connection. */
export function readSettings(db: Database.Database): Settings {
  const get = (name: string) => db.pragma(name, { simple: true }) as number | string;
  return {
    journal_mode: String(get('journal_mode')).toLowerCase() as Settings['journal_mode'],
    synchronous: Number(get('synchronous')) as Settings['synchronous'],
    cache_size: Number(get('cache_size')),
    mmap_size: Number(get('mmap_size')),
    temp_store: Number(get('temp_store')) as Settings['temp_store'],
    page_size: Number(get('page_size')),
  };
}

/** One connection with the settings applied and read back; a setting SQLite did not keep is an error naming it. */
function connect(file: string, settings: Settings): Database.Database {
  const db = new Database(file, { fileMustExist: true, timeout: 5000 });
  try {
    for (const p of pragmaStatements(settings)) db.pragma(p);
    const got = readSettings(db);
    const differs = (Object.keys(settings) as (keyof Settings)[]).filter((k) => got[k] !== settings[k]);
    if (differs.length > 0)
      throw new Error(`SQLite did not keep ${differs.map((k) => `${k}=${settings[k]} (got ${got[k]})`).join(', ')}`);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

export interface SideFiles {
  /** Where the reads run: never written, so every configuration reads the same rows. */
  reads: string;
  /** Where the writes run (they grow it); needed when a query writes. */
  writes?: string;
}

/**
 * Opens a side: the reads on one file and the writes on another, each through its own
 * connection with the same settings. A measurement of other settings than the ones named
 * would be a false result, so a setting SQLite did not keep (mmap not supported, a journal
 * mode refused) is an error; so is a writing query with no file for writes.
 */
export function openSide(
  files: SideFiles,
  settings: Settings,
  queries: readonly Query[],
  writing: ReadonlySet<string>,
): Side {
  const dbs: Database.Database[] = [];
  try {
    const reader = connect(files.reads, settings);
    dbs.push(reader);
    const needsWriter = queries.some((q) => writing.has(q.name));
    if (needsWriter && !files.writes) throw new Error('a writing query needs a file for writes');
    const writer = needsWriter ? connect(files.writes!, settings) : undefined;
    if (writer) dbs.push(writer);
    const ops = new Map(
      queries.map((q) => [
        q.name,
        prepareOp(
          { sql: q.sql },
          { db: writing.has(q.name) ? writer! : reader, paramSets: q.params, writeTransaction: 'deferred' },
        ),
      ]),
    );
    return {
      settings,
      run(query, timeMs) {
        const fn = ops.get(query);
        if (!fn) throw new Error(`no query '${query}'`);
        // A write's task holds several WAL checkpoints, however short the others' (tune/budget.ts).
        const t = writing.has(query) ? Math.max(timeMs, WRITE_MIN_TASK_MS) : timeMs;
        return measure(query, fn, { timeMs: t, minIterations: 1, warmup: false });
      },
      close: () => dbs.forEach((d) => d.close()),
    };
  } catch (err) {
    dbs.forEach((d) => d.close());
    throw err;
  }
}

/** Runs every query once for about `timeMs` and discards the result (page cache and statement warm-up). */
export async function warm(side: Side, queries: readonly Query[], timeMs: number): Promise<void> {
  for (const q of queries) {
    const m = await side.run(q.name, timeMs);
    if (!m.ok) throw new Error(`${q.name}: ${m.reason}`);
  }
}
