import autocannon from 'autocannon';
import { createRequestStream, type RequestStream, type ScenarioDef } from '../../scenarios.ts';
import { scenarioFromRef } from '../../user-scenario/read.ts';
import { cannotSlice, MAX_DRAIN_S, MAX_SIZING_S, MAX_STRETCH, sliceSizing, type Sizing } from './slice-sizing.ts';
import { latencySummary, newHistogram, renderRequest, useFastBuilder, type LatencySummary } from './generator.ts';

/**
 * Load that alternates between two servers in short slices, one server at a time: the
 * A/B's answer to a shared VM whose speed swings for seconds at a time. Two slices next
 * to each other see the same moment of the machine, so their ratio is paired where two
 * trials seconds apart are not.
 */
export interface AlternatingConfig {
  /** Where each side's server listens. */
  urls: { baseline: string; candidate: string };
  scenario: string;
  /** The scenario file a user scenario comes from (read again in the generator process); absent: built in. */
  scenarioFile?: string;
  scale: number;
  /** The same seed on both sides: each side gets the same request sequence. */
  seed: number;
  connections: number;
  /** Unmeasured load on each side before the first slice (0: none). */
  warmupS: number;
  /** Unmeasured start of every slice (connections open, the server's caches refill). */
  settleS: number;
  /** Measured part of every slice. */
  measureS: number;
  /** Which side each slice loads, in order. */
  order: ('baseline' | 'candidate')[];
  /** Which sides get the warm-up (default both): a server already warmed in this process's run needs none. */
  warmSides?: ('baseline' | 'candidate')[];
  timeoutS: number;
}

export interface SliceResult {
  side: 'baseline' | 'candidate';
  /** Responses in the measured window, and how many were 2xx. */
  requests: number;
  ok2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  latencyMs: LatencySummary;
  /**
   * The read requests of a scenario that mixes reads and writes, in the measured window
   * (reads while the writes run: what WAL is claimed to speed up).
   */
  reads?: { requests: number; ok2xx: number; latencyMs: LatencySummary };
}

export interface AlternatingResult {
  slices: SliceResult[];
  stoppedEarly: boolean;
  /**
   * How much longer than `settleS` + `measureS` every slice of the block ran (1: as asked),
   * from the warm-up (sliceSizing). Absent in older records.
   */
  stretch?: number;
  /** The longest wait for a slow arm's server to work off a slice's abandoned requests (0: no draining). */
  drainS?: number;
  /** Why the block ran no slice: its baseline is too slow to be judged by slices (cannotSlice). */
  refused?: string;
}

/**
 * The slice: unmeasured settle (connections open, the server's caches refill), then the
 * measured part. Short on purpose: this VM's speed swings within a second, and the shorter
 * the slices the closer a pair's two halves sit in time. Measured A/A on read-point, 8 blocks
 * of 2 × 2 s (out/noise, 2026-11-26): 0.5 s slices gave a 95 % interval of the median ratio
 * 0.10-0.17 wide, 0.25 s slices 0.075-0.10, 0.125 s slices 0.03-0.04 (median 1.003 twice);
 * 0.065 s slices showed a bias (0.967). Used by `ab` and by `run`'s paired stage.
 */
export const SLICE = { settleS: 0.03, measureS: 0.095 } as const;

/**
 * The most a block can take, in seconds (the generator process is killed after it): both
 * sides' warm-ups and their re-measuring (up to four windows each) with a drain after each, every slice at MAX_STRETCH
 * followed by the longest drain, and a request timeout of slack.
 */
export function blockBoundS(slices: number, warmupS: number, timeoutS: number): number {
  return (
    2 * warmupS +
    8 * (2 * MAX_SIZING_S + MAX_DRAIN_S) +
    slices * ((SLICE.settleS + SLICE.measureS) * MAX_STRETCH + MAX_DRAIN_S + 0.5) +
    timeoutS
  );
}

export {
  cannotSlice,
  littleMs,
  MAX_DRAIN_S,
  MAX_JUDGED_STRETCH,
  MAX_SIZING_S,
  MAX_STRETCH,
  MIN_ANSWERS,
  sliceSizing,
} from './slice-sizing.ts';

/** Slices per side in a block: the measured seconds per side, cut into slices. */
export function slicesPerSide(durationS: number): number {
  return Math.max(1, Math.round(durationS / (SLICE.settleS + SLICE.measureS)));
}

/** A B B A A B B A … for `perSide` slices of each side, opened by `first` (0 baseline, 1 candidate). */
export function abbaOrder(first: number, perSide: number): ('baseline' | 'candidate')[] {
  const sides = ['baseline', 'candidate'] as const;
  return Array.from({ length: perSide * 2 }, (_, i) => sides[(first + (Math.floor((i + 1) / 2) % 2)) % 2]!);
}

