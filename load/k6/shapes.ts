/**
 * Load shapes and k6 options, defined once for every script. Pure data and arithmetic (only
 * type imports from k6), so the suite's tests read the same definitions the scripts use.
 *
 * Every script runs one measured named scenario, chosen by EXECUTOR:
 *   rate  constant-arrival-rate (open_rate): latency at a fixed request rate, free of coordinated omission
 *   vus   ramping-vus (capacity_vus): a closed-loop ramp of virtual users, for capacity
 * optionally after a `warmup` scenario (WARMUP=2s); measured requests carry the tag phase:measure.
 */
import type { Options, Scenario } from 'k6/options';

export interface LoadShape {
  description: string;
  /** Requests per second for the constant-arrival-rate run. */
  rate: number;
  /** Length of the constant-arrival-rate run. */
  duration: string;
  preAllocatedVUs: number;
  maxVUs: number;
  /** The ramping-vus run. */
  stages: readonly { duration: string; target: number }[];
}

export const LOAD_SHAPES = {
  smoke: {
    description: 'a few requests to prove the script and server work',
    rate: 5,
    duration: '30s',
    preAllocatedVUs: 2,
    maxVUs: 5,
    stages: [{ duration: '30s', target: 2 }],
  },
  average: {
    description: 'a normal day: steady load after a ramp',
    rate: 200,
    duration: '5m',
    preAllocatedVUs: 20,
    maxVUs: 100,
    stages: [
      { duration: '1m', target: 20 },
      { duration: '3m', target: 20 },
      { duration: '1m', target: 0 },
    ],
  },
  stress: {
    description: 'well above average, to see where latency bends',
    rate: 800,
    duration: '5m',
    preAllocatedVUs: 50,
    maxVUs: 400,
    stages: [
      { duration: '1m', target: 100 },
      { duration: '3m', target: 100 },
      { duration: '1m', target: 0 },
    ],
  },
  spike: {
    description: 'a sudden burst and back',
    rate: 1500,
    duration: '1m',
    preAllocatedVUs: 100,
    maxVUs: 800,
    stages: [
      { duration: '10s', target: 10 },
      { duration: '10s', target: 200 },
      { duration: '30s', target: 200 },
      { duration: '10s', target: 0 },
    ],
  },
  soak: {
    description: 'average load for a long time (leaks, WAL growth, checkpoints)',
    rate: 100,
    duration: '1h',
    preAllocatedVUs: 20,
    maxVUs: 100,
    stages: [
      { duration: '5m', target: 20 },
      { duration: '50m', target: 20 },
      { duration: '5m', target: 0 },
    ],
  },
} as const satisfies Record<string, LoadShape>;

export type LoadShapeName = keyof typeof LOAD_SHAPES;
export type Executor = 'rate' | 'vus';

/** The SLO the thresholds come from (the guide's P95 target and a 1 % error budget). */
export const SLO = { p95Ms: 200, maxErrorRate: 0.01 } as const;

/** Status codes the fixture server can answer, 0 = no response (network error or timeout). */
export const TRACKED_STATUSES = [0, 200, 201, 400, 404, 409, 413, 415, 500, 503] as const;
/** k6's error code for a request timeout. */
export const TIMEOUT_ERROR_CODE = 1050;
export const SUMMARY_TREND_STATS = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)', 'count'];

export interface K6Settings {
  baseUrl: string;
  shape: LoadShapeName;
  executor: Executor;
  rate: number;
  duration: string;
  maxVUs: number;
  /** Set: vus executor holds this many users instead of the shape's stages; rate executor pre-allocates this many VUs. */
  vus: number | null;
  /** Warm-up run before the measured scenario, excluded from the measured figures (k6 duration), or null. */
  warmup: string | null;
  /** Per-request timeout (k6 duration). */
  requestTimeout: string;
  p95Ms: number;
  maxErrorRate: number;
  /** Scale and seed of the database under test, so requests draw ids that exist. */
  scale: number;
  seed: number;
}

export const DEFAULT_BASE_URL = 'http://127.0.0.1:8080';
const DURATION_RE = /^(\d+(\.\d+)?(ms|s|m|h))+$/;

function positive(env: Record<string, string | undefined>, key: string, fallback: number, integer = false): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n)))
    throw new Error(`${key} must be a positive ${integer ? 'whole ' : ''}number, got '${raw}'`);
  return n;
}

