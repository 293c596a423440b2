import autocannon from 'autocannon';
import * as hdr from 'hdr-histogram-js';
import { createRequestStream, scenarioWrites, type LoadRequest } from '../../scenarios.ts';
import { scenarioFromRef } from '../../user-scenario/read.ts';
import { createWriteRecorder, type WriteLog } from './write-recorder.ts';

/** What the generator process is asked to do (passed as JSON on its command line). */
export interface GeneratorConfig {
  url: string;
  scenario: string;
  /** The scenario file a user scenario comes from (read again in the generator process); absent: built in. */
  scenarioFile?: string;
  scale: number;
  seed: number;
  connections: number;
  warmupS: number;
  durationS: number;
  /** Open-loop overall rate (requests/s) or null for closed loop. */
  rate: number | null;
  /** POST /__stats/reset when the measured window starts (the fixture server has it; a --target may not). */
  resetStats: boolean;
  /** Per-request timeout, seconds. */
  timeoutS: number;
}

export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

/** Counts per endpoint over the whole run (warm-up included), for the write audit. */
export interface EndpointCounts {
  sent: number;
  answered: number;
  ok2xx: number;
}

export interface GeneratorResult {
  /** The measured window only (warm-up excluded). */
  measured: {
    requests: number;
    statusCodes: Record<string, number>;
    errors: number;
    timeouts: number;
    bytes: number;
    durationS: number;
    latencyMs: LatencySummary;
    /**
     * Answers whose status is not what their endpoint expects (a scenario file's `expect`,
     * else any 2xx), in the measured window.
     */
    unexpected?: number;
    /**
     * The read requests of a scenario that mixes reads and writes, in the measured window:
     * every answer, the 2xx ones, and their latency. What WAL promises (readers go on while
     * a writer commits) is seen here, not in the pooled figures. Absent for one-kind scenarios.
     */
    reads?: ReadFigures;
  };
  byEndpoint: Record<string, EndpointCounts>;
  /** Every write's evidence for the audit; absent from engines that keep none (k6). */
  writes?: WriteLog;
  /** True when the run was stopped before its planned end (signal, server gone). */
  stoppedEarly: boolean;
  statsReset: 'done' | 'failed' | 'skipped';
  /** Set by another engine standing in for autocannon (k6: load/engines/k6/runner.ts startK6Generator). */
  engine?: {
    name: 'k6';
    /** The engine's own pass/fail judgement failed (k6 thresholds crossed): the figures are valid, the gate is not. */
    gateFailure?: string;
    extra: Record<string, unknown>;
  };
}

/** The read side of a mixed scenario's measured window. */
export interface ReadFigures {
  requests: number;
  ok2xx: number;
  latencyMs: LatencySummary;
}

export const newHistogram = () =>
  hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });

/** Percentiles in ms from a histogram of µs. */
export function latencySummary(h: hdr.Histogram): LatencySummary {
  if (h.totalCount === 0) return { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const ms = (us: number) => Math.round(us) / 1000;
  return {
    mean: ms(h.mean),
    p50: ms(h.getValueAtPercentile(50)),
    p90: ms(h.getValueAtPercentile(90)),
    p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)),
    p999: ms(h.getValueAtPercentile(99.9)),
    max: ms(h.maxValue),
  };
}

/** The raw HTTP/1.1 request autocannon's builder would produce for `r` (keep-alive, Content-Length). */
export function renderRequest(r: LoadRequest, host: string): Buffer {
  let head = `${r.method} ${r.path} HTTP/1.1\r\nHost: ${host}\r\nConnection: keep-alive\r\n`;
  for (const name in r.headers) head += `${name}: ${r.headers[name]}\r\n`;
  if (r.body === undefined) return Buffer.from(head + '\r\n');
  return Buffer.from(`${head}Content-Length: ${Buffer.byteLength(r.body)}\r\n\r\n${r.body}`);
}

export type Builder = (req: unknown, context: ClientContext) => Buffer;

