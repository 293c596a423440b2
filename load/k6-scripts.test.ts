import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import { createApp } from '../fixture-server/app.ts';
import { openDatabase } from '../db/open.ts';
import { builtinProfile } from '../db/profiles.ts';
import { createSqliteStore, type Store } from '../db/store.ts';
import { describeProfile } from '../fixture-server/serve.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';
import { deriveSeed } from '../lib/rng.ts';
import { FailError, recorder } from '../test-support/k6-double.ts';
import { SCENARIOS, createRequestStream, builtinScenario } from './scenarios.ts';
import { buildUserScenario } from './user-scenario/build.ts';

vi.mock('k6/http', async () => (await import('../test-support/k6-double.ts')).httpModule);
vi.mock('k6', async () => (await import('../test-support/k6-double.ts')).k6Module);

const K6_DIR = fileURLToPath(new URL('./k6/', import.meta.url));
const BASE = 'http://127.0.0.1:18080';
const SCALE = 0.005;
const ITERATIONS = 120;

interface ScriptModule {
  options: { scenarios: Record<string, { executor: string }>; thresholds: Record<string, string[]> };
  setup(): { baseUrl: string };
  handleSummary(data: unknown): Record<string, string>;
  default(): void;
}

const g = globalThis as unknown as { __ENV: Record<string, string>; __VU: number };

async function loadScript(name: string, env: Record<string, string> = {}): Promise<ScriptModule> {
  g.__ENV = { BASE_URL: BASE, SCALE: String(SCALE), SEED: '42', ...env };
  g.__VU = 1;
  vi.resetModules();
  return (await import(`./k6/${name}.ts`)) as ScriptModule;
}

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
beforeEach(() => recorder.reset(() => ({ status: 200, body: '{"ok":true}', error: '' })));

