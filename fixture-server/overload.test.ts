import { Hono } from 'hono';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../lib/server-process.ts';
import { createApp } from './app.ts';
import type { Store } from '../db/store.ts';
import { OverloadGuard } from './overload.ts';
import { ServerStats } from './stats.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';

const tmp = tempDir('loadlab-overload-');
afterAll(() => tmp.cleanup());

function appWith(guard: OverloadGuard, gate?: Promise<void>): Hono {
  const app = new Hono();
  app.use('*', guard.middleware());
  app.get('/slow', async (c) => {
    await gate;
    return c.json({ ok: true });
  });
  app.get('/__stats', (c) => c.json(guard.snapshot()));
  return app;
}

describe('OverloadGuard', () => {
  it('answers 503 with Retry-After and a JSON error beyond the in-flight bound, and counts it', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const guard = new OverloadGuard({ maxInflight: 2, maxQueueMs: 0, retryAfterS: 3 }, () => 0);
    const app = appWith(guard, gate);
    const first = [app.request('/slow'), app.request('/slow')];
    const third = await app.request('/slow');
    expect(third.status).toBe(503);
    expect(third.headers.get('retry-after')).toBe('3');
    expect(((await third.json()) as { error: string }).error).toMatch(/2 requests in flight/);
    release();
    expect((await Promise.all(first)).map((r) => r.status)).toEqual([200, 200]);
    expect(guard.snapshot()).toMatchObject({ inflight: 0, peakInflight: 2, shedInflight: 1, shedQueue: 0 });
    expect((await app.request('/slow')).status).toBe(200);
  });

  it('sheds while the event-loop delay exceeds the queue bound, never the stats endpoint', async () => {
    let delay = 50;
    const guard = new OverloadGuard({ maxInflight: 0, maxQueueMs: 10, retryAfterS: 1 }, () => delay);
    const app = appWith(guard);
    const shed = await app.request('/slow');
    expect(shed.status).toBe(503);
    expect(shed.headers.get('retry-after')).toBe('1');
    expect((await app.request('/__stats')).status).toBe(200);
    delay = 5;
    expect((await app.request('/slow')).status).toBe(200);
    expect(guard.snapshot()).toMatchObject({ shedQueue: 1, peakEventLoopDelayMs: 50 });
    guard.reset();
    expect(guard.snapshot()).toMatchObject({ shedQueue: 0, shedInflight: 0 });
  });

  it('maps SQLITE_BUSY from the store to 503 + Retry-After and counts it, never a 500', async () => {
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const store = {
      getCampaign: () => {
        throw busy;
      },
      getCampaignJson: () => {
        throw busy;
      },
    } as unknown as Store;
    const stats = new ServerStats();
    const app = createApp({ store, profileInfo: {}, stats });
    const res = await app.request('/campaigns/1');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('1');
    expect(((await res.json()) as { error: string }).error).toMatch(/busy/);
    expect(stats.snapshot().busy).toBe(1);
  });

  it('the real server takes the bounds from its flags and reports memory and shedding in /__stats', async () => {
    const server = await spawnServer({
      db: tinyDb(tmp.dir, 'tuned'),
      profile: 'tuned',
      args: ['--max-inflight', '7', '--max-queue-ms', '250'],
    });
    try {
      const stats = (await (await fetch(`${server.url}/__stats`)).json()) as Record<string, any>;
      expect(stats.overload).toMatchObject({ maxInflight: 7, maxQueueMs: 250, shedInflight: 0, shedQueue: 0 });
      expect(stats.memory.rssBytes).toBeGreaterThan(1e6);
      expect(stats.memory.heapUsedBytes).toBeGreaterThan(1e5);
      expect(stats.busy).toBe(0);
    } finally {
      await server.stop();
    }
  });
});
