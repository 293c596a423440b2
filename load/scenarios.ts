/**
 * Load scenarios as data, shared by the autocannon runner and the k6 scripts. Pure: no Node
 * or k6 imports (only the pure rng, data-shape and schema modules), so both engines build the
 * same request streams from the same seed.
 */
import { createRng, deriveSeed, type Rng } from '../lib/rng.ts';
import { approxTaskCount, rowCounts, taskId, type RowCounts } from '../db/data-shape.ts';
import { AUDIO_STATUSES, CAMPAIGN_STATUSES, CONTENT_STATUSES } from '../db/schema.ts';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request, ready for any engine. `body` is a JSON string when present. */
export interface LoadRequest {
  method: HttpMethod;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** The endpoint (template) it came from, e.g. 'POST /contents'. */
  endpoint: string;
}

/** What a request generator may draw from: the seeded data's shape and a seeded PRNG. */
export interface DrawContext {
  rng: Rng;
  rows: RowCounts;
  tasks: number;
}

/** One endpoint of a scenario: a path template, how to fill it, and its share of the traffic. */
export interface EndpointDef {
  /** 'METHOD /template', also the key for per-endpoint counts. */
  name: string;
  method: HttpMethod;
  weight: number;
  /** The table that gains one row per 2xx answer (audited), or null. */
  inserts: 'contents' | 'audio_generations' | null;
  /** True when a 2xx answer changes the database (inserts or updates). */
  writes: boolean;
  /**
   * An insert's token: the body fields its new row must hold, found by the id the server
   * answers (load/audit.ts). Together they tell this write's row from any other, a reused id included.
   */
  token?: readonly string[];
  /** An update: the column it sets from the body field of that name, on the row the path's last segment names. */
  updates?: { table: 'contents'; column: 'status' };
  /** True when every request is the same (no ids, no body): an engine may build it once. */
  fixed?: boolean;
  /** Status codes that count as success (a scenario file's `expect`); default any 2xx. */
  expect?: readonly number[];
  build(ctx: DrawContext): { path: string; body?: unknown; headers?: Record<string, string> };
}

export interface ScenarioDef {
  name: string;
  description: string;
  endpoints: readonly EndpointDef[];
  /** A scenario file's error budget: an arm fails above this share (percent) of unexpected answers, errors and timeouts. */
  maxErrorPct?: number;
  /** The scenario file it came from (absent: built in). */
  source?: string;
  /** A scenario file's resolved contents (CSV columns read), JSON: what the k6 script rebuilds it from. */
  spec?: unknown;
}

const WORDS = [
  'launch',
  'summer',
  'voice',
  'podcast',
  'brand',
  'story',
  'promo',
  'audio',
  'script',
  'spot',
  'radio',
  'intro',
  'daily',
  'news',
];

function words(rng: Rng, n: number): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(rng.pick(WORDS));
  return out.join(' ');
}

/** A body of a few hundred bytes, like the seeded contents. */
function contentBody(rng: Rng): string {
  return words(rng, rng.int(30, 70));
}

/** Newest rows are read most (as in the seed, recent data is hot): skew towards high ids. */
function recentId(rng: Rng, max: number): number {
  return Math.max(1, max - Math.floor(max * rng.next() ** 2));
}