describe('k6 scripts', () => {
  it('there is one script per scenario, and only scripts and their shared modules in load/k6', () => {
    const files = readdirSync(K6_DIR).filter((f) => f.endsWith('.ts'));
    expect(files.sort()).toEqual(
      [...SCENARIOS.map((s) => `${s.name}.ts`), 'scenario-file.ts', 'scenario-script.ts', 'shapes.ts'].sort(),
    );
  });

  it('no remote or Node imports and no logging in any script or shared module', () => {
    for (const f of readdirSync(K6_DIR).filter((n) => n.endsWith('.ts'))) {
      const src = readFileSync(K6_DIR + f, 'utf8');
      for (const [, spec] of src.matchAll(/from '([^']+)'/g))
        expect(spec, `${f} imports ${spec}`).toMatch(/^(\.{1,2}\/|k6(\/(http|options))?$)/);
      expect(src, f).not.toMatch(/console\./);
    }
  });

  it('every script bundles with only k6 modules left external (what k6 resolves at run time: local .ts imports, no Node builtins)', async () => {
    const { build } = await import('esbuild');
    for (const s of SCENARIOS) {
      const out = await build({
        entryPoints: [K6_DIR + `${s.name}.ts`],
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'neutral',
        external: ['k6', 'k6/*'],
        logLevel: 'silent',
      });
      const code = out.outputFiles[0]!.text;
      const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
      expect(new Set(imports), s.name).toEqual(new Set(['k6/http', 'k6']));
      expect(code, s.name).not.toMatch(/require\(|node:/);
    }
  });

  it('a scenario file runs through one script: the same stream autocannon sends, checked against its expected statuses', async () => {
    const spec = {
      name: 'my-api',
      description: '',
      maxErrorPct: 1,
      params: { id: { range: [1, 50] } },
      requests: [
        {
          method: 'GET',
          path: '/items/{id}',
          weight: 3,
          headers: { 'x-token': 't{id}' },
          params: {},
          expect: [200, 404],
        },
        { method: 'POST', path: '/items', weight: 1, headers: {}, body: { ref: '{id}' }, params: {} },
      ],
    };
    const file = `${tmp.dir}/my-api.resolved.json`;
    writeFileSync(file, JSON.stringify(spec));
    (globalThis as unknown as { open: (p: string) => string }).open = (p) => readFileSync(p, 'utf8');
    const script = await loadScript('scenario-file', { SCENARIO_JSON: file });
    // No /health probe: a user's service need not have one.
    expect(script.setup()).toEqual({ baseUrl: BASE });
    expect(recorder.requests).toHaveLength(0);
    for (let i = 0; i < 40; i++) script.default();
    const def = buildUserScenario(spec as never, file);
    const expected = createRequestStream(def, SCALE, deriveSeed(42, 'k6-vu:1'));
    for (const req of recorder.requests) {
      const want = expected.next();
      expect(`${req.method} ${req.url}`).toBe(`${want.method} ${BASE}${want.path}`);
    }
    expect(recorder.requests.some((r) => r.method === 'POST')).toBe(true);
  });

  it.each(SCENARIOS.map((s) => s.name))(
    '%s: every request targets a fixture-server route with a valid body (replayed: 2xx)',
    async (name) => {
      const script = await loadScript(name);
      expect(script.setup()).toEqual({ baseUrl: BASE });
      expect(recorder.requests.map((r) => `${r.method} ${r.url}`)).toEqual([`GET ${BASE}/health`]);
      recorder.reset();
      for (let i = 0; i < ITERATIONS; i++) script.default();
      expect(recorder.requests).toHaveLength(ITERATIONS);

      const def = builtinScenario(name)!;
      const expected = createRequestStream(def, SCALE, deriveSeed(42, 'k6-vu:1'));
      for (const req of recorder.requests) {
        const same = expected.next();
        expect(req.url).toBe(BASE + same.path);
        expect(req.body).toBe(same.body ?? null);
        expect(def.endpoints.map((e) => e.name)).toContain(req.tags.name);
        const res = await app.request(req.url.slice(BASE.length), {
          method: req.method,
          headers: req.headers,
          ...(req.body === null ? {} : { body: req.body }),
        });
        expect(
          res.status,
          `${req.method} ${req.url} ${req.body ?? ''} -> ${await res.clone().text()}`,
        ).toBeGreaterThanOrEqual(200);
        expect(res.status).toBeLessThan(300);
      }
      expect(recorder.checks.get(`${name}: status 2xx`)).toEqual({ passes: ITERATIONS, fails: 0 });
      expect(recorder.checks.get(`${name}: JSON body`)).toEqual({ passes: ITERATIONS, fails: 0 });
    },
  );

  it('named checks fail when the server answers an error', async () => {
    const script = await loadScript('read-point');
    recorder.reset(() => ({ status: 503, body: 'busy', error: '' }));
    script.default();
    expect(recorder.checks.get('read-point: status 2xx')).toEqual({ passes: 0, fails: 1 });
    expect(recorder.checks.get('read-point: JSON body')).toEqual({ passes: 0, fails: 1 });
  });

  it('setup() fails fast when the server is down, saying what to do', async () => {
    const script = await loadScript('ceiling');
    recorder.reset(() => ({ status: 0, body: '', error: 'dial tcp 127.0.0.1:18080: connect: connection refused' }));
    expect(() => script.setup()).toThrow(FailError);
    expect(() => script.setup()).toThrow(
      /health answered nothing \(dial tcp.*refused\): start the server or set -e BASE_URL/,
    );
  });

  it('options: a constant-arrival-rate run by default, ramping-vus with EXECUTOR=vus, SLO thresholds overridable', async () => {
    const rate = await loadScript('write');
    expect(Object.entries(rate.options.scenarios).map(([n, s]) => [n, s.executor])).toEqual([
      ['open_rate', 'constant-arrival-rate'],
    ]);
    expect(rate.options.thresholds['http_req_duration{phase:measure}']).toEqual(['p(95)<200']);
    expect(rate.options.thresholds['http_req_failed{phase:measure}']).toEqual(['rate<0.01']);
    expect(rate.options.thresholds['http_reqs{phase:measure,status:503}']).toEqual(['count>=0']);
    // Per-endpoint counts of the inserting endpoint, for the write audit.
    expect(rate.options.thresholds['http_reqs{name:POST /contents,expected_response:true}']).toEqual(['count>=0']);
    const vus = await loadScript('write', { EXECUTOR: 'vus', SHAPE: 'spike', P95_MS: '50', MAX_ERROR_RATE: '0.05' });
    expect(Object.entries(vus.options.scenarios).map(([n, s]) => [n, s.executor])).toEqual([
      ['capacity_vus', 'ramping-vus'],
    ]);
    expect(vus.options.thresholds['http_req_duration{phase:measure}']).toEqual(['p(95)<50']);
    expect(vus.options.thresholds['http_req_failed{phase:measure}']).toEqual(['rate<0.05']);
  });

  it('WARMUP adds a warm-up scenario before the measured one, which alone carries phase:measure', async () => {
    const s = await loadScript('read-point', { WARMUP: '2s', DURATION: '10s', RATE: '300' });
    const scenarios = s.options.scenarios as Record<
      string,
      { executor: string; startTime?: string; duration?: string; tags?: Record<string, string> }
    >;
    expect(scenarios.warmup).toMatchObject({
      executor: 'constant-arrival-rate',
      duration: '2s',
      tags: { phase: 'warmup' },
    });
    expect(scenarios.open_rate).toMatchObject({ startTime: '2s', duration: '10s', tags: { phase: 'measure' } });
    const vus = await loadScript('read-point', { WARMUP: '2s', EXECUTOR: 'vus', VUS: '25', DURATION: '10s' });
    const v = vus.options.scenarios as Record<string, Record<string, unknown>>;
    expect(v.warmup).toMatchObject({ executor: 'constant-vus', vus: 25, duration: '2s' });
    expect(v.capacity_vus).toMatchObject({
      executor: 'ramping-vus',
      startVUs: 25,
      stages: [{ duration: '10s', target: 25 }],
      startTime: '2s',
    });
  });

  it('a bad setting stops the script at init with a message naming it', async () => {
    await expect(loadScript('ceiling', { SHAPE: 'huge' })).rejects.toThrow(
      /SHAPE must be one of smoke, average, stress, spike, soak/,
    );
    await expect(loadScript('ceiling', { EXECUTOR: 'closed' })).rejects.toThrow(/EXECUTOR must be 'rate'/);
    await expect(loadScript('ceiling', { BASE_URL: 'http://127.0.0.1:1/api' })).rejects.toThrow(
      /BASE_URL must be like/,
    );
  });

  it('handleSummary writes the data as JSON to SUMMARY_JSON and one line to stdout', async () => {
    const script = await loadScript('read-join', { SUMMARY_JSON: '/tmp/x.json' });
    const data = {
      metrics: {
        http_reqs: { values: { count: 10, rate: 5 } },
        http_req_duration: { values: { 'p(95)': 1.5, 'p(99)': 2 } },
      },
    };
    const out = script.handleSummary(data);
    expect(JSON.parse(out['/tmp/x.json']!)).toEqual(data);
    expect(out.stdout).toMatch(/^read-join: 10 requests, 5\.0\/s, p95 1\.50 ms, p99 2\.00 ms/);
  });

  it('{host} in SUMMARY_JSON gives each instance of a distributed run its own file', async () => {
    const script = await loadScript('read-join', { SUMMARY_JSON: '/results/{host}.json', POD_NAME: 'loadlab-3-abcde' });
    expect(Object.keys(script.handleSummary({ metrics: {} }))).toContain('/results/loadlab-3-abcde.json');
  });
});