/** Swaps a client's request builder once (autocannon 8 internals; left alone if they change). */
export function useFastBuilder(client: unknown, builder: Builder): void {
  const it = (client as { requestIterator?: { requestBuilder?: unknown; loadlabFast?: boolean } }).requestIterator;
  if (!it || it.loadlabFast || typeof it.requestBuilder !== 'function') return;
  it.requestBuilder = builder;
  it.loadlabFast = true;
}

interface ClientInternals {
  requestIterator?: {
    context?: ClientContext;
    recordBody?: (req: unknown, status: number, body: string, headers?: unknown) => void;
    loadlabWrites?: boolean;
  };
}

/**
 * Hands every answer's status and body to `answered` (autocannon 8 internals: the iterator's
 * recordBody is called with them before the 'response' event, while its context is still
 * the answered request's). Its own recordBody would first turn the headers into an object
 * for an onResponse callback, a cost per response the generator does not need. Returns
 * false when the internals changed; the audit then sees a log short of the 2xx count.
 */
function recordAnswers(
  client: unknown,
  answered: (context: ClientContext, status: number, body: string) => void,
): boolean {
  const it = (client as ClientInternals).requestIterator;
  if (!it || typeof it.recordBody !== 'function') return false;
  if (it.loadlabWrites) return true;
  it.recordBody = (_req, status, body) => answered(it.context ?? {}, status, body);
  it.loadlabWrites = true;
  return true;
}

/** Context autocannon keeps per client; we note which endpoint and stream number the request in flight has. */
interface ClientContext {
  endpoint?: string;
  seq?: number;
}

/**
 * Runs autocannon for warm-up + duration in this process and measures the window after the
 * warm-up from each response's own (fractional ms) time. Never prints. `signal` stops early.
 */
