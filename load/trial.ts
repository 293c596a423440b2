import { ensureDir } from '../lib/ensure-dir.ts';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { spawnServer, type ServerHandle } from '../lib/server-process.ts';
import { ServerTiming, type Audit, type LoadTrial } from '../lib/records/load.ts';
import type { Pinning } from '../lib/records/environment.ts';
import {
  auditFailure,
  auditWrites,
  checkWrites,
  checkWritesInDatabase,
  mapRowReader,
  insertTables,
  inspectDatabase,
  type TableCounts,
} from './audit.ts';
import { successes, trialFromResult } from './aggregate.ts';
import { startGenerator, type GeneratorRun } from './engines/autocannon/generator-process.ts';
import { startK6Generator } from './engines/k6/runner.ts';
import { runWrk, type WrkResult } from './engines/wrk.ts';
import type { GeneratorResult } from './engines/autocannon/generator.ts';
import type { ResolvedLoadOptions } from './options.ts';
import { pgAuditSnapshot, type PgEnvironment } from '../pg/trial-env.ts';
import { scenarioWrites, type ScenarioDef } from './scenarios.ts';

export interface TrialInput {
  scenario: ScenarioDef;
  profile: string;
  /** The seeded database to copy, or null with a --target. */
  seededDb: string | null;
  /** PostgreSQL: each trial serves a fresh copy of this environment's template (seededDb holds the same rows). */
  pg?: PgEnvironment;
  opts: ResolvedLoadOptions;
  /** Override of opts.connections (capacity steps). */
  connections?: number;
  pinning: Pinning;
  index: number;
  signal?: AbortSignal;
}

export interface TrialOutcome {
  /** Null when nothing was measured (the server never started). */
  trial: LoadTrial | null;
  audit: Audit | null;
  serverTiming: ServerTiming | null;
  /** Why the trial failed (server died, generator failed, audit mismatch, interrupted), or undefined. */
  failure?: string;
  /** True when the failure means the arm cannot go on (server died, interrupted). */
  fatal: boolean;
  /** Engine extras of a non-autocannon generator (k6 checks, thresholds, summary path). */
  engineExtra?: Record<string, unknown>;
  /** wrk against the same server right after the trial (--wrk, fixed-request scenarios), or why not. */
  wrk?: WrkResult | { error: string };
}

const emptyResult = (): GeneratorResult => ({
  measured: {
    requests: 0,
    statusCodes: {},
    errors: 0,
    timeouts: 0,
    bytes: 0,
    durationS: 0,
    latencyMs: { mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 },
  },
  byEndpoint: {},
  stoppedEarly: true,
  statsReset: 'skipped',
});

const removeDb = (file: string) => {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
};