const E = {
  health: {
    name: 'GET /health',
    method: 'GET',
    weight: 1,
    inserts: null,
    writes: false,
    fixed: true,
    build: () => ({ path: '/health' }),
  },
  campaign: {
    name: 'GET /campaigns/:id',
    method: 'GET',
    weight: 1,
    inserts: null,
    writes: false,
    build: ({ rng, rows }) => ({ path: `/campaigns/${rng.int(1, rows.campaigns)}` }),
  },
  audioByTask: {
    name: 'GET /audio-generations?task_id=',
    method: 'GET',
    weight: 1,
    inserts: null,
    writes: false,
    build: ({ rng, tasks }) => ({ path: `/audio-generations?task_id=${taskId(rng.int(1, tasks))}` }),
  },
  clientCampaigns: {
    name: 'GET /clients/:id/campaigns',
    method: 'GET',
    weight: 1,
    inserts: null,
    writes: false,
    build: ({ rng, rows }) => {
      const status = rng.next() < 0.5 ? `&status=${rng.pick(CAMPAIGN_STATUSES)}` : '';
      return { path: `/clients/${rng.int(1, rows.clients)}/campaigns?limit=20${status}` };
    },
  },
  contentsByStatus: {
    name: 'GET /contents?status=',
    method: 'GET',
    weight: 1,
    inserts: null,
    writes: false,
    build: ({ rng }) => ({ path: `/contents?status=${rng.pick(CONTENT_STATUSES)}&limit=20` }),
  },
  clientContents: {
    name: 'GET /clients/:id/contents',
    method: 'GET',
    weight: 1,
    inserts: null,
    writes: false,
    build: ({ rng, rows }) => ({ path: `/clients/${rng.int(1, rows.clients)}/contents?limit=20` }),
  },
  createContent: {
    name: 'POST /contents',
    method: 'POST',
    weight: 1,
    inserts: 'contents',
    writes: true,
    // A body is 30-70 words drawn from 14: two requests carrying the same one do not happen.
    token: ['campaign_id', 'title', 'body'],
    build: ({ rng, rows }) => ({
      path: '/contents',
      body: {
        campaign_id: recentId(rng, rows.campaigns),
        title: words(rng, rng.int(3, 8)),
        body: contentBody(rng),
        status: rng.pick(CONTENT_STATUSES),
      },
    }),
  },
  createAudio: {
    name: 'POST /audio-generations',
    method: 'POST',
    weight: 1,
    inserts: 'audio_generations',
    writes: true,
    token: ['task_id', 'content_id', 'status'],
    build: ({ rng, rows, tasks }) => ({
      path: '/audio-generations',
      body: {
        task_id: taskId(rng.int(1, tasks)),
        content_id: recentId(rng, rows.contents),
        status: rng.pick(AUDIO_STATUSES),
      },
    }),
  },
  patchContent: {
    name: 'PATCH /contents/:id',
    method: 'PATCH',
    weight: 1,
    inserts: null,
    writes: true,
    updates: { table: 'contents', column: 'status' },
    build: ({ rng, rows }) => ({
      path: `/contents/${recentId(rng, rows.contents)}`,
      body: { status: rng.pick(CONTENT_STATUSES) },
    }),
  },
} satisfies Record<string, EndpointDef>;

const w = (e: EndpointDef, weight: number): EndpointDef => ({ ...e, weight });

/** Reads of the 80/20 and 50/50 mixes, in these proportions among themselves. */
const READS = [
  w(E.campaign, 35),
  w(E.clientCampaigns, 20),
  w(E.contentsByStatus, 10),
  w(E.clientContents, 25),
  w(E.audioByTask, 10),
];
/** Writes of the mixes: both write endpoints and the PATCH. */
const WRITES = [w(E.createContent, 60), w(E.createAudio, 30), w(E.patchContent, 10)];

/** Scales one group's weights so the group totals `share` percent. */
function share(group: EndpointDef[], pct: number): EndpointDef[] {
  const total = group.reduce((s, e) => s + e.weight, 0);
  return group.map((e) => w(e, (e.weight / total) * pct));
}

/** Every scenario, by name. Adding one is adding an entry. */
export const SCENARIOS: readonly ScenarioDef[] = [
  { name: 'ceiling', description: 'GET /health: the HTTP stack alone, no SQLite', endpoints: [E.health] },
  { name: 'read-point', description: 'GET /campaigns/:id, a primary-key lookup', endpoints: [E.campaign] },
  {
    name: 'read-list',
    description: "a client's campaigns (optionally by status) and contents by status",
    endpoints: [w(E.clientCampaigns, 60), w(E.contentsByStatus, 40)],
  },
  {
    name: 'read-join',
    description: "the guide's join: a client's contents, newest first",
    endpoints: [E.clientContents],
  },
  { name: 'write', description: 'POST /contents, one insert per request', endpoints: [E.createContent] },
  {
    name: 'mix-80-20',
    description:
      "the guide's ratio: 80 % reads over the read endpoints, 20 % writes (POST /contents, POST /audio-generations, PATCH)",
    endpoints: [...share(READS, 80), ...share(WRITES, 20)],
  },
  {
    name: 'mix-50-50',
    description: '50 % reads, 50 % writes, same endpoints as mix-80-20',
    endpoints: [...share(READS, 50), ...share(WRITES, 50)],
  },
];

