import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Profile } from '../../db/profiles.ts';
import type { CatalogSpec } from '../../lib/records/catalog-spec.ts';
import { seedDatabase } from '../../db/seed.ts';
import type { Pinning } from '../../lib/records/environment.ts';
import type { OverloadRecord } from '../../lib/records/overload.ts';
import { spawnServer, type ServerHandle } from '../../lib/server-process.ts';
import { startGenerator } from '../engines/autocannon/generator-process.ts';
import type { GeneratorResult } from '../engines/autocannon/generator.ts';
import { sampleRss } from './memory.ts';

export interface OverloadRunOptions {
  /** Resolved from the catalog at the door (OVERLOAD_DEFAULTS.profiles are names). */
  profiles: Profile[];
  /** The catalog the spawned servers know (custom profiles); default the built-in one. */
  catalogSpec?: CatalogSpec;
  /** One step per value: closed-loop connections, far beyond capacity at the top. */
  connections: number[];
  scenario: string;
  durationS: number;
  warmupS: number;
  scale: number;
  seed: number;
  /** Where the databases go. */
  dir: string;
  /** serve --max-inflight / --max-queue-ms for the server under test. */
  maxInflight: number;
  maxQueueMs: number;
  /** serve --topology: single, cluster:N (several processes, one file: SQLITE_BUSY), readers:N. */
  topology: string;
  /** Per-request timeout of the generator, s. */
  timeoutS: number;
  pinning: Pinning;
  /** Aborting stops the step in flight (its partial figures are kept) and skips the rest. */
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export const OVERLOAD_RUN_DEFAULTS = {
  profiles: ['untuned', 'tuned'],
  connections: [64, 256, 1024],
  scenario: 'mix-80-20',
  durationS: 10,
  warmupS: 2,
  scale: 0.05,
  seed: 42,
  timeoutS: 10,
  topology: 'single',
} as const;

type Measured = GeneratorResult['measured'];

/** rps, 503 share and other 5xx from the generator's measured window. Pure. */
export function overloadFigures(
  m: Measured,
): Pick<
  OverloadRecord,
  'requests' | 'rps' | 'latencyMs' | 'statusCodes' | 'share503' | 'other5xx' | 'errors' | 'timeouts'
> {
  const answered = Object.values(m.statusCodes).reduce((a, b) => a + b, 0);
  const n503 = m.statusCodes['503'] ?? 0;
  const other5xx = Object.entries(m.statusCodes)
    .filter(([code]) => code.startsWith('5') && code !== '503')
    .reduce((a, [, n]) => a + n, 0);
  return {
    requests: m.requests,
    rps: m.durationS > 0 ? m.requests / m.durationS : 0,
    latencyMs: m.latencyMs,
    statusCodes: m.statusCodes,
    share503: answered > 0 ? n503 / answered : 0,
    other5xx,
    errors: m.errors,
    timeouts: m.timeouts,
  };
}

async function serverStats(url: string): Promise<Record<string, any> | null> {
  try {
    const res = await fetch(`${url}/__stats`, { signal: AbortSignal.timeout(5000) });
    return res.ok ? ((await res.json()) as Record<string, any>) : null;
  } catch {
    return null;
  }
}

const EMPTY_LATENCY = { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };

/** One step: fresh copy of the database, server, generator far beyond capacity, memory sampled. Never throws. */
export async function runOverloadStep(
  profile: string,
  connections: number,
  seededDb: string,
  opts: OverloadRunOptions,
): Promise<OverloadRecord> {
  const db = join(opts.dir, `overload-${profile}-c${connections}.sqlite`);
  const base = {
    profile,
    scenario: opts.scenario,
    connections,
    topology: opts.topology,
    durationS: opts.durationS,
    warmupS: opts.warmupS,
    limits: { maxInflight: opts.maxInflight, maxQueueMs: opts.maxQueueMs },
    pinning: opts.pinning,
  };
  let server: ServerHandle | undefined;
  let rss: ReturnType<typeof sampleRss> | undefined;
  let before: Record<string, any> | null = null;
  try {
    copyFileSync(seededDb, db);
    server = await spawnServer({
      db,
      profile,
      ...(opts.catalogSpec ? { catalog: opts.catalogSpec } : {}),
      args: [
        '--max-inflight',
        String(opts.maxInflight),
        '--max-queue-ms',
        String(opts.maxQueueMs),
        '--topology',
        opts.topology,
      ],
      ...(opts.pinning.pinned && opts.pinning.serverCpu !== null ? { cpu: opts.pinning.serverCpu } : {}),
    });
    before = await serverStats(server.url);
    rss = sampleRss(server.pid);
    const gen = startGenerator(
      {
        url: server.url,
        scenario: opts.scenario,
        scale: opts.scale,
        seed: opts.seed,
        connections,
        warmupS: opts.warmupS,
        durationS: opts.durationS,
        rate: null,
        resetStats: true,
        timeoutS: opts.timeoutS,
      },
      {
        ...(opts.pinning.pinned && opts.pinning.generatorCpu !== null ? { cpu: opts.pinning.generatorCpu } : {}),
        deadlineMs: (opts.warmupS + opts.durationS + opts.timeoutS + 10) * 1000,
      },
    );
    // A server that dies mid-run must not leave the generator hammering a closed port until its deadline.
    void server.exited.then(() => gen.stop());
    const onAbort = () => gen.stop();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    let result: GeneratorResult | undefined;
    let failure: string | undefined;
    try {
      result = await gen.result;
    } catch (err) {
      failure = err instanceof Error ? err.message : String(err);
    } finally {
      opts.signal?.removeEventListener('abort', onAbort);
    }
    if (opts.signal?.aborted && !failure) failure = 'interrupted: partial figures';
    const samples = rss.stop();
    rss = undefined;
    const alive = server.child.exitCode === null && server.child.signalCode === null;
    const after = alive ? await serverStats(server.url) : null;
    if (!alive) failure = `server died during the run (${await server.exited}): ${server.stderrTail()}`;
    const peak = samples.length ? Math.max(...samples.map(([, b]) => b)) : null;
    const figures = result
      ? overloadFigures(result.measured)
      : {
          requests: 0,
          rps: 0,
          latencyMs: EMPTY_LATENCY,
          statusCodes: {},
          share503: 0,
          other5xx: 0,
          errors: 0,
          timeouts: 0,
        };
    const record: OverloadRecord = {
      ...base,
      status: failure ? 'failed' : 'ok',
      ...(failure ? { reason: failure.split('\n')[0] } : {}),
      ...figures,
      server: {
        alive,
        shedInflight: after?.overload?.shedInflight ?? null,
        shedQueue: after?.overload?.shedQueue ?? null,
        busy: after?.busy ?? null,
        peakEventLoopDelayMs: after?.overload?.peakEventLoopDelayMs ?? null,
      },
      memory: {
        rssBeforeBytes: samples[0]?.[1] ?? null,
        rssPeakBytes: peak,
        rssAfterBytes: samples.at(-1)?.[1] ?? null,
        heapUsedBeforeBytes: before?.memory?.heapUsedBytes ?? null,
        heapUsedAfterBytes: after?.memory?.heapUsedBytes ?? null,
        rssSamples: samples,
      },
    };
    return record;
  } catch (err) {
    return {
      ...base,
      status: 'failed',
      reason: (err instanceof Error ? err.message : String(err)).split('\n')[0],
      requests: 0,
      rps: 0,
      latencyMs: EMPTY_LATENCY,
      statusCodes: {},
      share503: 0,
      other5xx: 0,
      errors: 0,
      timeouts: 0,
      server: { alive: false, shedInflight: null, shedQueue: null, busy: null, peakEventLoopDelayMs: null },
      memory: {
        rssBeforeBytes: null,
        rssPeakBytes: null,
        rssAfterBytes: null,
        heapUsedBeforeBytes: before?.memory?.heapUsedBytes ?? null,
        heapUsedAfterBytes: null,
        rssSamples: rss?.stop() ?? [],
      },
    };
  } finally {
    rss?.stop();
    await server?.stop();
  }
}

/** Every profile at every step, in order; a failed step is a record, and the rest still run. */
export async function runOverload(opts: OverloadRunOptions): Promise<OverloadRecord[]> {
  const records: OverloadRecord[] = [];
  for (const p of opts.profiles) {
    const profile = p.name;
    const seeded = join(opts.dir, `overload-${profile}-seed.sqlite`);
    try {
      seedDatabase({ out: seeded, profile: p, scale: opts.scale, seed: opts.seed, force: true });
    } catch (err) {
      opts.onProgress?.(`${profile}: seeding failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    for (const connections of opts.connections) {
      if (opts.signal?.aborted) return records;
      opts.onProgress?.(`${profile}: ${connections} connections, ${opts.warmupS} s warm-up + ${opts.durationS} s`);
      const r = await runOverloadStep(profile, connections, seeded, opts);
      records.push(r);
      opts.onProgress?.(
        `${profile} c${connections}: ${r.status}${r.reason ? ` (${r.reason})` : ''}, ${Math.round(r.rps)} rps, p95 ${r.latencyMs.p95} ms, 503 ${(r.share503 * 100).toFixed(1)} %`,
      );
    }
  }
  return records;
}

/** Passed: the server survived every step and no 5xx other than 503 escaped. */
export function overloadPassed(records: readonly OverloadRecord[]): boolean {
  return records.every((r) => r.status === 'ok' && r.server.alive && r.other5xx === 0);
}
