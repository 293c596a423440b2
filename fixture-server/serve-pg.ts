/**
 * The fixture server on PostgreSQL: the same Hono app (routes, validation, status codes,
 * overload guard) over the PostgreSQL store. Reads `GET /profile`'s settings back from the
 * server. `readers:N` is a SQLite topology (threads with their own file connections); on
 * PostgreSQL the pool already spreads reads over connections, so it is refused.
 */
import { createApp } from './app.ts';
import { OverloadGuard } from './overload.ts';
import { ServerStats } from './stats.ts';
import { listenApp, type RunningServer, type ServeOptions } from './serve.ts';
import { connectPg, createPgStore, pgEffective } from '../pg/store.ts';
import { pgPoolSize, type PgProfile } from '../pg/profiles.ts';
import { packageVersion } from '../lib/versions.ts';
import { UsageError } from '../lib/errors.ts';

export interface PgServeOptions extends Omit<ServeOptions, 'db' | 'profile' | 'readers' | 'slowMs' | 'slowLog'> {
  /** postgres://… of the database to serve. */
  url: string;
  profile: PgProfile;
  /** Pool size (default pgPoolSize()). */
  pool?: number;
}

/** URL without its password, for records and messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.href;
  } catch {
    return '(unparseable URL)';
  }
}

export async function startPgServer(opts: PgServeOptions): Promise<RunningServer> {
  const max = opts.pool ?? pgPoolSize();
  const pool = connectPg(opts.url, opts.profile, { max });
  let settings: Awaited<ReturnType<typeof pgEffective>>;
  try {
    settings = await pgEffective(pool, opts.profile);
    const { n } = (
      await pool.query("SELECT count(*)::int AS n FROM information_schema.tables WHERE table_name = 'campaigns'")
    ).rows[0] as { n: number };
    if (n === 0)
      throw new UsageError(
        `${redactUrl(opts.url)} has no fixture tables: seed it first (loadlab load --engine-db postgres seeds its own)`,
      );
  } catch (err) {
    await pool.end().catch(() => undefined);
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot use PostgreSQL at ${redactUrl(opts.url)}: ${(err as Error).message.split('\n')[0]}`);
  }
  const store = createPgStore(pool);
  const profileInfo = {
    engine: 'postgres',
    profile: opts.profile.name,
    description: opts.profile.description,
    durability: opts.profile.durability,
    requested: settings.requested,
    effective: settings.effective,
    mismatches: settings.mismatches,
    pool: max,
    serverVersion: settings.version,
    driver: { name: 'pg', version: packageVersion('pg') },
    database: redactUrl(opts.url),
    pid: process.pid,
  };
  const overload = opts.overload === null ? undefined : new OverloadGuard(opts.overload);
  const app = createApp({
    store,
    profileInfo,
    stats: new ServerStats(),
    ...(overload ? { overload } : {}),
    ...(opts.injectDelayMs ? { injectDelayMs: opts.injectDelayMs } : {}),
  });
  const listening = await listenApp(app, opts.host, opts.port, async () => {
    overload?.close();
    await store.close();
  });
  return { ...listening, effective: settings.effective, mismatches: settings.mismatches, profileInfo };
}
