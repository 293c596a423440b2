/**
 * PRAGMA profiles as data. Adding a profile is adding one entry.
 *
 * `file` PRAGMAs live in the database file (journal_mode, auto_vacuum); `connection`
 * PRAGMAs must be set at every open. Values are SQLite's numeric forms, which is also
 * what `PRAGMA x` reads back, so requested and effective compare directly.
 */

import { INDEXES, type IndexDef } from './schema.ts';

export type JournalMode = 'delete' | 'wal' | 'truncate' | 'persist' | 'memory' | 'off';

export interface FilePragmas {
  journal_mode: JournalMode;
  /** 0 NONE, 1 FULL, 2 INCREMENTAL. Takes effect only on an empty file or through VACUUM. */
  auto_vacuum: 0 | 1 | 2;
}

export interface ConnectionPragmas {
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous?: 0 | 1 | 2 | 3;
  /** Negative: KiB; positive: pages. */
  cache_size?: number;
  /** 0 DEFAULT, 1 FILE, 2 MEMORY. */
  temp_store?: 0 | 1 | 2;
  mmap_size?: number;
  busy_timeout?: number;
  foreign_keys?: 0 | 1;
  journal_size_limit?: number;
}

export interface Profile {
  name: string;
  description: string;
  file: FilePragmas;
  connection: ConnectionPragmas;
  /** The secondary indexes it creates: catalog entries (schema.ts INDEXES) or a custom profile's own. */
  indexes: IndexDef[];
  /** How write transactions begin. IMMEDIATE takes the write lock up front (no upgrade deadlock). */
  writeTransaction: 'deferred' | 'immediate';
  /** `PRAGMA optimize=<mask>` run at every open, or null. */
  optimizeOnOpen: number | null;
}

/** The guide's five indexes: every entry of the catalog (schema.ts). */
export const GUIDE_INDEXES: readonly IndexDef[] = INDEXES;

/** The guide's profile; `wal-full` below is derived from it. */
const TUNED: Profile = {
  name: 'tuned',
  description: "Exactly the guide's seven PRAGMAs and its five indexes.",
  file: { journal_mode: 'wal', auto_vacuum: 2 },
  connection: {
    synchronous: 1,
    cache_size: -64000,
    temp_store: 2,
    mmap_size: 268435456,
    busy_timeout: 5000,
    foreign_keys: 1,
  },
  indexes: [...GUIDE_INDEXES],
  writeTransaction: 'deferred',
  optimizeOnOpen: null,
};

/** Stock SQLite; `untuned-wal` below is derived from it. */
const UNTUNED: Profile = {
  name: 'untuned',
  description:
    "Stock SQLite defaults set explicitly (better-sqlite3 changes several), primary keys only. foreign_keys=ON in every profile: it is the application's integrity setting, not a tuning knob.",
  file: { journal_mode: 'delete', auto_vacuum: 0 },
  connection: {
    synchronous: 2,
    cache_size: -2000,
    temp_store: 0,
    mmap_size: 0,
    busy_timeout: 0,
    foreign_keys: 1,
    journal_size_limit: -1,
  },
  indexes: [],
  writeTransaction: 'deferred',
  optimizeOnOpen: null,
};

export const PROFILES: Profile[] = [
  UNTUNED,
  TUNED,
  {
    name: 'consensus',
    description:
      'What current production setups converge on (Rails 8, Litestream, PocketBase): WAL+NORMAL, busy_timeout, modest cache, 128 MB mmap, bounded WAL file, IMMEDIATE writes, PRAGMA optimize at open.',
    file: { journal_mode: 'wal', auto_vacuum: 0 },
    connection: {
      synchronous: 1,
      cache_size: -20000,
      temp_store: 2,
      mmap_size: 134217728,
      busy_timeout: 5000,
      foreign_keys: 1,
      journal_size_limit: 67108864,
    },
    indexes: [...GUIDE_INDEXES],
    writeTransaction: 'immediate',
    optimizeOnOpen: 0x10002,
  },
];

/**
 * Experiment-only profiles: accepted by name (seed, serve, durability) but not listed by
 * `profiles` nor among the default arms. `wal-full` is `tuned` with synchronous=FULL, the
 * WAL arm that survives power loss too; `untuned-wal` is `untuned` in WAL mode (the run's
 * reads-while-writing arm: only the journal mode differs).
 */
export const EXPERIMENT_PROFILES: Profile[] = [
  {
    ...UNTUNED,
    name: 'untuned-wal',
    description:
      'Stock SQLite with journal_mode=WAL and nothing else (synchronous stays FULL): the WAL claim measured alone, readers beside a writer.',
    file: { ...UNTUNED.file, journal_mode: 'wal' },
    connection: { ...UNTUNED.connection },
    indexes: [],
  },
  {
    ...TUNED,
    name: 'wal-full',
    description: "The guide's tuned profile with synchronous=FULL instead of NORMAL: every WAL commit is fsynced.",
    connection: { ...TUNED.connection, synchronous: 2 },
    indexes: [...TUNED.indexes],
  },
  {
    ...UNTUNED,
    name: 'untuned-extra',
    description:
      'Stock SQLite with synchronous=EXTRA: in DELETE mode the directory is synced after the journal is unlinked, so a commit survives a power cut right after it.',
    connection: { ...UNTUNED.connection, synchronous: 3 },
    indexes: [],
  },
  {
    ...TUNED,
    name: 'sync-off',
    description:
      "The guide's tuned profile with synchronous=OFF: nothing is ever synced. The power-loss simulator's control: it must lose writes.",
    connection: { ...TUNED.connection, synchronous: 0 },
    indexes: [...TUNED.indexes],
  },
];

/** The built-in or experiment profile of that name, or undefined. */
export function findBuiltinProfile(name: string): Profile | undefined {
  return PROFILES.find((p) => p.name === name) ?? EXPERIMENT_PROFILES.find((p) => p.name === name);
}

/**
 * A built-in profile named in code ('tuned' for a comparison's fixed side), never a user's
 * name: those are looked up in the catalog (catalog/catalog.ts), which knows custom ones too.
 */
export function builtinProfile(name: string): Profile {
  const p = findBuiltinProfile(name);
  if (!p) throw new Error(`no built-in profile '${name}'`);
  return p;
}
