/**
 * Runs the k6 binary the user installed (K6_BIN or PATH) on one of the suite's scripts:
 *   k6 run --summary-export=FILE -e BASE_URL=URL [-e KEY=VALUE …] SCRIPT
 * and reads the summary back. Exit 99 (thresholds crossed) is a failed gate, not an error;
 * any other non-zero exit is an error carrying k6's stderr tail. Bounded by a timeout; the
 * child is always reaped. Never prints.
 */
import { ensureDir } from '../../../lib/ensure-dir.ts';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findK6 } from '../../../lib/environment.ts';
import { UsageError } from '../../../lib/errors.ts';
import type { LoadTrial } from '../../../lib/records/load.ts';
import { readK6Summary, type K6Summary } from './ingest.ts';
import { failedThresholds, k6EndpointCounts, k6SummaryToTrial } from './ingest-trial.ts';
import type { EndpointCounts, GeneratorConfig, GeneratorResult } from '../autocannon/generator.ts';
import type { GeneratorRun } from '../autocannon/generator-process.ts';
import type { ScenarioDef } from '../../scenarios.ts';

/** k6's exit code when a threshold was crossed. */
export const K6_THRESHOLDS_FAILED = 99;

export const K6_INSTALL_HINT =
  'k6 not found: install k6 (https://grafana.com/docs/k6/latest/set-up/install-k6/: a release binary, apt/brew/winget, or the grafana/k6 image) or set K6_BIN=/path/to/k6';

/** The k6 binary, or a UsageError (exit 2) saying how to get one. */
export function requireK6(): { bin: string; version: string } {
  const k6 = findK6();
  if (!k6) throw new UsageError(K6_INSTALL_HINT);
  return k6;
}

/** The suite's k6 script for a scenario; a scenario file's is one script for all (SCENARIO_JSON says which). */
export function k6ScriptFor(scenario: ScenarioDef): string {
  const file = scenario.source ? 'scenario-file' : scenario.name;
  return fileURLToPath(new URL(`../../k6/${file}.ts`, import.meta.url));
}

export interface K6RunOptions {
  script: string;
  baseUrl: string;
  /** More `-e KEY=VALUE` for the script (SCALE, SEED, SHAPE, EXECUTOR, RATE, DURATION, …). */
  env?: Record<string, string>;
  summaryPath: string;
  timeoutMs: number;
  /** The k6 binary (default: K6_BIN or `k6` on PATH). */
  bin?: string;
  /** Pin k6 to this CPU with taskset (the caller checks taskset exists). */
  cpu?: number;
  signal?: AbortSignal;
}

export interface K6Gate {
  ok: boolean;
  reason?: string;
  exitCode: number;
  /** `metric: expression` of each crossed threshold, or null when the summary shape has none. */
  failedThresholds: string[] | null;
}

export interface K6TrialResult {
  trial: LoadTrial;
  gate: K6Gate;
  summary: K6Summary;
  /** Per-endpoint counts for the write audit, or null when the summary lacks the submetrics. */
  byEndpoint: Record<string, EndpointCounts> | null;
  /** For the record's `extra.k6`: checks, thresholds, what was approximated, k6's stdout line. */
  extra: Record<string, unknown>;
}

/** The exact argv (after the binary) the runner uses. */
export function k6Args(o: Pick<K6RunOptions, 'script' | 'baseUrl' | 'env' | 'summaryPath'>): string[] {
  const env = Object.entries(o.env ?? {}).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
  return ['run', `--summary-export=${o.summaryPath}`, '-e', `BASE_URL=${o.baseUrl}`, ...env, o.script];
}

const live = new Set<ChildProcess>();
let exitHook = false;
function track(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

const tail = (s: string, lines = 5) => s.trim().split('\n').slice(-lines).join(' | ');

/** Spawns k6 and resolves with its exit code and output tails; rejects on spawn failure or timeout. */
export function spawnK6(o: K6RunOptions): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const bin = o.bin ?? process.env.K6_BIN ?? 'k6';
  const args = k6Args(o);
  const [cmd, argv] = o.cpu === undefined ? [bin, args] : ['taskset', ['-c', String(o.cpu), bin, ...args]];
  ensureDir(dirname(o.summaryPath));
  // No usage report to Grafana from a benchmark run (and none from offline CI).
  const child = spawn(cmd, argv, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, K6_NO_USAGE_REPORT: 'true' },
  });
  track(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout = (stdout + d).slice(-8000)));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-8000)));
  return new Promise((resolve, reject) => {
    let why: string | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    const stop = (reason: string) => {
      why ??= reason;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      killTimer ??= setTimeout(() => child.kill('SIGKILL'), 5000);
    };
    const timer = setTimeout(() => stop(`k6 did not finish within ${Math.round(o.timeoutMs / 1000)} s`), o.timeoutMs);
    const onAbort = () => stop('interrupted');
    o.signal?.addEventListener('abort', onAbort, { once: true });
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`could not start k6 (${bin}): ${err.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      o.signal?.removeEventListener('abort', onAbort);
      if (why) reject(new Error(`${why}${stderr ? `: ${tail(stderr, 3)}` : ''}`));
      else if (code === null) reject(new Error(`k6 was killed by ${signal}${stderr ? `: ${tail(stderr, 3)}` : ''}`));
      else resolve({ exitCode: code, stdout, stderr });
    });
  });
}

/**
 * One k6 trial: run, then read the summary export. Exit 0 or 99 gives figures (99 = failed
 * gate); any other exit, a timeout or a missing/malformed summary throws with the reason.
 */
export async function runK6Trial(o: K6RunOptions & { endpoints?: string[]; windowS?: number }): Promise<K6TrialResult> {
  const run = await spawnK6(o);
  if (run.exitCode !== 0 && run.exitCode !== K6_THRESHOLDS_FAILED) {
    throw new Error(`k6 exited with code ${run.exitCode}: ${tail(run.stderr) || tail(run.stdout) || 'no output'}`);
  }
  if (!existsSync(o.summaryPath))
    throw new Error(`k6 exited with code ${run.exitCode} but wrote no summary at ${o.summaryPath}`);
  let summary: K6Summary;
  try {
    summary = readK6Summary(o.summaryPath);
  } catch (err) {
    throw new Error(`k6's summary is unreadable: ${(err as Error).message}`);
  }
  const { trial, notes } = k6SummaryToTrial(summary, {
    source: o.summaryPath,
    ...(o.windowS !== undefined ? { windowS: o.windowS } : {}),
  });
  const failed = failedThresholds(summary);
  const crossed = run.exitCode === K6_THRESHOLDS_FAILED;
  const gate: K6Gate = {
    ok: !crossed,
    exitCode: run.exitCode,
    failedThresholds: failed,
    ...(crossed ? { reason: `k6 thresholds crossed${failed && failed.length ? `: ${failed.join('; ')}` : ''}` } : {}),
  };
  const extra = {
    script: o.script,
    shape: summary.shape,
    exitCode: run.exitCode,
    gate,
    checks: summary.checks,
    thresholds: summary.thresholds,
    notes,
    stdout: tail(run.stdout, 3),
  };
  return { trial, gate, summary, byEndpoint: o.endpoints ? k6EndpointCounts(summary, o.endpoints) : null, extra };
}