/** Reads the scripts' settings from k6's __ENV (-e KEY=VALUE); a bad value is a one-line error. */
export function readSettings(env: Record<string, string | undefined>): K6Settings {
  const shapeName = env.SHAPE || 'smoke';
  if (!(shapeName in LOAD_SHAPES))
    throw new Error(`SHAPE must be one of ${Object.keys(LOAD_SHAPES).join(', ')}, got '${shapeName}'`);
  const shape: LoadShape = LOAD_SHAPES[shapeName as LoadShapeName];
  const executor = env.EXECUTOR || 'rate';
  if (executor !== 'rate' && executor !== 'vus')
    throw new Error(`EXECUTOR must be 'rate' (constant-arrival-rate) or 'vus' (ramping-vus), got '${executor}'`);
  const duration = env.DURATION || shape.duration;
  if (!DURATION_RE.test(duration)) throw new Error(`DURATION must be a k6 duration like 30s or 5m, got '${duration}'`);
  const warmup = env.WARMUP && env.WARMUP !== '0s' && env.WARMUP !== '0' ? env.WARMUP : null;
  if (warmup !== null && !DURATION_RE.test(warmup))
    throw new Error(`WARMUP must be a k6 duration like 2s, got '${warmup}'`);
  const requestTimeout = env.REQUEST_TIMEOUT || '10s';
  if (!DURATION_RE.test(requestTimeout))
    throw new Error(`REQUEST_TIMEOUT must be a k6 duration like 10s, got '${requestTimeout}'`);
  const baseUrl = (env.BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, '');
  if (!/^https?:\/\/[^/]+$/.test(baseUrl))
    throw new Error(`BASE_URL must be like http://127.0.0.1:8080 (no path), got '${env.BASE_URL}'`);
  const maxErrorRate = positive(env, 'MAX_ERROR_RATE', SLO.maxErrorRate);
  if (maxErrorRate > 1) throw new Error(`MAX_ERROR_RATE is a fraction (0.01 = 1 %), got '${env.MAX_ERROR_RATE}'`);
  return {
    baseUrl,
    shape: shapeName as LoadShapeName,
    executor,
    rate: positive(env, 'RATE', shape.rate),
    duration,
    maxVUs: positive(env, 'MAX_VUS', shape.maxVUs, true),
    vus: env.VUS ? positive(env, 'VUS', 1, true) : null,
    warmup,
    requestTimeout,
    p95Ms: positive(env, 'P95_MS', SLO.p95Ms),
    maxErrorRate,
    scale: positive(env, 'SCALE', 0.1),
    seed: positive(env, 'SEED', 42, true),
  };
}

/** The tag that marks the measured requests; warm-up requests carry phase:warmup. */
export const MEASURED = 'phase:measure';

/** The k6 scenarios of a run: an optional warm-up, then the measured one (named open_rate or capacity_vus). */
export function buildScenarios(s: K6Settings): Record<string, Scenario> {
  const shape: LoadShape = LOAD_SHAPES[s.shape];
  const start = s.warmup ? { startTime: s.warmup } : {};
  const measured = { tags: { phase: 'measure' }, ...start };
  const out: Record<string, Scenario> = {};
  if (s.executor === 'rate') {
    // VUS (when set) is how many VUs to pre-allocate, so none are started mid-measurement.
    const preAllocatedVUs = s.vus ?? Math.min(shape.preAllocatedVUs, s.maxVUs);
    const rate = {
      executor: 'constant-arrival-rate',
      rate: s.rate,
      timeUnit: '1s',
      preAllocatedVUs,
      maxVUs: Math.max(s.maxVUs, preAllocatedVUs),
    } as const;
    if (s.warmup) out.warmup = { ...rate, duration: s.warmup, tags: { phase: 'warmup' } };
    out.open_rate = { ...rate, duration: s.duration, ...measured };
    return out;
  }
  const stages = s.vus !== null ? [{ duration: s.duration, target: s.vus }] : shape.stages.map((st) => ({ ...st }));
  const startVUs = s.vus ?? 1;
  if (s.warmup) out.warmup = { executor: 'constant-vus', vus: startVUs, duration: s.warmup, tags: { phase: 'warmup' } };
  out.capacity_vus = { executor: 'ramping-vus', startVUs, stages, gracefulRampDown: '5s', ...measured };
  return out;
}

/**
 * k6 options: one scenario, SLO thresholds, per-status counts kept in the summary, and every
 * percentile we record. `auditedEndpoints` (the inserting endpoints) also get per-endpoint
 * counts, so the suite can audit acknowledged writes against new rows.
 */
export function buildOptions(s: K6Settings, auditedEndpoints: readonly string[] = []): Options {
  // The SLO is judged on the measured requests only (not the warm-up, not setup's health check).
  const thresholds: Record<string, string[]> = {
    [`http_req_duration{${MEASURED}}`]: [`p(95)<${s.p95Ms}`],
    [`http_req_failed{${MEASURED}}`]: [`rate<${s.maxErrorRate}`],
  };
  // A threshold on a submetric is what makes k6 keep it in the summary; these always pass.
  for (const m of ['http_reqs', 'data_received']) thresholds[`${m}{${MEASURED}}`] = ['count>=0'];
  for (const status of TRACKED_STATUSES) thresholds[`http_reqs{${MEASURED},status:${status}}`] = ['count>=0'];
  thresholds[`http_reqs{${MEASURED},error_code:${TIMEOUT_ERROR_CODE}}`] = ['count>=0'];
  for (const name of auditedEndpoints) {
    for (const tags of [`name:${name}`, `name:${name},expected_response:true`, `name:${name},status:0`])
      thresholds[`http_reqs{${tags}}`] = ['count>=0'];
  }
  return {
    scenarios: buildScenarios(s),
    thresholds,
    summaryTrendStats: SUMMARY_TREND_STATS,
    setupTimeout: '10s',
    discardResponseBodies: false,
  };
}
