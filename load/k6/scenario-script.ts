/**
 * The shape every k6 script shares: settings from __ENV, options with one named scenario and
 * SLO thresholds, a setup() that fails fast when the server is down, one request per
 * iteration from the suite's scenario definitions (the same stream autocannon sends), named
 * checks, and a handleSummary that writes JSON. No remote imports, no logging in the loop.
 */
import http from 'k6/http';
import { check, fail } from 'k6';
import type { Options } from 'k6/options';
import { builtinScenario, createRequestStream, type RequestStream, type ScenarioDef } from '../scenarios.ts';
import { deriveSeed } from '../../lib/rng.ts';
import { buildOptions, readSettings, type K6Settings } from './shapes.ts';

export interface ScenarioScript {
  settings: K6Settings;
  options: Options;
  setup(): { baseUrl: string };
  iteration(): void;
  handleSummary(data: SummaryData): Record<string, string>;
}

/** The part of k6's handleSummary data the one-line stdout summary reads. */
interface SummaryData {
  metrics: Record<string, { values: Record<string, number> } | undefined>;
}

function isJson(body: unknown): boolean {
  if (typeof body !== 'string' || body === '') return false;
  try {
    JSON.parse(body);
    return true;
  } catch {
    return false;
  }
}

function fmt(n: number | undefined, digits: number): string {
  return n === undefined ? '?' : n.toFixed(digits);
}

/** Builds the exports of a script for a scenario: a built-in one by name (see load/scenarios.ts), or a scenario file's. */
export function scenarioScript(scenario: string | ScenarioDef): ScenarioScript {
  const found = typeof scenario === 'string' ? builtinScenario(scenario) : scenario;
  if (!found) throw new Error(`unknown scenario '${String(scenario)}'`);
  const def: ScenarioDef = found;
  const settings = readSettings(__ENV);
  const base = settings.baseUrl;
  // Each VU runs its own stream, seeded from the VU number (k6 gives every VU its own copy of this module).
  let stream: RequestStream | null = null;

  // A scenario file's service: each request's own expected statuses; its bodies need not be JSON.
  const user = def.source !== undefined;
  const expected = new Map(def.endpoints.flatMap((e) => (e.expect ? [[e.name, e.expect] as const] : [])));
  const statusOk = (endpoint: string, status: number) => {
    const want = expected.get(endpoint);
    return want ? want.includes(status) : status >= 200 && status < 300;
  };
  const checks = {
    [`${def.name}: status 2xx`]: (r: { status: number }) => r.status >= 200 && r.status < 300,
    [`${def.name}: JSON body`]: (r: { body: unknown }) => isJson(r.body),
  };

  return {
    settings,
    options: buildOptions(
      settings,
      def.endpoints.filter((e) => e.inserts !== null).map((e) => e.name),
    ),

    setup() {
      if (user) return { baseUrl: base };
      const res = http.get(`${base}/health`, { timeout: '5s', tags: { name: 'setup GET /health' } });
      if (res.status !== 200) {
        fail(
          `${base}/health answered ${res.status === 0 ? `nothing (${res.error})` : res.status}: start the server or set -e BASE_URL=...`,
        );
      }
      return { baseUrl: base };
    },

    iteration() {
      if (stream === null)
        stream = createRequestStream(def, settings.scale, deriveSeed(settings.seed, `k6-vu:${__VU}`));
      const req = stream.next();
      const res = http.request(req.method, base + req.path, req.body ?? null, {
        headers: req.headers,
        // One tag per endpoint template, not per URL: keeps k6's metric series bounded.
        tags: { name: req.endpoint },
        timeout: settings.requestTimeout,
      });
      if (user) check(res, { [`${def.name}: expected status`]: (r) => statusOk(req.endpoint, r.status) });
      else check(res, checks);
    },

    handleSummary(data) {
      // {host} makes one file per instance in a distributed run (pod name, or the machine's HOSTNAME).
      const host = __ENV.POD_NAME || __ENV.HOSTNAME || 'local';
      const file = (__ENV.SUMMARY_JSON || `k6-${def.name}-summary.json`).replace('{host}', host);
      const m = data.metrics;
      const line =
        `${def.name}: ${fmt(m.http_reqs?.values.count, 0)} requests, ${fmt(m.http_reqs?.values.rate, 1)}/s, ` +
        `p95 ${fmt(m.http_req_duration?.values['p(95)'], 2)} ms, p99 ${fmt(m.http_req_duration?.values['p(99)'], 2)} ms, ` +
        `failed ${fmt((m.http_req_failed?.values.rate ?? 0) * 100, 2)} %, checks ${fmt((m.checks?.values.rate ?? 0) * 100, 2)} % -> ${file}\n`;
      return { [file]: JSON.stringify(data, null, 2), stdout: line };
    },
  };
}