/** How often autocannon looks at its stop flag (ms): it keeps sending until then. */
const SAMPLE_INT_MS = 10;

interface SliceContext {
  endpoint?: string;
}

/** One slice: `settleS` unmeasured, then `measureS` measured, then the connections close. */
async function slice(
  url: string,
  scenario: ScenarioDef,
  stream: RequestStream,
  cfg: AlternatingConfig,
  settleS: number,
  measureS: number,
  signal: AbortSignal | undefined,
): Promise<Omit<SliceResult, 'side'>> {
  const histogram = newHistogram();
  const readEndpoints = new Set(scenario.endpoints.filter((e) => !e.writes).map((e) => e.name));
  const mixed = readEndpoints.size > 0 && readEndpoints.size < scenario.endpoints.length;
  const readHistogram = mixed ? newHistogram() : null;
  let readRequests = 0;
  let readOk = 0;
  let requests = 0;
  let ok2xx = 0;
  let errors = 0;
  let timeouts = 0;
  let measuring = false;
  let start = 0;
  let end = 0;
  const host = new URL(url).host;
  const builder = (_req: unknown, context: SliceContext): Buffer => {
    const r = stream.next();
    context.endpoint = r.endpoint;
    return renderRequest(r, host);
  };
  let finish: (err: Error | null) => void = () => {};
  const finished = new Promise<void>((resolve, reject) => {
    finish = (err) => (err ? reject(err) : resolve());
  });
  const instance = autocannon(
    {
      url,
      connections: cfg.connections,
      // A ceiling only: the slice stops itself below.
      duration: settleS + measureS + cfg.timeoutS + 5,
      timeout: cfg.timeoutS,
      sampleInt: SAMPLE_INT_MS,
      requests: [
        {
          setupRequest: (req: Record<string, unknown>, context: SliceContext) => {
            const r = stream.next();
            context.endpoint = r.endpoint;
            return { ...req, method: r.method, path: r.path, headers: r.headers, body: r.body };
          },
        },
      ] as unknown as autocannon.Request[],
    } as autocannon.Options,
    (err) => finish(err ?? null),
  );
  instance.on('response', (client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    useFastBuilder(client, builder);
    if (!measuring) return;
    requests++;
    if (statusCode >= 200 && statusCode < 300) ok2xx++;
    histogram.recordValue(Math.max(1, Math.round(responseTime * 1000)));
    if (readHistogram) {
      const endpoint = (client as { requestIterator?: { context?: SliceContext } }).requestIterator?.context?.endpoint;
      if (endpoint !== undefined && readEndpoints.has(endpoint)) {
        readRequests++;
        if (statusCode >= 200 && statusCode < 300) readOk++;
        readHistogram.recordValue(Math.max(1, Math.round(responseTime * 1000)));
      }
    }
  });
  instance.on('reqError', (err: Error) => {
    if (!measuring) return;
    if (/timed out/.test(err.message)) timeouts++;
    else errors++;
  });
  const wait = (s: number) =>
    new Promise<void>((resolve) => {
      const onAbort = () => (clearTimeout(t), resolve());
      const t = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), s * 1000);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  await wait(settleS);
  if (!signal?.aborted && measureS > 0) {
    measuring = true;
    start = performance.now();
    await wait(measureS);
    end = performance.now();
    measuring = false;
  }
  instance.stop();
  await finished;
  const result = {
    requests,
    ok2xx,
    errors,
    timeouts,
    durationS: end > start ? (end - start) / 1000 : 0,
    latencyMs: latencySummary(histogram),
    ...(readHistogram
      ? { reads: { requests: readRequests, ok2xx: readOk, latencyMs: latencySummary(readHistogram) } }
      : {}),
  };
  histogram.destroy();
  readHistogram?.destroy();
  return result;
}

/** GET /health on a fresh connection; resolves on any answer, an error or after `timeoutS`. */
export async function drain(url: string, timeoutS = 2): Promise<number> {
  const t0 = performance.now();
  try {
    const res = await fetch(new URL('/health', url), {
      signal: AbortSignal.timeout(timeoutS * 1000),
      headers: { connection: 'close' },
    });
    await res.arrayBuffer();
  } catch {
    /* a server that does not answer in time is measured as such by the next slice */
  }
  return performance.now() - t0;
}

/**
 * Runs the slices in `order`, each side drawing from its own copy of the scenario's
 * request stream (same seed, so both sides get the same requests). Bounded: every slice
 * stops itself, `signal` stops the rest. Never prints.
 */
