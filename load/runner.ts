import { degradedReason } from './degraded.ts';
import { ensureDir } from '../lib/ensure-dir.ts';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { choosePinning } from '../lib/environment.ts';
import type { Pinning } from '../lib/records/environment.ts';
import type { Audit, LoadRecord, LoadTrial, ServerTiming } from '../lib/records/load.ts';
import { builtinProfile, type Profile } from '../db/profiles.ts';
import { seedDatabase } from '../db/seed.ts';
import { parseTopology } from '../fixture-server/topology.ts';
import { median, medianTrial, medianTrialIndex, spreadOf } from './aggregate.ts';
import type { WrkResult } from './engines/wrk.ts';
import { resolveLoadOptions, type LoadOptions, type ResolvedLoadOptions } from './options.ts';
import { scenarioWrites, type ScenarioDef } from './scenarios.ts';
import { runTrial } from './trial.ts';
import type { PgProfile } from '../pg/profiles.ts';
import { preparePgEnvironment, type PgEnvironment } from '../pg/trial-env.ts';

/** Progress events for a CLI or an orchestrator to show; the runner itself never prints. */
export type LoadProgress =
  | { kind: 'seed'; profile: string; file: string; reused: boolean }
  | { kind: 'trial-start'; scenario: string; profile: string; trial: number; trials: number; connections: number }
  | {
      kind: 'trial-done';
      scenario: string;
      profile: string;
      trial: number;
      rps: number | null;
      p95: number | null;
      failure?: string;
    }
  | { kind: 'arm-done'; record: LoadRecord };

export interface RunHooks {
  onProgress?: (event: LoadProgress) => void;
  /** Aborting stops the trial in flight (children reaped) and skips the rest. */
  signal?: AbortSignal;
}

/** The seeded database for a profile at a scale and seed: built once, reused (seeding is deterministic). */
export function seededDatabase(
  dataDir: string,
  profile: Profile,
  scale: number,
  seed: number,
  onProgress?: RunHooks['onProgress'],
): string {
  const file = resolve(join(dataDir, `seed-${profile.name}-s${scale}-r${seed}.sqlite`));
  const reused = existsSync(file);
  if (!reused) {
    ensureDir(dataDir);
    seedDatabase({ out: file, profile, scale, seed });
  }
  onProgress?.({ kind: 'seed', profile: profile.name, file, reused });
  return file;
}

/** What the record says about the topology on this machine. */
export function topologyNote(topology: string, cores: number, pinning: Pinning): string | undefined {
  const t = parseTopology(topology);
  if (t.kind === 'single') return undefined;
  const n = t.kind === 'cluster' ? t.workers : t.readers;
  const what = t.kind === 'cluster' ? 'processes' : 'threads';
  if (pinning.pinned)
    return `${topology} on ${cores} cores: all ${n} ${what} share server CPU ${pinning.serverCpu}, so this shows contention (busy/locked errors, serialised writes), not the speed-up more cores would give`;
  // Unpinned: the workers and the load generator share every core.
  if (cores >= n + 1)
    return `${topology} on ${cores} cores shared with the generator: a core each for ${n} ${what} and the generator`;
  return `${topology} on ${cores} cores shared with the generator: fewer cores than ${n} ${what} plus the generator, so this shows contention (busy/locked errors, serialised writes) more than the speed-up more cores would give`;
}

export interface ArmInput {
  scenario: ScenarioDef;
  profile: string;
  seededDb: string | null;
  opts: ResolvedLoadOptions;
  pinning: Pinning;
  connections?: number;
  /** PostgreSQL: trials serve copies of this environment's template. */
  pg?: PgEnvironment;
}

