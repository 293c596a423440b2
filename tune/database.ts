/** What tune reads from the copy before measuring, and the guide's `tuned` as a reference on it. */
import type Database from 'better-sqlite3';
import { statementWrites } from '../bench/prepare.ts';
import { builtinProfile, GUIDE_INDEXES } from '../db/profiles.ts';
import type { Query } from '../db/queries-file.ts';
import { UsageError } from '../lib/errors.ts';
import { tableColumns, tableIndexes, tableNames } from '../ops/catalog.ts';
import { createIndexStatement, type IndexCandidate } from './index-candidates.ts';
import type { Settings } from './space.ts';

/** The guide's tuned PRAGMAs on this file (its page size stays: tuned does not set one). */
export function tunedSettings(current: Settings): Settings {
  const t = builtinProfile('tuned');
  return {
    journal_mode: t.file.journal_mode as Settings['journal_mode'],
    synchronous: t.connection.synchronous!,
    cache_size: t.connection.cache_size!,
    mmap_size: t.connection.mmap_size!,
    temp_store: t.connection.temp_store!,
    page_size: current.page_size,
  };
}

/** The guide's indexes whose table and columns this database has and does not index already. */
export function applicableGuideIndexes(db: Database.Database): IndexCandidate[] {
  const tables = new Set(tableNames(db));
  return GUIDE_INDEXES.filter((def) => {
    if (!tables.has(def.table)) return false;
    const cols = new Set(tableColumns(db, def.table));
    if (!def.columns.every((c) => cols.has(c))) return false;
    return !tableIndexes(db, def.table).some((ix) => def.columns.every((c, k) => ix.columns[k] === c));
  }).map((def) => ({
    name: def.name,
    table: def.table,
    columns: [...def.columns],
    sql: createIndexStatement(def.name, def.table, [...def.columns]),
    reasons: ['the guide'],
    changes: [],
    requires: [],
  }));
}

/** Names of the queries that write, as SQLite sees them; one that does not prepare is a UsageError naming it. */
export function writingQueries(db: Database.Database, queries: readonly Query[]): Set<string> {
  const out = new Set<string>();
  for (const q of queries) {
    try {
      if (statementWrites(db, q.sql)) out.add(q.name);
    } catch (err) {
      throw new UsageError(`${q.name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  return out;
}