export async function runAlternating(cfg: AlternatingConfig, signal?: AbortSignal): Promise<AlternatingResult> {
  const scenario = await scenarioFromRef({
    name: cfg.scenario,
    ...(cfg.scenarioFile ? { source: cfg.scenarioFile } : {}),
  });
  const streams = {
    baseline: createRequestStream(scenario, cfg.scale, cfg.seed),
    candidate: createRequestStream(scenario, cfg.scale, cfg.seed),
  };
  // The warm-up's second half is measured (the load is the same): it sizes the slices. A
  // side whose window saw fewer answers than it has connections (and no error) has not shown
  // its waits yet: it is measured again, four times as long each time (settle and window), up
  // to MAX_SIZING_S; a side that looks slow is measured once more to confirm it. A side that refuses connections, or still answers nothing, is not waited
  // for. A slow side's warm-up is drained like its slices, so its backlog starts nothing.
  const sizings: Partial<Record<'baseline' | 'candidate', Sizing>> = {};
  const sliceShape = { settleS: cfg.settleS, measureS: cfg.measureS };
  if (cfg.warmupS > 0) {
    // Warm each side in the order it will first be measured, so neither starts colder.
    const firsts = [...new Set(cfg.order)].filter((side) => !cfg.warmSides || cfg.warmSides.includes(side));
    for (const side of firsts) {
      let half = cfg.warmupS / 2;
      let first: Sizing | undefined;
      for (;;) {
        if (signal?.aborted) break;
        const w = await slice(cfg.urls[side], scenario, streams[side], cfg, half, half, signal);
        const sample = { p95Ms: w.requests > 0 ? w.latencyMs.p95 : null, answers: w.requests, windowS: w.durationS };
        const sized = sliceSizing(sample, cfg.connections, sliceShape);
        const done = w.requests >= cfg.connections || w.errors > 0 || half >= MAX_SIZING_S;
        // What this window sent may still be owed: let the server work it off before going on.
        if (!signal?.aborted && (!done || sized.drainS > 0))
          await drain(cfg.urls[side], done ? sized.drainS : Math.max(1, half));
        if (done) {
          // One slow window can be a hiccup of the machine (a pause inside 0.15 s): an arm is
          // slow only when a second window says so too, and the less slow of the two sizes it.
          if (sized.drainS > 0 && first === undefined && !signal?.aborted) {
            first = sized;
            continue;
          }
          sizings[side] = first !== undefined && first.stretch < sized.stretch ? first : sized;
          break;
        }
        half = Math.min(MAX_SIZING_S, half * 4);
      }
      // A baseline too slow to slice refuses the block: the other side's sizing would change nothing.
      if (side === 'baseline' && cannotSlice(sizings.baseline, cfg.connections, cfg.settleS + cfg.measureS)) break;
    }
  }
  const refused = cannotSlice(sizings.baseline, cfg.connections, cfg.settleS + cfg.measureS);
  if (refused) return { slices: [], stoppedEarly: signal?.aborted === true, refused };
  const sized = Object.values(sizings);
  const stretch = Math.min(MAX_STRETCH, Math.max(1, ...sized.map((x) => x.stretch)));
  const drainS = Math.max(0, ...sized.map((x) => x.drainS));
  const slices: SliceResult[] = [];
  for (const side of cfg.order) {
    if (signal?.aborted) break;
    const settle = cfg.settleS * stretch;
    const measure = cfg.measureS * stretch;
    slices.push({ side, ...(await slice(cfg.urls[side], scenario, streams[side], cfg, settle, measure, signal)) });
    // A slow arm's slice leaves answers owed: wait until the server has worked them off, so
    // its backlog does not start the next slice of either side.
    if (drainS > 0 && !signal?.aborted) await drain(cfg.urls[side], drainS);
  }
  return { slices, stoppedEarly: signal?.aborted === true, stretch, drainS };
}

/**
 * Several alternating blocks one after another in one process (a round of the paired
 * stage: one generator start per round, not per block). Stops at the first block that
 * throws, returning what ran; `signal` stops the rest.
 */
export async function runAlternatingMany(
  cfgs: readonly AlternatingConfig[],
  signal?: AbortSignal,
): Promise<{ blocks: (AlternatingResult | { error: string })[] }> {
  const blocks: (AlternatingResult | { error: string })[] = [];
  for (const cfg of cfgs) {
    if (signal?.aborted) break;
    try {
      blocks.push(await runAlternating(cfg, signal));
    } catch (err) {
      blocks.push({ error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { blocks };
}