/** Runs the trials of one scenario × profile and builds its record. A failure is data in the record. */
export async function runArm(arm: ArmInput, hooks: RunHooks = {}): Promise<LoadRecord> {
  const { scenario, profile, opts } = arm;
  const connections = arm.connections ?? opts.connections;
  const trials: LoadTrial[] = [];
  const audits: Audit[] = [];
  const timings: (ServerTiming | null)[] = [];
  const engineExtras: Record<string, unknown>[] = [];
  const wrkRuns: NonNullable<Awaited<ReturnType<typeof runTrial>>['wrk']>[] = [];
  const failures: string[] = [];
  for (let i = 0; i < opts.trials; i++) {
    if (hooks.signal?.aborted) {
      failures.push('interrupted');
      break;
    }
    hooks.onProgress?.({
      kind: 'trial-start',
      scenario: scenario.name,
      profile,
      trial: i + 1,
      trials: opts.trials,
      connections,
    });
    const out = await runTrial({ ...arm, connections, index: i, ...(hooks.signal ? { signal: hooks.signal } : {}) });
    if (out.trial) {
      trials.push(out.trial);
      timings.push(out.serverTiming);
    }
    if (out.audit) audits.push(out.audit);
    if (out.engineExtra) engineExtras.push(out.engineExtra);
    if (out.wrk) wrkRuns.push(out.wrk);
    if (out.failure) failures.push(`trial ${i + 1}: ${out.failure}`);
    hooks.onProgress?.({
      kind: 'trial-done',
      scenario: scenario.name,
      profile,
      trial: i + 1,
      rps: out.trial?.rps ?? null,
      p95: out.trial?.latencyMs.p95 ?? null,
      ...(out.failure ? { failure: out.failure } : {}),
    });
    if (out.fatal) break;
  }
  const good = trials.filter((t) => t.status !== 'failed');
  // A built-in arm over its error budget measured an overloaded server: shown, never a verdict.
  const degraded = degradedReason(good, scenario);
  const mid = medianTrialIndex(good);
  const midTrial = mid >= 0 ? good[mid] : undefined;
  const serverTiming = midTrial ? (timings[trials.indexOf(midTrial)] ?? null) : null;
  const extra: Record<string, unknown> = { scale: opts.scale, seed: opts.seed, serverTimingByTrial: timings };
  if (arm.pg)
    extra.postgres = {
      server: arm.pg.origin,
      serverVersion: arm.pg.serverVersion,
      seedMigrationS: arm.pg.seedSeconds,
      seedVerified: arm.pg.seedCheck.every((c) => c.ok),
      pinning:
        arm.pg.origin === 'throwaway cluster'
          ? arm.pinning.serverCpu !== null
            ? `postmaster and backends pinned to the server CPU ${arm.pinning.serverCpu}`
            : 'not pinned'
          : 'a given server: its processes are not pinned by the suite',
      tables: Object.fromEntries(arm.pg.seedCheck.map((c) => [c.table, c.pgRows])),
    };
  const note = topologyNote(opts.topology, cpus().length, arm.pinning);
  if (note) extra.topologyNote = note;
  if (opts.topology.startsWith('cluster:'))
    extra.serverTimingNote =
      'cluster workers keep separate stats, not aggregated: serverTiming is null; busy/locked errors show as 503 in statusCodes';
  // SQLITE_BUSY/LOCKED answers (503) per trial: the contention a topology produces.
  extra.busy503ByTrial = trials.map((t) => t.statusCodes['503'] ?? 0);
  if (engineExtras.length) extra.engineByTrial = engineExtras;
  if (opts.wrk) extra.wrk = wrkSummary(wrkRuns, medianTrial(good)?.rps ?? null, scenario);
  if (opts.rate !== null)
    extra.rateNote =
      'autocannon paces each connection to rate/connections per second (bursts at each second start); not a Poisson arrival process';
  const record: LoadRecord = {
    engine: opts.engine,
    scenario: scenario.name,
    profile,
    topology: opts.topology,
    connections,
    rate: opts.rate,
    warmupS: opts.warmupS,
    status: failures.length ? 'failed' : degraded ? 'degraded' : 'ok',
    ...(failures.length ? { reason: failures.join('; ') } : degraded ? { reason: degraded } : {}),
    trials,
    median: medianTrial(good),
    spread: spreadOf(good),
    audit: audits,
    ...(opts.target && scenarioWrites(scenario)
      ? { auditSkipped: 'target server: the runner cannot see its database' }
      : {}),
    ...(!scenarioWrites(scenario) ? { auditSkipped: 'read-only scenario' } : {}),
    serverTiming,
    pinning: arm.pinning,
    ...(opts.target ? { target: opts.target.href } : {}),
    extra,
  };
  hooks.onProgress?.({ kind: 'arm-done', record });
  return record;
}

/** wrk's runs and the generator's median rps as a share of wrk's median (the generator-bottleneck check). */
export function wrkSummary(
  runs: NonNullable<Awaited<ReturnType<typeof runTrial>>['wrk']>[],
  autocannonRps: number | null,
  scenario: ScenarioDef,
): Record<string, unknown> {
  if (!(scenario.endpoints.length === 1 && scenario.endpoints[0]!.fixed))
    return { skipped: 'wrk sends one fixed request; this scenario varies its requests' };
  const ok = runs.filter((r): r is WrkResult => !('error' in r));
  const wrkRps = ok.length ? median(ok.map((r) => r.rps)) : null;
  return {
    runs,
    medianRps: wrkRps,
    autocannonOverWrk: wrkRps && autocannonRps !== null ? autocannonRps / wrkRps : null,
    note: 'wrk ran right after each trial against the same server, same connections, on the generator CPU',
  };
}

