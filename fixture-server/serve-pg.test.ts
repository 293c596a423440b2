import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import postgres from 'postgres';
import { spawnServer, type ServerHandle } from '../lib/server-process.ts';
import { liveClusters } from '../pg/cluster.ts';
import { PG_PROFILES } from '../pg/profiles.ts';
import { preparePgEnvironment, type PgEnvironment } from '../pg/trial-env.ts';
import { HOSTILE_CORPUS } from '../test-support/hostile/corpus.ts';
import { rawExchange } from '../test-support/hostile/raw-http.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';
import { runPgTests } from '../test-support/pg.ts';

const tmp = tempDir('loadlab-serve-pg-');

/** Every table's row count and an md5 of its rows in id order: any change shows. */
async function pgFingerprint(url: string): Promise<Record<string, string>> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const out: Record<string, string> = {};
    for (const t of ['clients', 'campaigns', 'contents', 'audio_generations']) {
      const [r] = await sql.unsafe(
        `SELECT count(*)::text AS n, md5(string_agg(x::text, ',' ORDER BY x.id)) AS h FROM ${t} x`,
      );
      out[t] = `${r!.n}:${r!.h}`;
    }
    return out;
  } finally {
    await sql.end();
  }
}

describe.skipIf(!runPgTests())('the fixture server on PostgreSQL', () => {
  let env: PgEnvironment;
  let pgServer: ServerHandle;
  let sqliteServer: ServerHandle;
  let trialUrl: string;

  beforeAll(async () => {
    const seeded = tinyDb(tmp.dir, 'tuned');
    const copy = join(tmp.dir, 'served.sqlite');
    copyFileSync(seeded, copy);
    env = await preparePgEnvironment({
      profile: PG_PROFILES.find((p) => p.name === 'pg-tuned')!,
      seededSqlite: seeded,
    });
    trialUrl = await env.newTrialDb();
    [pgServer, sqliteServer] = await Promise.all([
      spawnServer({ db: trialUrl, profile: 'pg-tuned' }),
      spawnServer({ db: copy, profile: 'tuned' }),
    ]);
  }, 120_000);

  afterAll(async () => {
    await Promise.all([pgServer?.stop(), sqliteServer?.stop()]);
    await env?.close();
    tmp.cleanup();
    expect(liveClusters()).toBe(0);
  });

  it('reports the profile as read back from the server', async () => {
    const info = (await (await fetch(`${pgServer.url}/profile`)).json()) as Record<string, unknown>;
    expect(info.engine).toBe('postgres');
    expect(info.profile).toBe('pg-tuned');
    // Server settings come from the suite's own cluster, session settings from the connection.
    expect(info.mismatches).toEqual([]);
    expect((info.effective as Record<string, string>).synchronous_commit).toBe('off');
    expect((info.effective as Record<string, string>).shared_buffers).toBe('256MB');
  });

  it('answers the same reads with the same bodies as SQLite (same seed, migrated)', async () => {
    const paths = [
      '/campaigns/1',
      '/campaigns/37',
      '/campaigns/999999',
      '/clients/1/campaigns?limit=5',
      '/clients/2/campaigns?status=active&limit=50',
      '/clients/999/campaigns',
      '/contents?limit=7',
      '/contents?status=draft&limit=5',
      '/audio-generations?task_id=task-000001&limit=5',
      '/clients/999/contents',
    ];
    for (const p of paths) {
      const [a, b] = await Promise.all([fetch(sqliteServer.url + p), fetch(pgServer.url + p)]);
      expect({ p, status: b.status }).toEqual({ p, status: a.status });
      expect({ p, body: await b.json() }).toEqual({ p, body: await a.json() });
    }
    // ORDER BY created_at: ties may come in either order, so compare the order key and the count.
    const p = '/clients/1/contents?limit=20';
    const [a, b] = await Promise.all([fetch(sqliteServer.url + p), fetch(pgServer.url + p)]);
    const items = async (r: Response) => ((await r.json()) as { items: { created_at: string }[] }).items;
    const [ia, ib] = [await items(a), await items(b)];
    expect(ib.length).toBe(ia.length);
    expect(ib.map((i) => i.created_at)).toEqual(ia.map((i) => i.created_at));
  });

  // First, while no insert has failed: PostgreSQL's sequence is not transactional, so a refused
  // insert (409) uses up an id that SQLite would hand out again.
  it('writes like SQLite: the same new id, 409 for a missing campaign, PATCH 404 for a missing row', async () => {
    const post = (url: string, body: unknown) =>
      fetch(`${url}/contents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const valid = { campaign_id: 3, title: 't-pg', body: 'b', status: 'draft' };
    const [a, b] = [await post(sqliteServer.url, valid), await post(pgServer.url, valid)];
    expect(b.status).toBe(201);
    expect(await b.json()).toEqual(await a.json());
    const missing = { ...valid, campaign_id: 999_999 };
    const [ma, mb] = [await post(sqliteServer.url, missing), await post(pgServer.url, missing)];
    expect(mb.status).toBe(ma.status);
    expect(mb.status).toBe(409);
    const patch = (url: string, id: number) =>
      fetch(`${url}/contents/${id}`, {
        method: 'PATCH',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ status: 'archived' }),
      });
    expect((await patch(pgServer.url, 999_999)).status).toBe(404);
    const ok = await patch(pgServer.url, 5);
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ id: 5, status: 'archived' });
  });
  it('gives every hostile request the same status as SQLite (4xx with a JSON error) and changes nothing', async () => {
    const before = await pgFingerprint(trialUrl);
    const differ: string[] = [];
    for (const c of HOSTILE_CORPUS) {
      const hs = [sqliteServer, pgServer].map((s) => new URL(s.url));
      const [a, b] = [
        await rawExchange(hs[0]!.hostname, Number(hs[0]!.port), c.request),
        await rawExchange(hs[1]!.hostname, Number(hs[1]!.port), c.request),
      ];
      let pgError: unknown;
      try {
        pgError = (JSON.parse(b.body) as { error?: unknown }).error;
      } catch {
        pgError = undefined;
      }
      if (a.status !== b.status || typeof pgError !== 'string' || b.status < 400 || b.status >= 500)
        differ.push(`${c.category}/${c.name}: SQLite ${a.status}, PostgreSQL ${b.status} ${b.body.slice(0, 100)}`);
      expect(pgServer.child.exitCode).toBeNull();
    }
    expect(differ).toEqual([]);
    expect(await pgFingerprint(trialUrl)).toEqual(before);
  }, 60_000);
});
