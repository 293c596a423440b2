import { measureHttpCounted } from '../../load/counted-http.ts';
import { seededDatabase } from '../../load/runner.ts';
import { renderCountedTable } from '../../bench/bench-markdown.ts';
import type { CountedRecord } from '../../lib/records/counted.ts';
import { defineFlags, type FlagValues } from '../../lib/cli-kit.ts';
import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { probeEnvironment } from '../../lib/environment.ts';
import { LOAD_SCHEMA_VERSION, LoadFile, type CapacityRecord, type LoadRecord } from '../../lib/records/load.ts';
import { LOAD_DEFAULTS, resolveLoadOptions, type LoadOptions, type ResolvedLoadOptions } from '../../load/options.ts';
import { loadPinning, runLoad, type LoadProgress } from '../../load/runner.ts';
import { scenarioNames } from '../../load/scenarios.ts';
import { loadTable } from '../../load/table.ts';
import { interruptible, progressLine, remoteWarning } from '../../load/cli-support.ts';
import { topologyNote } from '../../load/runner.ts';
import { cpus } from 'node:os';
import { existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../../lib/errors.ts';
import { streamProgress } from '../../run/progress.ts';

/** Flags shared by `load` and `capacity`. */
export const LOAD_FLAGS = defineFlags({
  scenario: { kind: 'list', value: 'A[,B]', help: `${scenarioNames().join(', ')}; or --scenario-file` },
  'scenario-file': {
    kind: 'string',
    value: 'FILE',
    help: "your own service's requests (JSON or TS; docs/load.md), run against --target URL",
  },
  profile: {
    ...SHARED.profiles,
    help: `${SHARED.profiles.help} (seeded once per profile, fresh copy per trial); required unless --target`,
  },
  counted: {
    kind: 'boolean',
    help: 'also count exact cost per request server-side (valgrind, strace; n vs 2n sequential requests per scenario and profile)',
  },
  config: SHARED.config,
  engine: {
    kind: 'string',
    value: 'E',
    default: 'autocannon',
    help: 'autocannon or k6 (K6_BIN or PATH; same lifecycle and audit)',
  },
  connections: {
    kind: 'number',
    value: 'N',
    default: LOAD_DEFAULTS.connections,
    min: 1,
    max: 10_000,
    integer: true,
    help: 'concurrent connections',
  },
  duration: {
    kind: 'number',
    value: 'S',
    default: LOAD_DEFAULTS.durationS,
    min: 0.5,
    max: 3600,
    help: 'measured seconds per trial',
  },
  warmup: {
    kind: 'number',
    value: 'S',
    default: LOAD_DEFAULTS.warmupS,
    min: 0,
    max: 600,
    help: 'seconds run before measuring, excluded',
  },
  trials: {
    kind: 'number',
    value: 'N',
    default: LOAD_DEFAULTS.trials,
    min: 1,
    max: 50,
    integer: true,
    help: 'trials per arm; the table shows the median and the rps spread',
  },
  rate: {
    kind: 'number',
    value: 'RPS',
    min: 1,
    max: 1_000_000,
    help: 'open loop at a fixed overall rate instead of closed loop',
  },
  scale: { ...SHARED.scale, default: LOAD_DEFAULTS.scale },
  seed: {
    kind: 'number',
    value: 'N',
    default: LOAD_DEFAULTS.seed,
    min: 0,
    integer: true,
    help: 'data and request-stream seed',
  },
  topology: { kind: 'string', value: 'T', default: LOAD_DEFAULTS.topology, help: 'single | cluster:N | readers:N' },
  target: { kind: 'string', value: 'URL', help: 'load a server already running (loopback only; no spawn, no audit)' },
  'allow-remote': { kind: 'boolean', help: 'allow a non-loopback --target (prints what it will hit)' },
  'data-dir': {
    kind: 'string',
    value: 'DIR',
    default: LOAD_DEFAULTS.dataDir,
    help: 'seeded databases and trial copies; use a real disk',
  },
  timeout: {
    kind: 'number',
    value: 'S',
    default: LOAD_DEFAULTS.timeoutS,
    min: 0.1,
    max: 600,
    help: 'per-request timeout',
  },
  'no-pin': { kind: 'boolean', help: 'do not pin server and generator to separate CPUs' },
  wrk: { kind: 'boolean', help: 'cross-check: after each ceiling trial run wrk (if installed) on the same server' },
  'json-out': {
    ...SHARED['json-out'],
    help: `write the records (LoadFile, schemaVersion ${LOAD_SCHEMA_VERSION}), rewritten after each arm`,
  },
  json: { kind: 'boolean', help: 'print the records (the same LoadFile) to stdout instead of the table' },
});

/** `load` only: the fixture's database engine. */
export const ENGINE_DB_FLAGS = defineFlags({
  'engine-db': {
    kind: 'string',
    value: 'DB',
    default: 'sqlite',
    help:
      'sqlite or postgres: postgres serves the same fixture from PostgreSQL (profiles pg-default, pg-tuned; default pg-tuned), ' +
      'on a throwaway cluster the command starts and removes, seeded by migrating the SQLite seed (docs/postgres.md)',
  },
  'pg-url': {
    kind: 'string',
    value: 'URL',
    help: 'with --engine-db postgres: use this server (needs CREATEDB; loopback unless --allow-remote) instead of a throwaway cluster',
  },
});

/**
 * --scenario-file: the catalog with the file's scenario, and the flags with it selected. It
 * describes your service, so it needs --target (the fixture has other routes).
 */
export async function withScenarioFile<V extends Partial<FlagValues<typeof LOAD_FLAGS>>>(
  values: V,
  catalog: Catalog,
): Promise<{ values: V; catalog: Catalog }> {
  const file = values['scenario-file'];
  if (file === undefined) return { values, catalog };
  if (values.scenario?.length) throw new UsageError('give --scenario or --scenario-file, not both');
  if (values.target === undefined)
    throw new UsageError('--scenario-file describes your own service: give its address with --target URL');
  const withFile = await catalog.withScenarioFiles([resolve(file)]);
  return { values: { ...values, scenario: [withFile.userScenarios.at(-1)!.name] }, catalog: withFile };
}

/**
 * LoadOptions from parsed flags (numbers already checked against LOAD_FLAGS, the rest in
 * resolveLoadOptions): every name looked up in the catalog here, once.
 */
export function loadOptionsFromFlags(values: Partial<FlagValues<typeof LOAD_FLAGS>>, catalog: Catalog): LoadOptions {
  const postgres = (values as { 'engine-db'?: string })['engine-db'] === 'postgres';
  const names = values.profile ?? [];
  return {
    ...(values.engine !== undefined ? { engine: values.engine as LoadOptions['engine'] } : {}),
    scenarios: (values.scenario ?? []).map((n) => catalog.scenario(n)),
    profiles: postgres ? [] : names.map((n) => catalog.profile(n)),
    ...(postgres ? { pgProfiles: names.map((n) => catalog.pgProfile(n)) } : {}),
    catalogSpec: catalog.spec,
    scale: values.scale,
    seed: values.seed,
    connections: values.connections,
    durationS: values.duration,
    warmupS: values.warmup,
    trials: values.trials,
    rate: values.rate ?? null,
    topology: values.topology,
    ...(values.target !== undefined ? { target: values.target } : {}),
    allowRemote: values['allow-remote'] ?? false,
    dataDir: values['data-dir'],
    timeoutS: values.timeout,
    pin: !(values['no-pin'] ?? false),
    wrk: values.wrk ?? false,
  };
}

/**
 * Refuses a --json-out path that cannot be written, before any load runs: creates missing parent
 * directories one level at a time (recursive mkdir spins forever under /proc on Node 20) and
 * writes a probe file there.
 */
export function checkJsonPath(file: string | undefined): void {
  if (file === undefined) return;
  const target = resolve(file);
  if (existsSync(target) && statSync(target).isDirectory()) throw new UsageError(`--json-out: ${file} is a directory`);
  const missing: string[] = [];
  let dir = dirname(target);
  while (!existsSync(dir)) {
    missing.unshift(dir);
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  const probe = join(missing.length ? dirname(missing[0]!) : dir, `.loadlab-probe-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
    for (const d of missing) mkdirSync(d);
  } catch {
    throw new UsageError(`--json-out: cannot write ${file}`);
  }
}

/** Writes a LoadFile (validated, atomic). */
type ProgressHooks = { signal: AbortSignal; onProgress: (e: LoadProgress) => void };

/** How many trials a command will run (an upper bound for capacity) and how long one takes: the ETA. */
export interface TrialPlan {
  trials: number;
  trialS: number;
}

/** Seconds per trial beyond warm-up and duration: DB copy, server and generator starts (seen here: ~2 s). */
const TRIAL_OVERHEAD_S = 2;

export function trialPlan(opts: ResolvedLoadOptions, trials: number): TrialPlan {
  return { trials, trialS: opts.warmupS + opts.durationS + TRIAL_OVERHEAD_S };
}

/**
 * What `load` and `capacity` share around a measurement: refuse an unwritable --json-out up
 * front, warn about a remote target, probe the environment, print progress to stderr,
 * rewrite the JSON after every finished arm (a late failure keeps the earlier arms) and
 * turn Ctrl-C into an orderly stop.
 */
export async function runWithProgress<T>(
  opts: ResolvedLoadOptions,
  json: string | undefined,
  measure: (hooks: ProgressHooks) => Promise<T>,
  plan: TrialPlan = trialPlan(opts, opts.scenarios.length * opts.profileNames.length * opts.trials),
): Promise<{ result: T; records: LoadRecord[]; env: LoadFile['environment']; interrupted: boolean }> {
  checkJsonPath(json);
  if (opts.target) {
    const warning = remoteWarning(opts.target);
    if (warning) process.stderr.write(warning + '\n');
  }
  const env = loadEnvironment(opts);
  const records: LoadRecord[] = [];
  const stop = interruptible();
  try {
    // A live line on a terminal (trial i/n, elapsed, ETA counting down), plain lines in CI.
    const sink = streamProgress(process.stderr);
    let started = 0;
    let current = '';
    let t0 = 0;
    const result = await measure({
      signal: stop.signal,
      onProgress: (e) => {
        if (e.kind === 'trial-start') {
          started++;
          current = `${e.scenario} × ${e.profile} trial ${e.trial}/${e.trials} at ${e.connections} connections`;
          t0 = performance.now();
          const total = Math.max(plan.trials, started);
          sink.stageStart(started, total, current, (total - started + 1) * plan.trialS);
        } else if (e.kind === 'trial-done') {
          const done = progressLine(e)?.trim() ?? '';
          sink.stageEnd(current, e.failure ? 'FAILED' : 'ok', (performance.now() - t0) / 1000, done);
        } else {
          const line = progressLine(e);
          if (line) sink.note(line);
        }
        if (e.kind === 'arm-done') {
          records.push(e.record);
          if (json) writeLoadFile(json, opts, records, [], env);
        }
      },
    });
    sink.close?.();
    return { result, records, env, interrupted: stop.interrupted() };
  } finally {
    stop.dispose();
  }
}

export function writeLoadFile(
  file: string,
  opts: ResolvedLoadOptions,
  records: LoadRecord[],
  capacity: CapacityRecord[],
  env: LoadFile['environment'],
  counted: CountedRecord[] = [],
): void {
  writeJsonAtomic(file, loadFileOf(opts, records, capacity, env, counted));
}

/** The LoadFile of a measurement (validated): what --json-out writes and --json prints. */
export function loadFileOf(
  opts: ResolvedLoadOptions,
  records: LoadRecord[],
  capacity: CapacityRecord[],
  env: LoadFile['environment'],
  counted: CountedRecord[] = [],
): LoadFile {
  // The record names the scenarios and profiles; the catalog's spec stays out of it.
  const { scenarios, profiles: _profiles, pgProfiles: _pg, catalogSpec: _spec, profileNames, ...rest } = opts;
  const options = {
    ...rest,
    scenarios: scenarios.map((s) => s.name),
    profiles: profileNames,
    target: opts.target?.href ?? null,
  };
  return LoadFile.parse({
    schemaVersion: LOAD_SCHEMA_VERSION,
    kind: 'load',
    environment: env,
    options,
    records,
    capacity,
    counted,
  });
}

/** The environment record, with the topology caveat when there is one. */
export function loadEnvironment(opts: ResolvedLoadOptions): LoadFile['environment'] {
  const pinning = loadPinning(opts);
  const env = probeEnvironment({ dataDir: opts.dataDir, pinning });
  const note = topologyNote(opts.topology, cpus().length, pinning);
  if (note) env.caveats.push(note);
  return env;
}

export const command = defineCommand({
  name: 'load',
  summary: 'HTTP load with autocannon: fresh DB copy and server per trial, HDR latency, trials, audit of writes.',
  details: `Each trial: copy of the seeded DB, a fresh 'loadlab serve', autocannon in another process
(server and generator on different CPUs with taskset when there are 2). Writing scenarios are
audited: 2xx writes must equal new rows, integrity_check ok. Exit 1 when an arm failed
(server died, audit mismatch; with --scenario-file: more unexpected answers than its error
budget), 130 when interrupted.`,
  options: { ...LOAD_FLAGS, ...ENGINE_DB_FLAGS },
  async run({ values: flags }, context) {
    const { values, catalog } = await withScenarioFile(flags, context.catalog);
    const options: LoadOptions = {
      ...loadOptionsFromFlags(values, catalog),
      engineDb: values['engine-db'] as LoadOptions['engineDb'],
      ...(values['pg-url'] !== undefined ? { pgUrl: values['pg-url'] } : {}),
    };
    const opts = resolveLoadOptions(options); // refuses a remote --target before anything connects
    if (values.counted && opts.target)
      throw new UsageError('load: --counted counts the fixture server this machine starts, not a --target');
    if (values.counted && opts.engineDb === 'postgres')
      throw new UsageError(
        "load: --counted counts the SQLite fixture server; with --engine-db postgres the work happens in PostgreSQL's own processes",
      );
    const out = values['json-out'];
    const { records, env, interrupted } = await runWithProgress(opts, out, (hooks) => runLoad(options, hooks));
    if (!values.json) process.stdout.write(loadTable(records));
    let counted: CountedRecord[] = [];
    if (values.counted && !interrupted) {
      process.stderr.write('counting exact cost per request, server-side (valgrind, strace: minutes)\n');
      counted = await measureHttpCounted({
        scenarios: opts.scenarios,
        profiles: opts.profiles,
        seededFor: (p) => seededDatabase(opts.dataDir, p, opts.scale, opts.seed),
        catalogSpec: opts.catalogSpec,
        scale: opts.scale,
        seed: opts.seed,
        workDir: opts.dataDir,
        onProgress: (e) => process.stderr.write(`[counted ${e.done + 1}/${e.total}] ${e.scenario} · ${e.profile}\n`),
      });
      if (!values.json) {
        process.stdout.write('\nExact cost per request, server-side (n vs 2n sequential requests):\n');
        process.stdout.write(renderCountedTable(counted));
      }
      if (out) writeLoadFile(out, opts, records, [], env, counted);
    }
    if (values.json) process.stdout.write(JSON.stringify(loadFileOf(opts, records, [], env, counted), null, 2) + '\n');
    else for (const c of env.caveats) process.stdout.write(`note: ${c}\n`);
    if (out) process.stderr.write(`wrote ${out}\n`);
    if (interrupted) return 130;
    return records.some((r) => r.status !== 'ok') || counted.some((r) => r.status === 'failed') ? 1 : 0;
  },
});