/** The record of an arm that could not run at all. */
export function failedRecord(
  scenario: string,
  profile: string,
  opts: ResolvedLoadOptions,
  pinning: Pinning,
  reason: string,
): LoadRecord {
  return {
    engine: opts.engine,
    scenario,
    profile,
    topology: opts.topology,
    connections: opts.connections,
    rate: opts.rate,
    warmupS: opts.warmupS,
    status: 'failed',
    reason,
    trials: [],
    median: null,
    spread: null,
    audit: [],
    serverTiming: null,
    pinning,
  };
}

/** The pinning the runner uses: server CPU 0, generator CPU 1 when taskset and 2 CPUs exist. */
export function loadPinning(opts: ResolvedLoadOptions): Pinning {
  if (!opts.pin) return { pinned: false, serverCpu: null, generatorCpu: null, reason: 'pinning disabled' };
  const p = choosePinning();
  if (opts.target && p.pinned)
    return {
      pinned: false,
      serverCpu: null,
      generatorCpu: p.generatorCpu,
      reason: 'external target: only the generator is pinned',
    };
  return p;
}

/**
 * One PostgreSQL profile: the SQLite seed of its `seedFrom` profile migrated into a template on
 * a throwaway cluster with the profile's server settings (or the given server), the arms, then
 * the cluster stopped and removed (also when an arm throws).
 */
async function runPgProfile(
  pgProfile: PgProfile,
  opts: ResolvedLoadOptions,
  pinning: Pinning,
  hooks: RunHooks,
): Promise<LoadRecord[]> {
  const records: LoadRecord[] = [];
  const profile = pgProfile.name;
  let env: PgEnvironment;
  let seededDb: string;
  try {
    seededDb = seededDatabase(
      opts.dataDir,
      builtinProfile(pgProfile.seedFrom),
      opts.scale,
      opts.seed,
      hooks.onProgress,
    );
    env = await preparePgEnvironment({
      profile: pgProfile,
      seededSqlite: seededDb,
      ...(opts.pgUrl ? { url: opts.pgUrl } : {}),
      // PostgreSQL's backends do the database work: they share the server's CPU, as SQLite's work does.
      ...(pinning.serverCpu !== null ? { cpu: pinning.serverCpu } : {}),
    });
  } catch (err) {
    for (const { name } of opts.scenarios) {
      const record = failedRecord(
        name,
        profile,
        opts,
        pinning,
        `PostgreSQL could not be prepared: ${(err as Error).message}`,
      );
      hooks.onProgress?.({ kind: 'arm-done', record });
      records.push(record);
    }
    return records;
  }
  try {
    for (const scenario of opts.scenarios)
      records.push(await runArm({ scenario, profile, seededDb, opts, pinning, pg: env }, hooks));
  } finally {
    await env.close();
  }
  return records;
}

/**
 * Runs every scenario × profile arm (profile-major, so each profile is seeded once) and
 * returns one record per arm. Throws only for bad options (UsageError); failed arms are data.
 */
export async function runLoad(options: LoadOptions, hooks: RunHooks = {}): Promise<LoadRecord[]> {
  const opts = resolveLoadOptions(options);
  const pinning = loadPinning(opts);
  const records: LoadRecord[] = [];
  if (opts.engineDb === 'postgres') {
    for (const pg of opts.pgProfiles) records.push(...(await runPgProfile(pg, opts, pinning, hooks)));
    return records;
  }
  if (opts.target) {
    for (const scenario of opts.scenarios)
      records.push(await runArm({ scenario, profile: 'external', seededDb: null, opts, pinning }, hooks));
    return records;
  }
  for (const p of opts.profiles) {
    const profile = p.name;
    let seededDb: string;
    try {
      seededDb = seededDatabase(opts.dataDir, p, opts.scale, opts.seed, hooks.onProgress);
    } catch (err) {
      for (const { name } of opts.scenarios) {
        const record = failedRecord(name, profile, opts, pinning, `seeding failed: ${(err as Error).message}`);
        hooks.onProgress?.({ kind: 'arm-done', record });
        records.push(record);
      }
      continue;
    }
    for (const scenario of opts.scenarios)
      records.push(await runArm({ scenario, profile, seededDb, opts, pinning }, hooks));
  }
  return records;
}
