/**
 * PostgreSQL profiles as data, the counterpart of db/profiles.ts. `server` settings need a
 * server start (`-c name=value` on the suite's own cluster; on a server of yours they are
 * only read back and reported when they differ); `session` settings go into every
 * connection's startup packet. Values are written as `current_setting()` reads them back,
 * so requested and effective compare as text.
 */
import { availableParallelism } from 'node:os';

export interface PgProfile {
  name: string;
  description: string;
  /** Settings that take a server (re)start. */
  server: Record<string, string>;
  /** Settings sent with each connection. */
  session: Record<string, string>;
  /** The SQLite profile whose seeded database is migrated in: its schema, rows and indexes. */
  seedFrom: string;
  /** What the profile trades for speed, in words (like NORMAL's note in db/profiles.ts). */
  durability: string;
}

export const PG_PROFILES: readonly PgProfile[] = [
  {
    name: 'pg-default',
    description: 'PostgreSQL as initdb leaves it: shared_buffers 128MB, synchronous_commit on, fsync on.',
    server: {},
    session: {},
    seedFrom: 'tuned',
    durability: 'every acknowledged commit is flushed to the WAL on disk (fsync) before the answer',
  },
  {
    name: 'pg-tuned',
    description:
      'Common OLTP tuning: shared_buffers 256MB, effective_cache_size 1GB, wal_buffers 16MB, max_wal_size 2GB, ' +
      'random_page_cost 1.1, jit off, synchronous_commit off.',
    server: {
      shared_buffers: '256MB',
      effective_cache_size: '1GB',
      wal_buffers: '16MB',
      max_wal_size: '2GB',
    },
    session: {
      synchronous_commit: 'off',
      random_page_cost: '1.1',
      jit: 'off',
    },
    seedFrom: 'tuned',
    durability:
      'synchronous_commit=off, like SQLite WAL+NORMAL: a crash of the server or machine may lose the last ' +
      'acknowledged commits (up to 3 x wal_writer_delay, 600 ms by default); it never corrupts the database',
  },
];

/**
 * Connections per server process: (cores x 2) + 1, the PostgreSQL wiki's starting point
 * ("connections = ((core_count * 2) + effective_spindle_count)", one spindle for an SSD).
 */
export function pgPoolSize(cores = availableParallelism()): number {
  return cores * 2 + 1;
}
