/**
 * tune's last stage with `--serve CMD --scenario-file F`: the winner against your settings
 * through your own service, under load. tune starts your command twice, each on its own copy
 * of the database (yours: the file as it is; the winner: its journal, page size and indexes),
 * telling it the file, the PRAGMAs and the port in its environment:
 *
 *   LOADLAB_DB       the SQLite file to open
 *   LOADLAB_PRAGMAS  PRAGMA statements separated by ';' (run each with db.pragma())
 *   PORT             the port to listen on (the --target URL's {port})
 *
 * then runs `loadlab ab` between the two (the gate's alternating rounds and statistics), and
 * stops both. Everything it finds goes in the record; a service that will not start is an
 * error in the record, never a crash of the whole tune.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from '../lib/ensure-dir.ts';
import { UsageError } from '../lib/errors.ts';
import { isLoopbackHost } from '../lib/loopback.ts';
import { AbFile } from '../lib/records/ab.ts';
import { CLI_BIN } from '../lib/server-process.ts';
import { startInstance, type Instance } from './service-process.ts';
import { pragmaStatements, type Settings } from './space.ts';

/** ab's rounds: the fewest its family-wise intervals judge with. */
const ROUNDS = 6;
const WARMUP_S = 0.25;
const CONNECTIONS = 8;
/**
 * ab's time outside its load (start, environment probe, autocannon's start per slice, writing)
 * and the two services' start: measured 26.2 s for 16.2 s of load on this 2-core machine
 * while other tests ran, so a fixed part and a proportional one.
 */
const AB_OVERHEAD_S = 8;
const AB_LOAD_FACTOR = 1.2;

export interface ServiceSpec {
  /** The shell command that starts your service (run twice, with the environment above). */
  command: string;
  scenarioFile: string;
  /** Where an instance listens: {port} stands for its PORT (default http://127.0.0.1:{port}). */
  target: string;
  /** Where ab writes AB.md and ab.json. */
  outDir: string;
}

export interface ServiceMetric {
  key: string;
  name: string;
  /** ratio: winner over yours; points: the winner's share minus yours (error shares). */
  scale: 'ratio' | 'points';
  direction: 'higher' | 'lower';
  gating: boolean;
  verdict: string;
  /** Winner over yours (ratio), its interval and computed coverage; null when there is none. */
  median: number | null;
  low: number | null;
  high: number | null;
  coverage: number | null;
  reason?: string;
}

export interface ServiceResult {
  command: string;
  scenarioFile: string;
  urls: { yours: string; winner: string };
  pragmas: { yours: string[]; winner: string[] };
  load: { rounds: number; durationS: number; connections: number };
  /** ab's exit: 0 the winner is not slower beyond its thresholds, 1 slower (or a side failed), 2 not judged. */
  exitCode: number | null;
  /** ab's verdict line. */
  headline: string;
  metrics: ServiceMetric[];
  abDir: string;
  elapsedS: number;
  error?: string;
}

