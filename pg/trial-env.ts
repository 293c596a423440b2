/**
 * PostgreSQL for load trials: a server (the suite's own throwaway cluster with the profile's
 * server settings, or one given by URL), a template database holding the seeded SQLite
 * database migrated in (verified by counts and digests, then VACUUM ANALYZE), and per trial
 * a fresh copy (`CREATE DATABASE … TEMPLATE`), the counterpart of copying the SQLite file.
 * After a trial, `auditSnapshot` reads what the write audit needs: row counts, the rows the
 * acknowledged writes name, and amcheck's B-tree verification as the integrity check.
 */
import postgres from 'postgres';
import { startCluster, type PgCluster } from './cluster.ts';
import { migrate, type TableCheck } from './migrate/run.ts';
import type { PgProfile } from './profiles.ts';
import { withDatabase } from './url.ts';

export interface PgEnvironment {
  /** Where the server came from. */
  origin: 'throwaway cluster' | 'given URL';
  /** The server's base URL (its maintenance database). */
  url: string;
  serverVersion: string;
  /** The seed's migration check, per table. */
  seedCheck: TableCheck[];
  /** Seconds the migration of the seed took. */
  seedSeconds: number;
  /** pg_database_size of the template (after VACUUM ANALYZE), bytes. */
  templateBytes: number;
  /** A fresh database copied from the template; its URL. */
  newTrialDb(): Promise<string>;
  /** Drops a trial database (idempotent). */
  dropTrialDb(url: string): Promise<void>;
  /** Drops what it created; stops the cluster when it started one. */
  close(): Promise<void>;
}

const NAME = /^[a-z_][a-z0-9_]*$/;
const quoteIdent = (name: string) => {
  if (!NAME.test(name)) throw new Error(`bad database name '${name}'`);
  return `"${name}"`;
};

/**
 * Starts (or connects to) the server and builds the template from `seededSqlite`. Throws with
 * the reason when PostgreSQL is absent, the URL is unusable, or the migration check fails.
 */
