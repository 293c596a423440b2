import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../lib/server-process.ts';
import { HOSTILE_CORPUS } from '../test-support/hostile/corpus.ts';
import { dbFingerprint } from '../test-support/hostile/fingerprint.ts';
import { rawExchange, type RawResponse } from '../test-support/hostile/raw-http.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';

const tmp = tempDir('loadlab-hostile-');
afterAll(() => tmp.cleanup());

function jsonError(res: RawResponse): string | undefined {
  try {
    const body = JSON.parse(res.body) as { error?: unknown };
    return typeof body.error === 'string' ? body.error : undefined;
  } catch {
    return undefined;
  }
}

describe('hostile corpus', () => {
  it('has at least 50 requests across every category the issue names', () => {
    expect(HOSTILE_CORPUS.length).toBeGreaterThanOrEqual(50);
    const categories = new Set(HOSTILE_CORPUS.map((c) => c.category));
    for (const c of [
      'json',
      'content-type',
      'types',
      'fields',
      'empty',
      'large',
      'nesting',
      'sqli',
      'ids',
      'traversal',
      'routes',
      'limit',
      'utf8',
      'percent',
      'query',
      'headers',
      'framing',
    ])
      expect(categories).toContain(c);
    expect(new Set(HOSTILE_CORPUS.map((c) => `${c.category}/${c.name}`)).size).toBe(HOSTILE_CORPUS.length);
  });
});

const ARMS: [string, string[]][] = [
  ['untuned', []],
  ['tuned', []],
  ['consensus', []],
  ['tuned', ['--topology', 'readers:2']],
  ['tuned', ['--topology', 'cluster:2']],
];

describe.each(ARMS)('the real server (%s %j) under the hostile corpus', (profile, args) => {
  it('answers every request with a 4xx JSON error, keeps serving, and leaves the data unchanged', async () => {
    const armDir = join(tmp.dir, [profile, ...args].join('-').replace(/[^a-z0-9-]/gi, '_'));
    mkdirSync(armDir);
    const db = tinyDb(armDir, profile);
    const before = dbFingerprint(db);
    const server = await spawnServer({ db, profile, args });
    try {
      const { hostname, port } = new URL(server.url);
      const wrong: string[] = [];
      for (const c of HOSTILE_CORPUS) {
        const res = await rawExchange(hostname, Number(port), c.request);
        const statusOk = c.expect === '4xx' ? res.status >= 400 && res.status < 500 : res.status === c.expect;
        if (!statusOk || jsonError(res) === undefined)
          wrong.push(
            `${c.category}/${c.name}: ${res.status} ${res.body.slice(0, 120)} (expected ${c.expect} with {error})`,
          );
        if (server.child.exitCode !== null) throw new Error(`server died after '${c.name}': ${server.stderrTail()}`);
      }
      expect(wrong).toEqual([]);

      // A keep-alive client (fetch) that sends all 10 MB anyway reads its 413 too.
      const big = await fetch(`${server.url}/contents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ campaign_id: 1, title: 't', body: 'x'.repeat(10 * 1024 * 1024) }),
      });
      expect(big.status).toBe(413);
      expect(((await big.json()) as { error: string }).error).toMatch(/larger than/);

      // Still serving normally.
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      expect((await fetch(`${server.url}/campaigns/1`)).status).toBe(200);
      const list = await fetch(`${server.url}/contents?limit=5`);
      expect(list.status).toBe(200);
      expect(((await list.json()) as { items: unknown[] }).items).toHaveLength(5);
      expect(server.stderrTail()).not.toMatch(/internal error/);

      // Data unchanged, read through a separate read-only connection while the server runs.
      expect(dbFingerprint(db)).toEqual(before);

      // And writes still work.
      const created = await fetch(`${server.url}/contents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ campaign_id: 1, title: "'); DROP TABLE contents; --", body: 'stored as data' }),
      });
      expect(created.status).toBe(201);
    } finally {
      await server.stop();
    }
    const after = dbFingerprint(db);
    expect(after.contents!.rows).toBe(before.contents!.rows + 1);
    expect(after.campaigns).toEqual(before.campaigns);
  });
});
