import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AnyStore } from '../db/store.ts';
import { ServerStats } from './stats.ts';
import { isAbortedRequest } from './http-errors.ts';
import type { OverloadGuard } from './overload.ts';
import {
  ContentStatusBody,
  HttpError,
  NewAudioBody,
  NewContentBody,
  campaignStatus,
  checkQuery,
  contentStatus,
  parseId,
  parseJsonBody,
  parseLimit,
  parseTaskId,
} from './validation.ts';

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

export const MAX_BODY_BYTES = 64 * 1024;

export interface AppDeps {
  /** SQLite (answers now) or PostgreSQL (answers as promises). */
  store: AnyStore;
  /** What GET /profile answers: the profile, requested and effective PRAGMAs, indexes, versions. */
  profileInfo: Record<string, unknown>;
  stats?: ServerStats;
  /**
   * Calibration only (`serve --inject-delay-ms`): every timed request burns this many ms of
   * CPU before its handler, a known slowdown for checking that comparisons detect one.
   */
  injectDelayMs?: number;
  /** Load shedding (503 + Retry-After); none when absent. */
  overload?: OverloadGuard;
}

/** Per-request timing: SQLite time accumulates in `dbMs` through `timeDb`. */
interface Timer {
  dbMs: number;
}

type Maybe<T> = T | Promise<T>;

/** `f(v)` at once when `v` is a value, once it settles when it is a promise: SQLite stays synchronous. */
function then<T, R>(v: Maybe<T>, f: (x: T) => R): R | Promise<Awaited<R>> {
  return v instanceof Promise ? (v.then(f) as Promise<Awaited<R>>) : f(v);
}

/** Runs a store call and adds its time (until it settles, for a promise) to `dbMs`. */
function timeDb<T>(timer: Timer, fn: () => Maybe<T>): Maybe<T> {
  const t0 = performance.now();
  let v: Maybe<T>;
  try {
    v = fn();
  } catch (err) {
    timer.dbMs += performance.now() - t0;
    throw err;
  }
  if (v instanceof Promise)
    return v.finally(() => {
      timer.dbMs += performance.now() - t0;
    });
  timer.dbMs += performance.now() - t0;
  return v;
}

type Handler = (c: Context, t: Timer) => Response | Promise<Response>;

/** Unknown or repeated query parameters are a 400; most requests have none, so skip the parse then. */
function checkQueryOf(c: Context, allowed: readonly string[]): void {
  if (c.req.url.includes('?')) checkQuery(c.req.queries(), allowed);
}

const SQLITE_BUSY = /^SQLITE_(BUSY|LOCKED)/;
const SQLITE_CONSTRAINT = /^SQLITE_CONSTRAINT/;
/** PostgreSQL's SQLSTATEs: class 23 is integrity constraint violation, 23503 foreign_key_violation. */
const PG_CONSTRAINT = /^23[0-9A-Z]{3}$/;
const PG_FOREIGN_KEY = '23503';
/** Serialization failure, deadlock, lock not available, too many connections, starting up: retry later. */
const PG_BUSY = new Set(['40001', '40P01', '55P03', '53300', '57P03', 'LOADLAB_POOL_TIMEOUT']);