/** Checks a --target template: http(s), a {port} or a port, loopback. */
export function checkTarget(template: string): void {
  let url: URL;
  try {
    url = new URL(template.replace('{port}', '1'));
  } catch {
    throw new UsageError(`--target: not a URL: '${template}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--target: expected http:// or https://, got '${template}'`);
  if (!isLoopbackHost(url.hostname))
    throw new UsageError(
      `--target: tune starts your service on this machine: the host must be loopback, got '${url.hostname}'`,
    );
  if (!template.includes('{port}'))
    throw new UsageError(`--target: give {port} where each instance's PORT goes, e.g. http://127.0.0.1:{port}`);
}

/** The PRAGMAs a service instance is told to run: the settings and the busy timeout. */
export function servicePragmas(s: Settings, busyTimeoutMs: number): string[] {
  return [...pragmaStatements(s), `busy_timeout = ${busyTimeoutMs}`];
}

/** ab's load per side and round for a stage of `budgetS` seconds, or null when it cannot pay for the fewest. */
export function serviceLoad(budgetS: number): ServiceResult['load'] | null {
  const durationS = (budgetS - AB_OVERHEAD_S) / AB_LOAD_FACTOR / (2 * ROUNDS) - WARMUP_S;
  if (durationS < 0.5) return null;
  return { rounds: ROUNDS, durationS: Math.min(15, Math.round(durationS * 10) / 10), connections: CONNECTIONS };
}

/** Runs `loadlab ab` between two URLs; its exit code, verdict line and record. */
function runAbChild(
  yours: string,
  winner: string,
  spec: ServiceSpec,
  load: NonNullable<ReturnType<typeof serviceLoad>>,
): Promise<{ code: number | null; stdout: string; stderr: string; ab: AbFile | null }> {
  ensureDir(spec.outDir);
  const config = join(spec.outDir, 'ab-load.json');
  writeFileSync(
    config,
    JSON.stringify({
      load: { connections: load.connections, durationS: load.durationS, warmupS: WARMUP_S, trials: load.rounds },
    }),
  );
  const args = [
    CLI_BIN,
    'ab',
    '--baseline-target',
    yours,
    '--candidate-target',
    winner,
    '--scenario-file',
    spec.scenarioFile,
    '--config',
    config,
    '--out',
    spec.outDir,
    '--order-seed',
    '1',
  ];
  return new Promise((resolve) => {
    execFile(process.execPath, args, { maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      let ab: AbFile | null = null;
      try {
        ab = AbFile.parse(JSON.parse(readFileSync(join(spec.outDir, 'ab.json'), 'utf8')));
      } catch {
        ab = null;
      }
      resolve({ code, stdout, stderr, ab });
    });
  });
}

/** The winner against yours through your service: two instances, one `ab`, both stopped. */
export async function compareThroughService(input: {
  spec: ServiceSpec;
  files: { yours: string; winner: string };
  settings: { yours: Settings; winner: Settings };
  /** Both instances get it: the fragment's (a wait instead of an error on a lock). */
  busyTimeoutMs: number;
  budgetS: number;
  cwd?: string;
}): Promise<ServiceResult> {
  const t0 = performance.now();
  const { spec } = input;
  const pragmas = {
    yours: servicePragmas(input.settings.yours, input.busyTimeoutMs),
    winner: servicePragmas(input.settings.winner, input.busyTimeoutMs),
  };
  const load = serviceLoad(input.budgetS) ?? { rounds: ROUNDS, durationS: 0, connections: CONNECTIONS };
  const result: ServiceResult = {
    command: spec.command,
    scenarioFile: spec.scenarioFile,
    urls: { yours: '', winner: '' },
    pragmas,
    load,
    exitCode: null,
    headline: '',
    metrics: [],
    abDir: spec.outDir,
    elapsedS: 0,
  };
  const done = (error?: string): ServiceResult => ({
    ...result,
    elapsedS: (performance.now() - t0) / 1000,
    ...(error ? { error } : {}),
  });
  if (load.durationS === 0)
    return done(`the budget cannot pay for ${ROUNDS} rounds of load (${Math.floor(input.budgetS)} s left)`);
  const instances: Instance[] = [];
  try {
    const cwd = input.cwd ?? process.cwd();
    for (const side of ['yours', 'winner'] as const) {
      const env = { LOADLAB_DB: input.files[side], LOADLAB_PRAGMAS: pragmas[side].join(';') };
      const inst = await startInstance(spec.command, spec.target, env, cwd);
      instances.push(inst);
      result.urls[side] = inst.url;
    }
    const r = await runAbChild(result.urls.yours, result.urls.winner, spec, load);
    result.exitCode = r.code;
    result.headline = r.stdout.split('\n')[0]?.trim() || r.stderr.trim().split('\n')[0] || '';
    result.metrics = (r.ab?.metrics ?? []).map((m) => ({
      key: m.key,
      name: m.name,
      scale: m.scale,
      direction: m.direction,
      gating: m.gating,
      verdict: m.verdict,
      median: m.median,
      low: m.low,
      high: m.high,
      coverage: m.coverage,
      ...(m.reason ? { reason: m.reason } : {}),
    }));
    if (!r.ab) return done(`ab wrote no record (exit ${r.code}): ${r.stderr.trim().split('\n')[0] ?? ''}`);
    return done();
  } catch (err) {
    return done(err instanceof Error ? err.message : String(err));
  } finally {
    await Promise.all(instances.map((i) => i.stop()));
  }
}
