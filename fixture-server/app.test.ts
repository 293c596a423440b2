import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from './app.ts';
import { openDatabase } from '../db/open.ts';
import { builtinProfile } from '../db/profiles.ts';
import { createSqliteStore, type Store } from '../db/store.ts';
import { describeProfile } from './serve.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';

const tmp = tempDir();
let app: Hono;
let store: Store;

beforeAll(() => {
  const opened = openDatabase(tinyDb(tmp.dir, 'tuned'), builtinProfile('tuned'));
  store = createSqliteStore(opened);
  app = createApp({ store, profileInfo: describeProfile(opened) });
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

const json = (body: unknown, method = 'POST') => ({
  method,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

async function call(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await app.request(path, init);
  expect(res.headers.get('content-type')).toMatch(/application\/json/);
  return { status: res.status, body: await res.json() };
}

describe('read endpoints', () => {
  it('GET /health', async () => {
    expect(await call('/health')).toEqual({ status: 200, body: { ok: true } });
  });

  it('GET /profile shows effective PRAGMAs and indexes', async () => {
    const { status, body } = await call('/profile');
    expect(status).toBe(200);
    expect(body.profile).toBe('tuned');
    expect(body.effective.journal_mode).toBe('wal');
    expect(body.mismatches).toEqual([]);
    expect(body.indexes).toContain('idx_campaigns_client');
    expect(body.sqliteVersion).toMatch(/^3\./);
  });

  it('GET /campaigns/:id returns the row, 404 for an unknown id, 400 for a bad id', async () => {
    const ok = await call('/campaigns/1');
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ id: 1, client_id: expect.any(Number), status: expect.any(String) });
    expect((await call('/campaigns/999999')).status).toBe(404);
    for (const bad of ['abc', '0', '-1', '1.5', '99999999999999999999', '1e3'])
      expect((await call(`/campaigns/${bad}`)).status).toBe(400);
  });

  it('GET /clients/:id/campaigns filters by client and status, honours limit', async () => {
    const all = await call('/clients/1/campaigns?limit=100');
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeGreaterThan(0);
    expect(all.body.items.every((r: any) => r.client_id === 1)).toBe(true);
    const two = await call('/clients/1/campaigns?limit=2');
    expect(two.body.items).toHaveLength(2);
    const completed = await call('/clients/1/campaigns?status=completed&limit=100');
    expect(completed.body.items.every((r: any) => r.status === 'completed')).toBe(true);
    expect((await call('/clients/1/campaigns?limit=0')).status).toBe(400);
    expect((await call('/clients/1/campaigns?limit=101')).status).toBe(400);
    expect((await call('/clients/1/campaigns?status=bogus')).status).toBe(400);
    expect((await call('/clients/999999/campaigns')).status).toBe(404);
  });

  it("GET /clients/:id/contents is the guide's join, newest first", async () => {
    const { status, body } = await call('/clients/1/contents?limit=10');
    expect(status).toBe(200);
    expect(body.items.length).toBeGreaterThan(0);
    const times = body.items.map((r: any) => r.created_at);
    expect([...times].sort().reverse()).toEqual(times);
    expect((await call('/clients/999999/contents')).status).toBe(404);
  });

  it('GET /contents filters by status', async () => {
    const { body } = await call('/contents?status=draft&limit=5');
    expect(body.items).toHaveLength(5);
    expect(body.items.every((r: any) => r.status === 'draft')).toBe(true);
    expect((await call('/contents?status=nope')).status).toBe(400);
  });

  it('GET /audio-generations by task_id', async () => {
    const { status, body } = await call('/audio-generations?task_id=task-00000001');
    expect(status).toBe(200);
    expect(body.items.length).toBeGreaterThan(0);
    expect(body.items.every((r: any) => r.task_id === 'task-00000001')).toBe(true);
    expect((await call('/audio-generations')).status).toBe(400);
    expect((await call("/audio-generations?task_id=' OR 1=1 --")).status).toBe(400);
  });
});

describe('write endpoints', () => {
  it('POST /contents creates a row (201 with the id) readable afterwards', async () => {
    const created = await call('/contents', json({ campaign_id: 2, title: 'hello', body: 'world' }));
    expect(created.status).toBe(201);
    expect(created.body.id).toEqual(expect.any(Number));
    const latest = await call('/contents?limit=1');
    expect(latest.body.items[0]).toMatchObject({
      id: created.body.id,
      campaign_id: 2,
      title: 'hello',
      status: 'draft',
    });
  });

  it('POST /contents rejects bad input with 400, an unknown campaign with 409', async () => {
    expect((await call('/contents', json({ campaign_id: 999999, title: 't', body: 'b' }))).status).toBe(409);
    expect((await call('/contents', json({ campaign_id: '2', title: 't', body: 'b' }))).status).toBe(400);
    expect((await call('/contents', json({ title: 't', body: 'b' }))).status).toBe(400);
    expect((await call('/contents', json({ campaign_id: 2, title: 't', body: 'b', extra: 1 }))).status).toBe(400);
    expect(
      (
        await call('/contents', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"campaign_id":',
        })
      ).status,
    ).toBe(400);
    expect(
      (await call('/contents', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: '{}' })).status,
    ).toBe(415);
    expect(
      (await call('/contents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '' })).status,
    ).toBe(400);
  });

  it('rejects a body over 64 KiB with 413', async () => {
    const big = JSON.stringify({ campaign_id: 2, title: 't', body: 'x'.repeat(70_000) });
    expect(
      (await call('/contents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: big })).status,
    ).toBe(413);
  });

  it('rejects invalid UTF-8 with 400', async () => {
    const bytes = new Uint8Array([
      ...Buffer.from('{"campaign_id":2,"title":"'),
      0xff,
      0xfe,
      ...Buffer.from('","body":"b"}'),
    ]);
    expect(
      (await call('/contents', { method: 'POST', headers: { 'content-type': 'application/json' }, body: bytes }))
        .status,
    ).toBe(400);
  });

  it('PATCH /contents/:id updates the status; 404 for an unknown id', async () => {
    expect(await call('/contents/3', json({ status: 'archived' }, 'PATCH'))).toEqual({
      status: 200,
      body: { id: 3, status: 'archived' },
    });
    expect((await call('/contents/999999', json({ status: 'archived' }, 'PATCH'))).status).toBe(404);
    expect((await call('/contents/3', json({ status: 'gone' }, 'PATCH'))).status).toBe(400);
  });

  it('POST /audio-generations creates a row; 409 for an unknown content', async () => {
    const created = await call('/audio-generations', json({ task_id: 'task-new-1', content_id: 1 }));
    expect(created.status).toBe(201);
    const listed = await call('/audio-generations?task_id=task-new-1');
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({ id: created.body.id, status: 'queued' });
    expect((await call('/audio-generations', json({ task_id: 'x', content_id: 999999 }))).status).toBe(409);
    expect((await call('/audio-generations', json({ task_id: 'bad id!', content_id: 1 }))).status).toBe(400);
  });
});

describe('routing and stats', () => {
  it('unknown routes and methods get a JSON 404', async () => {
    expect((await call('/nope')).status).toBe(404);
    expect((await call('/campaigns/1', { method: 'DELETE' })).status).toBe(404);
  });

  it('/__stats counts timed requests and reset clears them', async () => {
    await call('/__stats/reset', { method: 'POST' });
    await call('/campaigns/1');
    await call('/campaigns/2');
    const { body } = await call('/__stats');
    expect(body.requests).toBe(2);
    expect(body.dbUs.count).toBe(2);
    expect(body.handlerUs.p50).toBeGreaterThanOrEqual(body.dbUs.p50);
  });
});