/** A summary path for a trial inside `dir`. */
export function k6SummaryPath(dir: string, label: string): string {
  return join(dir, `k6-${label}-${process.pid}-${Date.now().toString(36)}.json`);
}

/**
 * k6 as a drop-in for the autocannon generator process in the suite's trial lifecycle (fresh
 * database, spawned server, audit): same config in, a GeneratorResult out, plus the k6 gate
 * and extras under `engine`. Closed loop = ramping-vus holding `connections` VUs; `rate` =
 * constant-arrival-rate with `connections` VUs pre-allocated. The warm-up runs as its own
 * k6 scenario and is excluded from the figures (not from the per-endpoint audit counts).
 */
export function startK6Generator(
  config: GeneratorConfig,
  opts: { cpu?: number; deadlineMs: number; summaryDir: string; scenario: ScenarioDef },
): GeneratorRun {
  const { scenario } = opts;
  if (scenario.name !== config.scenario) throw new Error(`scenario '${scenario.name}' given for '${config.scenario}'`);
  const summaryPath = k6SummaryPath(opts.summaryDir, scenario.name);
  const vus = String(config.connections);
  const env: Record<string, string> = {
    SCALE: String(config.scale),
    SEED: String(config.seed),
    DURATION: `${config.durationS}s`,
    REQUEST_TIMEOUT: `${config.timeoutS}s`,
    SUMMARY_JSON: summaryPath.replace(/\.json$/, '.handle-summary.json'),
    ...(config.warmupS > 0 ? { WARMUP: `${config.warmupS}s` } : {}),
    ...(config.rate !== null
      ? { EXECUTOR: 'rate', RATE: String(config.rate), VUS: vus, MAX_VUS: vus }
      : { EXECUTOR: 'vus', VUS: vus }),
  };
  if (scenario.spec !== undefined) {
    // The k6 script rebuilds a scenario file's requests from its resolved contents (CSV columns read).
    const specPath = summaryPath.replace(/\.json$/, '.scenario.json');
    ensureDir(dirname(specPath));
    writeFileSync(specPath, JSON.stringify(scenario.spec));
    env.SCENARIO_JSON = specPath;
  }
  const controller = new AbortController();
  const inserting = scenario.endpoints.filter((e) => e.inserts !== null).map((e) => e.name);
  const result = runK6Trial({
    script: k6ScriptFor(scenario),
    baseUrl: config.url.replace(/\/+$/, ''),
    env,
    summaryPath,
    // k6 adds its own start-up, setup() and graceful stop (up to 30 s for iterations in flight).
    timeoutMs: opts.deadlineMs + 35_000,
    endpoints: inserting,
    windowS: config.durationS,
    signal: controller.signal,
    ...(opts.cpu !== undefined ? { cpu: opts.cpu } : {}),
  }).then((r): GeneratorResult => {
    const t = r.trial;
    return {
      measured: {
        requests: t.requests,
        statusCodes: t.statusCodes,
        errors: t.errors,
        timeouts: t.timeouts,
        bytes: Math.round(t.throughputBytesPerSec * t.durationS),
        durationS: t.durationS,
        latencyMs: t.latencyMs,
      },
      byEndpoint: r.byEndpoint ?? {},
      stoppedEarly: false,
      statsReset: 'skipped',
      engine: {
        name: 'k6',
        ...(r.gate.ok ? {} : { gateFailure: r.gate.reason ?? 'k6 thresholds crossed' }),
        extra: { ...r.extra, summaryPath, serverTimingNote: 'server timing covers the whole k6 run, warm-up included' },
      },
    };
  });
  return { pid: -1, result, stop: () => controller.abort() };
}