export async function runGenerator(config: GeneratorConfig, signal?: AbortSignal): Promise<GeneratorResult> {
  const scenario = await scenarioFromRef({
    name: config.scenario,
    ...(config.scenarioFile ? { source: config.scenarioFile } : {}),
  });
  const stream = createRequestStream(scenario, config.scale, config.seed);
  const writes = createWriteRecorder(scenario);
  let drawn = 0;
  const byEndpoint: Record<string, EndpointCounts> = {};
  for (const e of scenario.endpoints) byEndpoint[e.name] = { sent: 0, answered: 0, ok2xx: 0 };

  const histogram = newHistogram();
  // Mixed scenarios also keep their reads apart (latency of reads while writes run).
  const readEndpoints = new Set(scenario.endpoints.filter((e) => !e.writes).map((e) => e.name));
  const mixed = readEndpoints.size > 0 && readEndpoints.size < scenario.endpoints.length;
  const readHistogram = mixed ? newHistogram() : null;
  let readRequests = 0;
  let readOk = 0;
  const expected = new Map(scenario.endpoints.flatMap((e) => (e.expect ? [[e.name, new Set(e.expect)] as const] : [])));
  let unexpected = 0;
  const statusCodes: Record<string, number> = {};
  let requests = 0;
  let errors = 0;
  let timeouts = 0;
  let bytes = 0;
  let measuring = config.warmupS === 0;
  let measureStart = performance.now();
  let statsReset: GeneratorResult['statsReset'] = config.resetStats ? 'failed' : 'skipped';

  const resetStats = async () => {
    if (!config.resetStats) return;
    try {
      const res = await fetch(new URL('/__stats/reset', config.url), {
        method: 'POST',
        signal: AbortSignal.timeout(5000),
      });
      statsReset = res.ok ? 'done' : 'failed';
    } catch {
      statsReset = 'failed';
    }
  };
  if (measuring) await resetStats();

  let finish: (err: Error | null) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = (err) => (err ? reject(err) : resolve());
  });
  // A scenario of one fixed request (ceiling) is built once, as wrk does, so the generator's
  // per-request work is as small as it can be where the HTTP stack alone is measured.
  const only = scenario.endpoints.length === 1 ? scenario.endpoints[0]! : undefined;
  const fixed = only?.fixed ? stream.next() : undefined;
  if (fixed) drawn++;
  const requestDefs = fixed
    ? [
        {
          method: fixed.method,
          path: fixed.path,
          headers: fixed.headers,
          ...(fixed.body !== undefined ? { body: fixed.body } : {}),
        },
      ]
    : [
        {
          setupRequest: (req: Record<string, unknown>, context: ClientContext) => {
            const r: LoadRequest = stream.next();
            context.endpoint = r.endpoint;
            context.seq = drawn++;
            byEndpoint[r.endpoint]!.sent++;
            return { ...req, method: r.method, path: r.path, headers: r.headers, body: r.body };
          },
        },
      ];
  // autocannon rebuilds a dynamic request through its generic builder (~4.5 µs each here, a
  // third of the generator's core near 70k rps). After each connection's first request we
  // swap in a builder that renders the raw HTTP/1.1 request directly (same bytes).
  const host = new URL(config.url).host;
  const logWrites = scenarioWrites(scenario);
  const fastBuilder = (_req: unknown, context: ClientContext): Buffer => {
    const r = stream.next();
    context.endpoint = r.endpoint;
    context.seq = drawn++;
    byEndpoint[r.endpoint]!.sent++;
    return renderRequest(r, host);
  };
  const instance = autocannon(
    {
      url: config.url,
      connections: config.connections,
      duration: config.warmupS + config.durationS,
      timeout: config.timeoutS,
      ...(config.rate !== null ? { overallRate: config.rate } : {}),
      requests: requestDefs as unknown as autocannon.Request[],
      ...(logWrites
        ? {
            setupClient: (client: unknown) =>
              recordAnswers(client, (context, status, body) =>
                writes.answered(context.endpoint, context.seq, status, body, drawn),
              ),
          }
        : {}),
    },
    (err) => finish(err ?? null),
  );

  let warmupTimer: NodeJS.Timeout | undefined;
  if (!measuring) {
    warmupTimer = setTimeout(() => {
      measuring = true;
      measureStart = performance.now();
      void resetStats();
    }, config.warmupS * 1000);
  }

  instance.on('response', (client: unknown, statusCode: number, resBytes: number, responseTime: number) => {
    const endpoint = fixed
      ? fixed.endpoint
      : (client as { requestIterator?: { context?: ClientContext } }).requestIterator?.context?.endpoint;
    if (!fixed) useFastBuilder(client, fastBuilder);
    const counts = endpoint === undefined ? undefined : byEndpoint[endpoint];
    if (counts) {
      if (fixed) counts.sent++; // a fixed request is never rebuilt; count it when answered
      counts.answered++;
      if (statusCode >= 200 && statusCode < 300) counts.ok2xx++;
    }
    if (!measuring) return;
    requests++;
    bytes += resBytes;
    statusCodes[statusCode] = (statusCodes[statusCode] ?? 0) + 1;
    histogram.recordValue(Math.max(1, Math.round(responseTime * 1000)));
    const wanted = endpoint === undefined ? undefined : expected.get(endpoint);
    if (wanted ? !wanted.has(statusCode) : statusCode < 200 || statusCode >= 300) unexpected++;
    if (readHistogram && endpoint !== undefined && readEndpoints.has(endpoint)) {
      readRequests++;
      if (statusCode >= 200 && statusCode < 300) readOk++;
      readHistogram.recordValue(Math.max(1, Math.round(responseTime * 1000)));
    }
  });
  instance.on('reqError', (err: Error) => {
    if (!measuring) return;
    if (/timed out/.test(err.message)) timeouts++;
    else errors++;
  });

  let stoppedEarly = false;
  const onAbort = () => {
    stoppedEarly = true;
    instance.stop();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  await finished;
  clearTimeout(warmupTimer);
  signal?.removeEventListener('abort', onAbort);
  const durationS = measuring ? (performance.now() - measureStart) / 1000 : 0;
  const result: GeneratorResult = {
    measured: {
      requests,
      statusCodes,
      errors,
      timeouts,
      bytes,
      durationS,
      latencyMs: latencySummary(histogram),
      unexpected,
      ...(readHistogram
        ? { reads: { requests: readRequests, ok2xx: readOk, latencyMs: latencySummary(readHistogram) } }
        : {}),
    },
    byEndpoint,
    ...(logWrites ? { writes: writes.log(drawn) } : {}),
    stoppedEarly,
    statsReset,
  };
  histogram.destroy();
  readHistogram?.destroy();
  return result;
}