async function fetchServerTiming(url: string): Promise<ServerTiming | null> {
  try {
    const res = await fetch(new URL('/__stats', url), { signal: AbortSignal.timeout(5000) });
    if (!res.ok) return null;
    const parsed = ServerTiming.safeParse(await res.json());
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * A scenario file's error budget: unexpected answers (status not in the request's `expect`,
 * else not 2xx), connection errors and timeouts over every attempt. Over budget: why, with
 * the statuses seen; else undefined.
 */
export function overErrorBudget(result: GeneratorResult, scenario: ScenarioDef): string | undefined {
  const m = result.measured;
  const attempts = m.requests + m.errors + m.timeouts;
  if (attempts === 0 || scenario.maxErrorPct === undefined) return undefined;
  const unexpected = m.unexpected ?? m.requests - successes(m.statusCodes);
  const share = (100 * (unexpected + m.errors + m.timeouts)) / attempts;
  if (share <= scenario.maxErrorPct) return undefined;
  const codes = Object.entries(m.statusCodes)
    .sort((a, b) => b[1] - a[1])
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ');
  return `${share.toFixed(1)} % of requests failed (unexpected status ${unexpected}, errors ${m.errors}, timeouts ${m.timeouts}; statuses ${codes || 'none'}), over the scenario's error budget of ${scenario.maxErrorPct} %`;
}

/**
 * One trial: a fresh copy of the seeded database, a fresh server process, the generator in
 * another process, then server timing and (for writing scenarios) the audit. Never throws
 * for a failed trial: the failure is in the outcome with whatever was measured.
 */
export async function runTrial(input: TrialInput): Promise<TrialOutcome> {
  try {
    return await trialLifecycle(input);
  } catch (err) {
    // Copying the database or counting its rows failed (disk full, unreadable file): data, not a crash.
    return {
      trial: null,
      audit: null,
      serverTiming: null,
      failure: `trial could not run: ${(err as Error).message}`,
      fatal: true,
    };
  }
}

async function trialLifecycle(input: TrialInput): Promise<TrialOutcome> {
  const { scenario, opts } = input;
  const writes = scenarioWrites(scenario);
  const tables = insertTables(scenario);
  const connections = input.connections ?? opts.connections;
  let server: ServerHandle | undefined;
  let generator: GeneratorRun | undefined;
  let trialDb: string | undefined;
  let trialUrl: string | undefined;
  try {
    let before: TableCounts = {};
    let url: string;
    if (input.seededDb) {
      let serveDb: string;
      let serveEnv: NodeJS.ProcessEnv | undefined;
      const pgArgs: string[] = [];
      if (input.pg) {
        trialUrl = await input.pg.newTrialDb();
        // A password goes to the server by environment, never on its command line (ps shows that).
        const u = new URL(trialUrl);
        if (u.password) {
          serveEnv = { ...process.env, PGPASSWORD: decodeURIComponent(u.password) };
          u.password = '';
        }
        serveDb = u.href;
        if (opts.allowRemote) pgArgs.push('--allow-remote');
        // The template is the seed migrated and verified by counts and digests: its counts are the seed's.
        if (writes) before = inspectDatabase(input.seededDb, tables, false).counts;
      } else {
        const dir = join(opts.dataDir, 'trials');
        ensureDir(dir);
        serveDb = trialDb = join(
          dir,
          `${scenario.name}-${input.profile}-${process.pid}-${input.index}-${Date.now().toString(36)}.sqlite`,
        );
        copyFileSync(input.seededDb, trialDb);
        if (writes) before = inspectDatabase(trialDb, tables, false).counts;
      }
      const topologyArgs = opts.topology === 'single' ? [] : ['--topology', opts.topology];
      try {
        server = await spawnServer({
          db: serveDb,
          profile: input.profile,
          catalog: opts.catalogSpec,
          args: [...topologyArgs, ...opts.serveArgs, ...pgArgs],
          ...(serveEnv ? { env: serveEnv } : {}),
          ...(input.pinning.serverCpu !== null ? { cpu: input.pinning.serverCpu } : {}),
          startTimeoutMs: 30_000,
        });
      } catch (err) {
        return {
          trial: null,
          audit: null,
          serverTiming: null,
          failure: `server did not start: ${(err as Error).message}`,
          fatal: true,
        };
      }
      url = server.url;
    } else {
      url = opts.target!.href;
    }
    if (input.signal?.aborted)
      return { trial: null, audit: null, serverTiming: null, failure: 'interrupted', fatal: true };

    const start =
      opts.engine === 'k6'
        ? (c: Parameters<typeof startGenerator>[0], o: Parameters<typeof startGenerator>[1]) =>
            startK6Generator(c, { ...o, scenario, summaryDir: join(opts.dataDir, 'k6') })
        : startGenerator;
    generator = start(
      {
        url,
        scenario: scenario.name,
        ...(scenario.source ? { scenarioFile: scenario.source } : {}),
        scale: opts.scale,
        seed: opts.seed,
        connections,
        warmupS: opts.warmupS,
        durationS: opts.durationS,
        rate: opts.rate,
        resetStats: server !== undefined,
        timeoutS: opts.timeoutS,
      },
      {
        ...(input.pinning.generatorCpu !== null ? { cpu: input.pinning.generatorCpu } : {}),
        deadlineMs: (opts.warmupS + opts.durationS + opts.timeoutS + 20) * 1000,
      },
    );
    const gen = generator;
    let failure: string | undefined;
    let fatal = false;
    let generatorDone = false;
    const onAbort = () => {
      failure ??= 'interrupted';
      fatal = true;
      gen.stop();
    };
    input.signal?.addEventListener('abort', onAbort, { once: true });
    if (server) {
      const srv = server;
      void srv.exited.then((code) => {
        if (!generatorDone && failure === undefined) {
          failure = `server exited (${code}) mid-trial${srv.stderrTail() ? `: ${srv.stderrTail().split('\n').pop()}` : ''}`;
          fatal = true;
          gen.stop();
        }
      });
    }
    let result: GeneratorResult;
    try {
      result = await gen.result;
    } catch (err) {
      failure ??= (err as Error).message;
      result = emptyResult();
    } finally {
      generatorDone = true;
      input.signal?.removeEventListener('abort', onAbort);
    }
    // Settle the race: a server that died just before the generator finished still counts.
    const serverAlive = server !== undefined && server.child.exitCode === null && server.child.signalCode === null;
    // In a cluster each worker keeps its own stats; one worker's would misrepresent the whole.
    const serverTiming = serverAlive && !opts.topology.startsWith('cluster:') ? await fetchServerTiming(url) : null;
    let wrk: TrialOutcome['wrk'];
    const only = scenario.endpoints.length === 1 ? scenario.endpoints[0]! : undefined;
    if (opts.wrk && serverAlive && !failure && only?.fixed) {
      const path = only.build({} as never).path;
      wrk = await runWrk({
        url: new URL(path, url).href,
        connections,
        durationS: opts.durationS,
        ...(input.pinning.generatorCpu !== null ? { cpu: input.pinning.generatorCpu } : {}),
        ...(input.signal ? { signal: input.signal } : {}),
      }).catch((err: Error) => ({ error: err.message }));
    }
    if (server) await server.stop(5000);

    let audit: Audit | null = null;
    if (writes && trialDb) {
      try {
        const after = inspectDatabase(trialDb, tables, true);
        // Each acknowledged write by id and token when the engine logged them (autocannon), else counts only.
        const check = result.writes
          ? checkWritesInDatabase(trialDb, { scenario, scale: opts.scale, seed: opts.seed, log: result.writes })
          : undefined;
        audit = auditWrites({
          scenario,
          byEndpoint: result.byEndpoint,
          before,
          after: after.counts,
          integrity: after.integrity,
          ...(check ? { check } : {}),
        });
        if (!audit.ok) failure ??= auditFailure(audit);
      } catch (err) {
        failure ??= `audit could not read the database: ${(err as Error).message}`;
      }
    } else if (writes && trialUrl) {
      try {
        // First pass: learn which rows the check reads (its answers are discarded); then read only those.
        const wanted = new Map<string, Set<number>>();
        const base = { scenario, scale: opts.scale, seed: opts.seed };
        if (result.writes)
          checkWrites({
            ...base,
            log: result.writes,
            rows: {
              row(table, id) {
                let ids = wanted.get(table);
                if (!ids) wanted.set(table, (ids = new Set()));
                ids.add(id);
                return undefined;
              },
            },
          });
        const snap = await pgAuditSnapshot(trialUrl, tables, wanted);
        const check = result.writes
          ? checkWrites({ ...base, log: result.writes, rows: mapRowReader(snap.rows) })
          : undefined;
        audit = auditWrites({
          scenario,
          byEndpoint: result.byEndpoint,
          before,
          after: snap.counts,
          integrity: snap.integrity,
          ...(check ? { check } : {}),
        });
        if (!audit.ok) failure ??= auditFailure(audit);
      } catch (err) {
        failure ??= `audit could not read the database: ${(err as Error).message}`;
      }
    }
    if (input.signal?.aborted) {
      // Ctrl-C reaches the whole process group: the server stopping too is not a crash.
      failure = 'interrupted';
      fatal = true;
    }
    if (!failure && result.engine?.gateFailure) failure = result.engine.gateFailure;
    if (!failure && result.measured.requests === 0) failure = 'no responses in the measured window';
    if (!failure && opts.enforceErrorBudget && scenario.maxErrorPct !== undefined)
      failure = overErrorBudget(result, scenario);
    const engineExtra = result.engine?.extra;
    return {
      trial: trialFromResult(result, failure),
      audit,
      serverTiming,
      ...(failure ? { failure } : {}),
      fatal,
      ...(engineExtra ? { engineExtra } : {}),
      ...(wrk ? { wrk } : {}),
    };
  } finally {
    generator?.stop();
    await generator?.result.catch(() => undefined);
    await server?.stop(2000);
    if (trialDb) removeDb(trialDb);
    if (trialUrl) await input.pg?.dropTrialDb(trialUrl).catch(() => undefined);
  }
}