export function scenarioNames(): string[] {
  return SCENARIOS.map((s) => s.name);
}

/** `mix-wNN`: the mixes' endpoints with NN % writes (0-100), for sweeping the write share (crossover). */
const MIX_BY_WRITE_SHARE = /^mix-w(0|[1-9][0-9]?|100)$/;

/** The mix with `writePct` % writes over the same read and write endpoints as mix-80-20. */
export function mixScenario(writePct: number): ScenarioDef {
  if (!Number.isInteger(writePct) || writePct < 0 || writePct > 100)
    throw new Error(`write share must be 0..100, got ${writePct}`);
  return {
    name: `mix-w${writePct}`,
    description: `${100 - writePct} % reads, ${writePct} % writes, the endpoints of mix-80-20`,
    endpoints: [
      ...(writePct < 100 ? share(READS, 100 - writePct) : []),
      ...(writePct > 0 ? share(WRITES, writePct) : []),
    ],
  };
}

/**
 * A built-in scenario (or `mix-wNN`) by name, or undefined. Scenario files' scenarios are
 * the catalog's (catalog/catalog.ts); a child process gets one back with `scenarioFromRef`.
 */
export function builtinScenario(name: string): ScenarioDef | undefined {
  const builtIn = SCENARIOS.find((s) => s.name === name);
  if (builtIn) return builtIn;
  const m = MIX_BY_WRITE_SHARE.exec(name);
  return m ? mixScenario(Number(m[1])) : undefined;
}

/** True when any request of the scenario changes the database (a fresh copy and an audit are needed). */
export function scenarioWrites(s: ScenarioDef): boolean {
  return s.endpoints.some((e) => e.writes);
}

export interface RequestStream {
  next(): LoadRequest;
}

/** One request as drawn, before it is serialised: its endpoint, path and body object. */
export interface Draw {
  endpoint: EndpointDef;
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface DrawStream {
  next(): Draw;
}

/**
 * The draws behind `createRequestStream`, in the same order: the write audit replays them
 * to learn what request number n of a run carried (its path and body) without re-parsing JSON.
 */
export function createDrawStream(scenario: ScenarioDef, scale: number, seed: number): DrawStream {
  const rows = rowCounts(scale);
  const ctx: DrawContext = {
    rng: createRng(deriveSeed(seed, `scenario:${scenario.name}`)),
    rows,
    tasks: approxTaskCount(rows),
  };
  const weighted = scenario.endpoints.map((e) => [e, e.weight] as const);
  return {
    next(): Draw {
      const endpoint = weighted.length === 1 ? weighted[0]![0] : ctx.rng.weighted(weighted);
      return { endpoint, ...endpoint.build(ctx) };
    },
  };
}

/**
 * An endless, deterministic stream of requests for a scenario on data seeded at `scale`:
 * the same (scenario, scale, seed) gives the same sequence in every engine. Engines with
 * several virtual users give each its own stream (seed derived from the user number).
 */
export function createRequestStream(scenario: ScenarioDef, scale: number, seed: number): RequestStream {
  const draws = createDrawStream(scenario, scale, seed);
  return {
    next(): LoadRequest {
      const { endpoint: e, path, body, headers } = draws.next();
      if (body === undefined) return { method: e.method, path, headers: { ...headers }, endpoint: e.name };
      // A fresh headers object each time: engines may add to it (autocannon sets Content-Length).
      return {
        method: e.method,
        path,
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(body),
        endpoint: e.name,
      };
    },
  };
}

/** The endpoint definition a request came from. */
export function endpointOf(scenario: ScenarioDef, endpoint: string): EndpointDef | undefined {
  return scenario.endpoints.find((e) => e.name === endpoint);
}