export async function preparePgEnvironment(opts: {
  profile: PgProfile;
  seededSqlite: string;
  /** An existing server; else a throwaway cluster is started. */
  url?: string;
  /** Pin the throwaway cluster (postmaster and backends) to this CPU, as the fixture server is. */
  cpu?: number;
  /** With `url`: what to call the server in records (a cluster the caller started is still a throwaway one). */
  origin?: PgEnvironment['origin'];
  onProgress?: (message: string) => void;
}): Promise<PgEnvironment> {
  let cluster: PgCluster | undefined;
  if (!opts.url) {
    opts.onProgress?.(`starting a throwaway PostgreSQL cluster (${opts.profile.name})`);
    cluster = await startCluster({
      settings: opts.profile.server,
      ...(opts.cpu !== undefined ? { cpu: opts.cpu } : {}),
    });
  }
  const base = opts.url ?? cluster!.url;
  const admin = postgres(base, { max: 1, onnotice: () => {}, connect_timeout: 10 });
  const tag = `${process.pid}_${Date.now().toString(36)}`;
  const template = `loadlab_seed_${tag}`;
  const created: string[] = [];
  let n = 0;
  const dropDb = async (name: string) => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
    const i = created.indexOf(name);
    if (i >= 0) created.splice(i, 1);
  };
  const close = async () => {
    try {
      for (const name of [...created].reverse()) await dropDb(name).catch(() => undefined);
    } finally {
      await admin.end({ timeout: 5 }).catch(() => undefined);
      cluster?.stop();
    }
  };
  try {
    const [{ v }] = (await admin`SELECT current_setting('server_version') AS v`) as unknown as [{ v: string }];
    await admin.unsafe(`CREATE DATABASE ${quoteIdent(template)}`);
    created.push(template);
    opts.onProgress?.(`migrating the seed into ${template}`);
    const templateUrl = withDatabase(base, template);
    const m = await migrate({ sqliteFile: opts.seededSqlite, url: templateUrl });
    if (!m.ok) throw new Error(`migrating the seed failed: ${m.reason}`);
    const t = postgres(templateUrl, { max: 1, onnotice: () => {}, connect_timeout: 10 });
    try {
      await t.unsafe('VACUUM ANALYZE');
    } finally {
      await t.end({ timeout: 5 });
    }
    const [{ bytes }] = (await admin`SELECT pg_database_size(${template})::bigint AS bytes`) as unknown as [
      { bytes: string },
    ];
    return {
      origin: cluster ? 'throwaway cluster' : (opts.origin ?? 'given URL'),
      templateBytes: Number(bytes),
      url: base,
      serverVersion: v,
      seedCheck: m.tables,
      seedSeconds: m.seconds,
      async newTrialDb() {
        const name = `loadlab_trial_${tag}_${n++}`;
        await admin.unsafe(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(template)}`);
        created.push(name);
        return withDatabase(base, name);
      },
      async dropTrialDb(url) {
        const name = decodeURIComponent(new URL(url).pathname.slice(1));
        await dropDb(name);
      },
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

export interface PgAuditSnapshot {
  counts: Record<string, number>;
  /** 'ok' when amcheck verified every B-tree index against its table, else what it found. */
  integrity: string;
  /** Per table, rows by id (the columns the write check reads). */
  rows: Map<string, Map<number, Record<string, unknown>>>;
}

/**
 * Counts, the rows the write check asks for (by table, the ids it names: acknowledged inserts
 * and patched rows, so the read is bounded by the writes, not the table), and amcheck's
 * verdict, from a trial database after its server stopped.
 */
export async function pgAuditSnapshot(
  url: string,
  countTables: string[],
  wanted: ReadonlyMap<string, ReadonlySet<number>>,
): Promise<PgAuditSnapshot> {
  const sql = postgres(url, {
    max: 1,
    onnotice: () => {},
    connect_timeout: 10,
    types: { int8: { to: 20, from: [20], serialize: (x: unknown) => String(x), parse: (x: string) => Number(x) } },
  } as postgres.Options<Record<string, postgres.PostgresType>>);
  try {
    const counts: Record<string, number> = {};
    for (const t of countTables) {
      const [{ n }] = (await sql.unsafe(`SELECT count(*) AS n FROM ${quoteIdent(t)}`)) as unknown as [{ n: number }];
      counts[t] = Number(n);
    }
    const rows = new Map<string, Map<number, Record<string, unknown>>>();
    for (const [t, idSet] of wanted) {
      const byId = new Map<number, Record<string, unknown>>();
      const ids = [...idSet];
      for (let i = 0; i < ids.length; i += 10_000) {
        const chunk = ids.slice(i, i + 10_000).map(String);
        const got = (await sql.unsafe(`SELECT * FROM ${quoteIdent(t)} WHERE id = ANY($1::bigint[])`, [
          chunk,
        ] as never)) as unknown as Record<string, unknown>[];
        for (const r of got) byId.set(Number(r.id), r);
      }
      rows.set(t, byId);
    }
    return { counts, integrity: await amcheck(sql), rows };
  } finally {
    await sql.end({ timeout: 5 });
  }
}

/** bt_index_check(index, heapallindexed => true) on every B-tree index of the public schema. */
async function amcheck(sql: postgres.Sql): Promise<string> {
  try {
    await sql.unsafe('CREATE EXTENSION IF NOT EXISTS amcheck');
  } catch (err) {
    return `not checked: amcheck unavailable (${(err as Error).message.split('\n')[0]})`;
  }
  const indexes = (await sql.unsafe(
    `SELECT c.oid::bigint AS oid, c.relname AS name FROM pg_index i
       JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_am a ON a.oid = c.relam
      WHERE a.amname = 'btree' AND c.relnamespace = 'public'::regnamespace`,
  )) as unknown as { oid: number; name: string }[];
  const problems: string[] = [];
  for (const ix of indexes) {
    try {
      await sql.unsafe('SELECT bt_index_check($1::oid, true)', [ix.oid]);
    } catch (err) {
      problems.push(`${ix.name}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  if (indexes.length === 0) return 'not checked: no B-tree index found';
  return problems.length ? problems.join('; ') : 'ok';
}
