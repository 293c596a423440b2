import { getRequestListener, type ServerType } from '@hono/node-server';
import { createServer } from 'node:http';
import { closeSync, openSync, writeSync } from 'node:fs';
import { UsageError } from '../lib/errors.ts';
import { createApp } from './app.ts';
import { ReaderPool, createReadersApp } from './readers.ts';
import { installClientErrorHandler, requestErrorResponse } from './http-errors.ts';
import { OverloadGuard, type OverloadOptions } from './overload.ts';
import { indexesPresent, openDatabase, type OpenedDatabase } from '../db/open.ts';
import type { Profile } from '../db/profiles.ts';
import { createSqliteStore, type StatementObserver } from '../db/store.ts';
import { ServerStats } from './stats.ts';
import { packageVersion } from '../lib/versions.ts';

export interface ServeOptions {
  db: string;
  profile: Profile;
  host?: string;
  port?: number;
  /** Log statements slower than this many ms (JSON lines). */
  slowMs?: number;
  /** Where slow-query lines go; default stderr. */
  slowLog?: string;
  /** Load shedding bounds; null turns shedding off. Default OVERLOAD_DEFAULTS. */
  overload?: OverloadOptions | null;
  /** Calibration only: burn this many ms of CPU in every timed request (see AppDeps.injectDelayMs). */
  injectDelayMs?: number;
  /** `--topology readers:N`: serve reads on N worker threads with their own connections. */
  readers?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  /** The SQLite connection (absent on PostgreSQL). */
  opened?: OpenedDatabase;
  /** Settings as read back, and where they differ from the profile's. */
  effective: unknown;
  mismatches: readonly unknown[];
  profileInfo: Record<string, unknown>;
  close(): Promise<void>;
}

export const SERVE_DEFAULTS = { host: '127.0.0.1', port: 0 } as const;

/** GET /profile's answer: what the server really runs with. */
export function describeProfile(opened: OpenedDatabase): Record<string, unknown> {
  const sqliteVersion = (opened.db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  return {
    profile: opened.profile.name,
    description: opened.profile.description,
    requested: opened.requested,
    effective: opened.effective,
    mismatches: opened.mismatches,
    indexes: indexesPresent(opened.db),
    writeTransaction: opened.profile.writeTransaction,
    optimizeOnOpen: opened.profile.optimizeOnOpen,
    sqliteVersion,
    driver: { name: 'better-sqlite3', version: packageVersion('better-sqlite3') },
    pid: process.pid,
  };
}

/**
 * The slow-query log: one JSON line per statement at or above the threshold. The file is
 * opened once, before the database (a bad path is a one-line usage error at start, not a
 * 500 on every request), and a failed write is reported once and never fails the query.
 */
function slowQueryLog(thresholdMs: number, file?: string): { observe: StatementObserver; close(): void } {
  let fd: number | undefined;
  if (file) {
    try {
      fd = openSync(file, 'a');
    } catch (err) {
      throw new UsageError(`cannot open --slow-log ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
    }
  }
  let warned = false;
  return {
    observe: (sql, paramCount, ms) => {
      if (ms < thresholdMs) return;
      const line =
        JSON.stringify({ ts: new Date().toISOString(), ms: Number(ms.toFixed(3)), sql, params: paramCount }) + '\n';
      try {
        if (fd === undefined) process.stderr.write(line);
        else writeSync(fd, line);
      } catch (err) {
        if (!warned) process.stderr.write(`warning: slow-query log write failed: ${(err as Error).message}\n`);
        warned = true;
      }
    },
    close: () => {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}

/** Opens the database with the profile and starts listening. */
export async function startServer(opts: ServeOptions): Promise<RunningServer> {
  const slowLog = opts.slowMs === undefined ? undefined : slowQueryLog(opts.slowMs, opts.slowLog);
  const opened = openDatabase(opts.db, opts.profile);
  const store = createSqliteStore(opened, { onStatement: slowLog?.observe });
  const profileInfo = describeProfile(opened);
  const overload = opts.overload === null ? undefined : new OverloadGuard(opts.overload);
  const extras = {
    ...(overload ? { overload } : {}),
    ...(opts.injectDelayMs ? { injectDelayMs: opts.injectDelayMs } : {}),
  };
  const pool = opts.readers ? await ReaderPool.start(opts.db, opts.profile, opts.readers) : undefined;
  const deps = {
    store,
    profileInfo: pool ? { ...profileInfo, topology: `readers:${opts.readers}` } : profileInfo,
    stats: new ServerStats(),
    ...extras,
  };
  const app = pool ? createReadersApp({ ...deps, pool }) : createApp(deps);
  const release = async () => {
    overload?.close();
    await pool?.close();
    store.close();
    slowLog?.close();
  };
  const listening = await listenApp(app, opts.host, opts.port, release);
  return {
    ...listening,
    opened,
    effective: opened.effective,
    mismatches: opened.mismatches,
    profileInfo,
  };
}

/**
 * Serves a Hono app on host:port (defaults: loopback, a free port). `release` frees what the
 * app holds: after close(), or at once when listening fails.
 */
export async function listenApp(
  app: { fetch: (req: Request) => Response | Promise<Response> },
  hostOpt: string | undefined,
  portOpt: number | undefined,
  release: () => Promise<void>,
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const host = hostOpt ?? SERVE_DEFAULTS.host;
  let server: ServerType;
  const port = await new Promise<number>((resolve, reject) => {
    // getRequestListener + createServer (what serve() does) so malformed requests get JSON errors too.
    // Node's own missing-Host refusal has an empty body; without it the listener refuses with JSON.
    const http = createServer(
      { requireHostHeader: false },
      getRequestListener(app.fetch, { errorHandler: requestErrorResponse }),
    );
    installClientErrorHandler(http);
    server = http;
    http.once('error', reject);
    http.listen(portOpt ?? SERVE_DEFAULTS.port, host, () => resolve((http.address() as { port: number }).port));
  }).catch(async (err) => {
    await release();
    throw err;
  });
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closed = false;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    close: async () => {
      if (closed) return;
      closed = true;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open; the load is over when we close.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      });
      await release();
    },
  };
}