function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The fixture application: routes only, no listen(). */
export function createApp(deps: AppDeps): Hono {
  const { store } = deps;
  const stats = deps.stats ?? new ServerStats();
  const app = new Hono();
  if (deps.overload) app.use('*', deps.overload.middleware());

  const timed =
    (handler: Handler) =>
    (c: Context): Response | Promise<Response> => {
      const t0 = performance.now();
      const timer: Timer = { dbMs: 0 };
      if (deps.injectDelayMs)
        while (performance.now() - t0 < deps.injectDelayMs) {
          /* calibration: burn CPU like a slower handler would */
        }
      const res = handler(c, timer);
      // Sync handlers (every read) skip the promise: it is measurable at 50k+ requests/s.
      if (res instanceof Response) {
        stats.record(performance.now() - t0, timer.dbMs);
        return res;
      }
      return res.then((r) => {
        stats.record(performance.now() - t0, timer.dbMs);
        return r;
      });
    };
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => c.json({ error: `body larger than ${MAX_BODY_BYTES} bytes` }, 413),
  });
  const body = async <T>(c: Context, schema: Parameters<typeof parseJsonBody<T>>[2]): Promise<T> =>
    parseJsonBody(c.req.header('content-type'), await c.req.arrayBuffer(), schema);

  app.get('/health', (c) => c.json({ ok: true }));
  app.get('/profile', (c) => c.json(deps.profileInfo));
  app.get('/__stats', (c) => {
    const { rss, heapUsed } = process.memoryUsage();
    return c.json({
      ...stats.snapshot(),
      memory: { rssBytes: rss, heapUsedBytes: heapUsed },
      ...(deps.overload ? { overload: deps.overload.snapshot() } : {}),
    });
  });
  app.post('/__stats/reset', (c) => {
    stats.reset();
    deps.overload?.reset();
    return c.json({ ok: true });
  });

  app.get(
    '/campaigns/:id',
    timed((c, t) => {
      checkQueryOf(c, []);
      const id = parseId(c.req.param('id'), 'campaign id');
      // The database serialises the row itself: one allocation instead of an object plus JSON.stringify.
      return then(
        timeDb(t, () => store.getCampaignJson(id)),
        (json) =>
          json === undefined ? c.json({ error: `campaign ${id} not found` }, 404) : c.body(json, 200, JSON_HEADERS),
      );
    }),
  );

  app.get(
    '/clients/:id/campaigns',
    timed((c, t) => {
      checkQueryOf(c, ['limit', 'status']);
      const clientId = parseId(c.req.param('id'), 'client id');
      const limit = parseLimit(c.req.query('limit'));
      const status = campaignStatus(c.req.query('status'));
      const items = timeDb(t, () =>
        then(store.clientExists(clientId), (found) =>
          found ? store.listClientCampaigns(clientId, limit, status) : undefined,
        ),
      );
      return then(items, (rows) =>
        rows ? c.json({ items: rows }) : c.json({ error: `client ${clientId} not found` }, 404),
      );
    }),
  );

  app.get(
    '/clients/:id/contents',
    timed((c, t) => {
      checkQueryOf(c, ['limit']);
      const clientId = parseId(c.req.param('id'), 'client id');
      const limit = parseLimit(c.req.query('limit'));
      const items = timeDb(t, () =>
        then(store.clientExists(clientId), (found) => (found ? store.listClientContents(clientId, limit) : undefined)),
      );
      return then(items, (rows) =>
        rows ? c.json({ items: rows }) : c.json({ error: `client ${clientId} not found` }, 404),
      );
    }),
  );

  app.get(
    '/contents',
    timed((c, t) => {
      checkQueryOf(c, ['limit', 'status']);
      const limit = parseLimit(c.req.query('limit'));
      const status = contentStatus(c.req.query('status'));
      return then(
        timeDb(t, () => store.listContents(limit, status)),
        (items) => c.json({ items }),
      );
    }),
  );

  app.post(
    '/contents',
    limitBody,
    timed(async (c, t) => {
      const input = await body(c, NewContentBody);
      const id = await timeDb(t, () => store.createContent(input));
      return c.json({ id }, 201);
    }),
  );

  app.patch(
    '/contents/:id',
    limitBody,
    timed(async (c, t) => {
      const id = parseId(c.req.param('id'), 'content id');
      const { status } = await body(c, ContentStatusBody);
      const found = await timeDb(t, () => store.updateContentStatus(id, status));
      return found ? c.json({ id, status }) : c.json({ error: `content ${id} not found` }, 404);
    }),
  );

  app.post(
    '/audio-generations',
    limitBody,
    timed(async (c, t) => {
      const input = await body(c, NewAudioBody);
      const id = await timeDb(t, () => store.createAudioGeneration(input));
      return c.json({ id }, 201);
    }),
  );

  app.get(
    '/audio-generations',
    timed((c, t) => {
      checkQueryOf(c, ['task_id', 'limit']);
      const taskId = parseTaskId(c.req.query('task_id'));
      const limit = parseLimit(c.req.query('limit'));
      return then(
        timeDb(t, () => store.listAudioByTask(taskId, limit)),
        (items) => c.json({ items }),
      );
    }),
  );

  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));

  app.onError((err, c) => {
    if (err instanceof HttpError) return c.json({ error: err.message }, err.status);
    // The client vanished or broke the framing mid-body: nobody reads this answer, and it is not a server fault.
    if (isAbortedRequest(err)) return c.json({ error: 'request aborted while reading the body' }, 400);
    const code = sqliteCode(err);
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY' || code === PG_FOREIGN_KEY)
      return c.json({ error: 'referenced row does not exist' }, 409);
    if (code && (SQLITE_CONSTRAINT.test(code) || PG_CONSTRAINT.test(code)))
      return c.json({ error: `constraint failed (${code})` }, 409);
    if (code && (SQLITE_BUSY.test(code) || PG_BUSY.has(code))) {
      stats.busy();
      c.header('Retry-After', '1');
      return c.json({ error: `database busy (${code}); retry later` }, 503);
    }
    console.error(`internal error on ${c.req.method} ${c.req.path}:`, err);
    return c.json({ error: 'internal error' }, 500);
  });

  return app;
}
