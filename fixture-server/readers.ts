import { Worker } from 'node:worker_threads';
import type { Profile } from '../db/profiles.ts';
import { Hono, type Context } from 'hono';
import { createApp, type AppDeps } from './app.ts';
import { ServerStats } from './stats.ts';
import {
  HttpError,
  campaignStatus,
  checkQuery,
  contentStatus,
  parseId,
  parseLimit,
  parseTaskId,
} from './validation.ts';

export type ReadOp = 'getCampaign' | 'clientCampaigns' | 'clientContents' | 'listContents' | 'listAudioByTask';
export interface ReadRequest {
  id: number;
  op: ReadOp;
  args: unknown[];
}
export interface ReadReply {
  id: number;
  result?: unknown;
  error?: { message: string; code?: string };
  dbMs: number;
}

// Worker threads do not inherit tsx's loader: register it in the thread, then load the module.
const BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./reader-thread.ts', import.meta.url).href)}); })`;

/** N reader threads, each with its own connection; requests go to the least busy one. */
export class ReaderPool {
  private readonly workers: { worker: Worker; pending: number }[] = [];
  private readonly waiting = new Map<number, { resolve: (r: ReadReply) => void; slot: { pending: number } }>();
  private nextId = 1;
  private closing = false;

  private constructor() {}

  /** Starts the threads and waits until each has opened its connection (bounded). */
  static async start(db: string, profile: Profile, readers: number, timeoutMs = 30_000): Promise<ReaderPool> {
    const pool = new ReaderPool();
    await Promise.all(Array.from({ length: readers }, () => pool.spawn(db, profile, timeoutMs)));
    return pool;
  }

  private spawn(db: string, profile: Profile, timeoutMs: number): Promise<void> {
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData: { db, profile } });
    const slot = { worker, pending: 0 };
    this.workers.push(slot);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`reader thread did not start within ${timeoutMs} ms`)),
        timeoutMs,
      );
      worker.on('message', (m: ReadReply | { ready: true }) => {
        if ('ready' in m) {
          clearTimeout(timer);
          resolve();
          return;
        }
        const w = this.waiting.get(m.id);
        if (!w) return;
        this.waiting.delete(m.id);
        w.slot.pending--;
        w.resolve(m);
      });
      const died = (why: string) => {
        clearTimeout(timer);
        if (this.closing) return;
        reject(new Error(why));
        // A server that lost a reader would answer wrongly or hang: die loudly instead.
        process.stderr.write(`error: reader thread ${why}; exiting\n`);
        process.exit(1);
      };
      worker.once('error', (err) => died(`failed: ${err.message}`));
      worker.once('exit', (code) => died(`exited (${code})`));
    });
  }

  /** Runs a read on the least busy thread. */
  read(op: ReadOp, args: unknown[]): Promise<ReadReply> {
    let slot = this.workers[0]!;
    for (const w of this.workers) if (w.pending < slot.pending) slot = w;
    slot.pending++;
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, { resolve, slot });
      slot.worker.postMessage({ id, op, args } satisfies ReadRequest);
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}

const SQLITE_BUSY = /^SQLITE_(BUSY|LOCKED)/;

/**
 * The fixture app for `--topology readers:N`: the read routes run on the reader threads
 * (same validation, same answers), everything else (writes, /health, /__stats) is the
 * ordinary app on the main thread's connection.
 */
export function createReadersApp(deps: AppDeps & { pool: ReaderPool }): Hono {
  const stats = deps.stats ?? new ServerStats();
  const app = new Hono();
  // Shedding here covers the read routes too; the mounted app below then must not count a request twice.
  if (deps.overload) app.use('*', deps.overload.middleware());
  const timed =
    (handler: (c: Context, dbMs: { v: number }) => Promise<Response>) =>
    async (c: Context): Promise<Response> => {
      const t0 = performance.now();
      if (deps.injectDelayMs)
        while (performance.now() - t0 < deps.injectDelayMs) {
          /* calibration: burn CPU like a slower handler would */
        }
      const dbMs = { v: 0 };
      const res = await handler(c, dbMs);
      stats.record(performance.now() - t0, dbMs.v);
      return res;
    };
  const read = async (dbMs: { v: number }, op: ReadOp, args: unknown[]): Promise<unknown> => {
    const reply = await deps.pool.read(op, args);
    dbMs.v += reply.dbMs;
    if (reply.error)
      throw Object.assign(new Error(reply.error.message), reply.error.code ? { code: reply.error.code } : {});
    return reply.result;
  };

  app.get(
    '/campaigns/:id',
    timed(async (c, t) => {
      checkQuery(c.req.queries(), []);
      const id = parseId(c.req.param('id'), 'campaign id');
      const row = await read(t, 'getCampaign', [id]);
      return row ? c.json(row) : c.json({ error: `campaign ${id} not found` }, 404);
    }),
  );
  app.get(
    '/clients/:id/campaigns',
    timed(async (c, t) => {
      checkQuery(c.req.queries(), ['limit', 'status']);
      const clientId = parseId(c.req.param('id'), 'client id');
      const items = await read(t, 'clientCampaigns', [
        clientId,
        parseLimit(c.req.query('limit')),
        campaignStatus(c.req.query('status')),
      ]);
      return items ? c.json({ items }) : c.json({ error: `client ${clientId} not found` }, 404);
    }),
  );
  app.get(
    '/clients/:id/contents',
    timed(async (c, t) => {
      checkQuery(c.req.queries(), ['limit']);
      const clientId = parseId(c.req.param('id'), 'client id');
      const items = await read(t, 'clientContents', [clientId, parseLimit(c.req.query('limit'))]);
      return items ? c.json({ items }) : c.json({ error: `client ${clientId} not found` }, 404);
    }),
  );
  app.get(
    '/contents',
    timed(async (c, t) => {
      checkQuery(c.req.queries(), ['limit', 'status']);
      return c.json({
        items: await read(t, 'listContents', [parseLimit(c.req.query('limit')), contentStatus(c.req.query('status'))]),
      });
    }),
  );
  app.get(
    '/audio-generations',
    timed(async (c, t) => {
      checkQuery(c.req.queries(), ['task_id', 'limit']);
      return c.json({
        items: await read(t, 'listAudioByTask', [
          parseTaskId(c.req.query('task_id')),
          parseLimit(c.req.query('limit')),
        ]),
      });
    }),
  );
  app.onError((err, c) => {
    if (err instanceof HttpError) return c.json({ error: err.message }, err.status);
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && SQLITE_BUSY.test(code)) {
      stats.busy();
      c.header('Retry-After', '1');
      return c.json({ error: `database busy (${code}); retry later` }, 503);
    }
    console.error(`internal error on ${c.req.method} ${c.req.path}:`, err);
    return c.json({ error: 'internal error' }, 500);
  });
  app.route('/', createApp({ ...deps, stats, overload: undefined }));
  app.notFound((c) => c.json({ error: `no route for ${c.req.method} ${c.req.path}` }, 404));
  return app;
}
