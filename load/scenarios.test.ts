import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hono } from 'hono';
import { createApp } from '../fixture-server/app.ts';
import { openDatabase } from '../db/open.ts';
import { builtinProfile } from '../db/profiles.ts';
import { createSqliteStore, type Store } from '../db/store.ts';
import { describeProfile } from '../fixture-server/serve.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';
import { SCENARIOS, createDrawStream, createRequestStream, builtinScenario, scenarioWrites } from './scenarios.ts';

const SCALE = 0.005;
const tmp = tempDir();
let app: Hono;
let store: Store;

beforeAll(() => {
  const opened = openDatabase(tinyDb(tmp.dir, 'tuned', SCALE), builtinProfile('tuned'));
  store = createSqliteStore(opened);
  app = createApp({ store, profileInfo: describeProfile(opened) });
});
afterAll(() => {
  store.close();
  tmp.cleanup();
});

describe('scenarios', () => {
  it('has the issue’s scenarios', () => {
    expect(SCENARIOS.map((s) => s.name)).toEqual([
      'ceiling',
      'read-point',
      'read-list',
      'read-join',
      'write',
      'mix-80-20',
      'mix-50-50',
    ]);
  });

  it('mix-80-20 sends about 20 % writes and uses both write endpoints', () => {
    const stream = createRequestStream(builtinScenario('mix-80-20')!, SCALE, 1);
    const seen = new Map<string, number>();
    let writes = 0;
    for (let i = 0; i < 5000; i++) {
      const r = stream.next();
      seen.set(r.endpoint, (seen.get(r.endpoint) ?? 0) + 1);
      if (r.method !== 'GET') writes++;
    }
    expect(writes / 5000).toBeGreaterThan(0.17);
    expect(writes / 5000).toBeLessThan(0.23);
    expect(seen.get('POST /contents')).toBeGreaterThan(0);
    expect(seen.get('POST /audio-generations')).toBeGreaterThan(0);
  });

  it('is deterministic for a seed and differs between seeds', () => {
    const s = builtinScenario('mix-50-50')!;
    const take = (seed: number) => {
      const st = createRequestStream(s, SCALE, seed);
      return Array.from({ length: 50 }, () => st.next());
    };
    expect(take(7)).toEqual(take(7));
    expect(take(7)).not.toEqual(take(8));
  });

  it('the draw stream is the request stream before serialisation (the audit replays it)', () => {
    for (const scenario of SCENARIOS) {
      const requests = createRequestStream(scenario, SCALE, 4);
      const draws = createDrawStream(scenario, SCALE, 4);
      for (let i = 0; i < 200; i++) {
        const r = requests.next();
        const d = draws.next();
        expect([d.endpoint.name, d.endpoint.method, d.path]).toEqual([r.endpoint, r.method, r.path]);
        expect(d.body === undefined ? undefined : JSON.stringify(d.body)).toBe(r.body);
      }
    }
  });

  it('every write endpoint says how the audit finds its row: an insert its token fields, an update its column', () => {
    const writes = SCENARIOS.flatMap((s) => s.endpoints.filter((e) => e.writes));
    expect(writes.length).toBeGreaterThan(0);
    for (const e of writes) {
      if (e.inserts) expect(e.token?.length, e.name).toBeGreaterThan(0);
      else expect(e.updates, e.name).toEqual({ table: 'contents', column: 'status' });
    }
    const draws = createDrawStream(builtinScenario('mix-50-50')!, SCALE, 1);
    for (let i = 0; i < 300; i++) {
      const d = draws.next();
      for (const field of d.endpoint.token ?? []) expect(d.body as object, d.endpoint.name).toHaveProperty(field);
      if (d.endpoint.updates) {
        expect(d.path).toMatch(/\/[1-9][0-9]*$/);
        expect(d.body as object).toHaveProperty(d.endpoint.updates.column);
      }
    }
  });

  it('knows which scenarios write', () => {
    expect(SCENARIOS.filter(scenarioWrites).map((s) => s.name)).toEqual(['write', 'mix-80-20', 'mix-50-50']);
  });

  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: every generated request is answered 2xx by the fixture app`, async () => {
      const stream = createRequestStream(scenario, SCALE, 3);
      const bad: string[] = [];
      for (let i = 0; i < 300; i++) {
        const r = stream.next();
        const res = await app.request(r.path, { method: r.method, headers: r.headers, body: r.body });
        if (res.status < 200 || res.status > 299)
          bad.push(`${r.method} ${r.path} -> ${res.status} ${await res.text()}`);
      }
      expect(bad).toEqual([]);
    });
  }
});
