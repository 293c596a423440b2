/**
 * Runs the crossover sweep: for every point of every dimension, rounds in which SQLite (one
 * file, the fixture server's own process) and PostgreSQL (the suite's throwaway cluster, or a
 * given server) each take the same request stream once, the first engine alternating from
 * round to round so drift hits both alike. Each trial is a normal load trial (fresh copy of
 * the seeded data, fresh server, the write audit), so a number here means what `load` means.
 */
import { statSync } from 'node:fs';
import { probeEnvironment } from '../lib/environment.ts';
import {
  CROSSOVER_SCHEMA_VERSION,
  CrossoverFile,
  type CrossoverDimension,
  type CrossoverRecord,
} from '../lib/records/crossover.ts';
import type { LoadRecord } from '../lib/records/load.ts';
import { resolveLoadOptions } from '../load/options.ts';
import { loadPinning, runArm, seededDatabase } from '../load/runner.ts';
import { builtinScenario } from '../load/scenarios.ts';
import { builtinProfile, type Profile } from '../db/profiles.ts';
import type { CatalogSpec } from '../lib/records/catalog-spec.ts';
import { startCluster, type PgCluster } from '../pg/cluster.ts';
import { PG_PROFILES, type PgProfile } from '../pg/profiles.ts';
import { preparePgEnvironment, type PgEnvironment } from '../pg/trial-env.ts';
import { CROSSOVER_PRESETS, pointSetup, type CrossoverPreset } from './plan.ts';

export interface CrossoverOptions {
  preset: 'quick' | 'full';
  /** Only these dimensions (default: all of the preset). */
  dimensions?: CrossoverDimension[];
  rounds?: number;
  durationS?: number;
  warmupS?: number;
  /** Resolved from the catalog at the door; default CROSSOVER_DEFAULTS' names, built in. */
  sqliteProfile?: Profile;
  pgProfile?: PgProfile;
  /** The catalog the spawned SQLite servers know (a custom --sqlite-profile); default the built-in one. */
  catalogSpec?: CatalogSpec;
  /** An existing PostgreSQL server (CREATEDB needed) instead of a throwaway cluster. */
  pgUrl?: string;
  /** Let pgUrl name a server that is not on loopback (checked by the caller). */
  allowRemote?: boolean;
  dataDir?: string;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (e: CrossoverProgress) => void;
  /** The HTTP noise band the verdicts use (percent) and where it came from (reports/ledger/noise-bands.ts). */
  noise: { pct: number; from: string };
}

export type CrossoverProgress =
  | { kind: 'note'; text: string }
  | { kind: 'trial-start'; index: number; total: number; label: string }
  | { kind: 'trial-done'; index: number; total: number; label: string; rps: number | null; failure?: string };

export const CROSSOVER_DEFAULTS = {
  sqliteProfile: 'tuned',
  pgProfile: 'pg-tuned',
  dataDir: 'data/crossover',
  seed: 42,
} as const;

/** The preset with the caller's overrides. */
export function crossoverPlan(o: Omit<CrossoverOptions, 'noise'>): CrossoverPreset {
  const p = CROSSOVER_PRESETS[o.preset];
  return {
    ...p,
    dimensions: o.dimensions ? p.dimensions.filter((d) => o.dimensions!.includes(d.dimension)) : p.dimensions,
    rounds: o.rounds ?? p.rounds,
    durationS: o.durationS ?? p.durationS,
    warmupS: o.warmupS ?? p.warmupS,
  };
}

/** Trials the sweep will run (both engines, every round): for the ETA. */
export function crossoverTrials(plan: CrossoverPreset): number {
  return plan.dimensions.reduce((n, d) => n + d.values.length, 0) * plan.rounds * 2;
}

function toRecord(
  r: LoadRecord,
  base: Pick<CrossoverRecord, 'dimension' | 'value' | 'engine' | 'round' | 'scale'>,
): CrossoverRecord {
  const t = r.trials[0];
  const attempts = t ? t.requests + t.errors + t.timeouts : 0;
  return {
    ...base,
    profile: r.profile,
    scenario: r.scenario,
    connections: r.connections,
    topology: r.topology,
    status: r.status === 'ok' ? 'ok' : 'failed',
    ...(r.reason ? { reason: r.reason } : {}),
    rps: t && t.status !== 'failed' ? t.rps : null,
    p95Ms: t && t.status !== 'failed' ? t.latencyMs.p95 : null,
    errorPct: t && attempts > 0 ? (100 * (t.non2xx + t.errors + t.timeouts)) / attempts : null,
    auditOk: r.audit.length ? r.audit.every((a) => a.ok) : null,
  };
}

/** A sweep's scenario: the built-in mixes (mix-wNN) and scenarios the plan names. */
function scenarioOf(name: string) {
  const s = builtinScenario(name);
  if (!s) throw new Error(`no scenario ${name}`);
  return s;
}

export async function runCrossover(o: CrossoverOptions): Promise<CrossoverFile> {
  const t0 = performance.now();
  const plan = crossoverPlan(o);
  const sqlite = o.sqliteProfile ?? builtinProfile(CROSSOVER_DEFAULTS.sqliteProfile);
  const sqliteProfile = sqlite.name;
  const pgProfile = o.pgProfile ?? PG_PROFILES.find((p) => p.name === CROSSOVER_DEFAULTS.pgProfile)!;
  const dataDir = o.dataDir ?? CROSSOVER_DEFAULTS.dataDir;
  const seed = o.seed ?? CROSSOVER_DEFAULTS.seed;
  const note = (text: string) => o.onProgress?.({ kind: 'note', text });
  // Options of one arm; resolveLoadOptions checks them as `load` would.
  const armOpts = (engine: 'sqlite' | 'postgres', setup: ReturnType<typeof pointSetup>) =>
    resolveLoadOptions({
      scenarios: [scenarioOf(setup.scenario)],
      profiles: [sqlite],
      pgProfiles: [pgProfile],
      ...(o.catalogSpec ? { catalogSpec: o.catalogSpec } : {}),
      engineDb: engine,
      ...(engine === 'postgres' && o.pgUrl ? { pgUrl: o.pgUrl } : {}),
      allowRemote: o.allowRemote ?? false,
      scale: setup.scale,
      seed,
      connections: setup.connections,
      durationS: plan.durationS,
      warmupS: plan.warmupS,
      trials: 1,
      topology: setup.topology,
      dataDir,
    });
  for (const d of plan.dimensions)
    for (const v of d.values) {
      const setup = pointSetup(plan, d.dimension, v);
      armOpts('sqlite', setup);
      armOpts('postgres', setup);
    }
  const pinning = loadPinning(
    armOpts('sqlite', pointSetup(plan, plan.dimensions[0]!.dimension, plan.dimensions[0]!.values[0]!)),
  );

  let cluster: PgCluster | undefined;
  const envs = new Map<number, { env: PgEnvironment; sqliteSeed: string; pgSeed: string }>();
  const records: CrossoverRecord[] = [];
  try {
    if (!o.pgUrl) {
      note(`starting a throwaway PostgreSQL cluster (${pgProfile.name})`);
      cluster = await startCluster({
        settings: pgProfile.server,
        ...(pinning.serverCpu !== null ? { cpu: pinning.serverCpu } : {}),
      });
    }
    const scales = [
      ...new Set(plan.dimensions.flatMap((d) => d.values.map((v) => pointSetup(plan, d.dimension, v).scale))),
    ];
    for (const scale of scales) {
      note(`seeding scale ${scale} (SQLite ${sqliteProfile}) and migrating it into PostgreSQL`);
      const sqliteSeed = seededDatabase(dataDir, sqlite, scale, seed);
      const pgSeed = seededDatabase(dataDir, builtinProfile(pgProfile.seedFrom), scale, seed);
      const env = await preparePgEnvironment({
        profile: pgProfile,
        seededSqlite: pgSeed,
        url: o.pgUrl ?? cluster!.url,
        origin: cluster ? 'throwaway cluster' : 'given URL',
      });
      envs.set(scale, { env, sqliteSeed, pgSeed });
    }
    const total = crossoverTrials(plan);
    let index = 0;
    outer: for (const d of plan.dimensions)
      for (const value of d.values) {
        const setup = pointSetup(plan, d.dimension, value);
        const { env, sqliteSeed, pgSeed } = envs.get(setup.scale)!;
        for (let round = 0; round < plan.rounds; round++) {
          const order: ('sqlite' | 'postgres')[] = round % 2 === 0 ? ['sqlite', 'postgres'] : ['postgres', 'sqlite'];
          for (const engine of order) {
            if (o.signal?.aborted) break outer;
            const label = `${d.dimension} ${value} · ${engine} · round ${round + 1}/${plan.rounds}`;
            o.onProgress?.({ kind: 'trial-start', index: ++index, total, label });
            const opts = armOpts(engine, setup);
            const record = await runArm(
              {
                scenario: scenarioOf(setup.scenario),
                profile: opts.profileNames[0]!,
                seededDb: engine === 'sqlite' ? sqliteSeed : pgSeed,
                opts,
                pinning,
                ...(engine === 'postgres' ? { pg: env } : {}),
              },
              o.signal ? { signal: o.signal } : {},
            );
            const rec = toRecord(record, { dimension: d.dimension, value, engine, round, scale: setup.scale });
            records.push(rec);
            o.onProgress?.({
              kind: 'trial-done',
              index,
              total,
              label,
              rps: rec.rps,
              ...(rec.status !== 'ok' ? { failure: rec.reason ?? 'failed' } : {}),
            });
          }
        }
      }
    const first = [...envs.values()][0];
    return CrossoverFile.parse({
      schemaVersion: CROSSOVER_SCHEMA_VERSION,
      kind: 'crossover',
      environment: probeEnvironment({ dataDir, pinning }),
      options: {
        preset: o.preset,
        ...plan,
        sqliteProfile,
        pgProfile: pgProfile.name,
        seed,
        dataDir,
        pgUrl: o.pgUrl ? 'given' : null,
      },
      records,
      sizes: [...envs.entries()].map(([scale, e]) => ({
        scale,
        sqliteBytes: statSync(e.sqliteSeed).size,
        pgBytes: e.env.templateBytes,
      })),
      postgres: { version: first?.env.serverVersion ?? 'unknown', server: first?.env.origin ?? 'none' },
      noise: o.noise,
      wallS: (performance.now() - t0) / 1000,
    });
  } finally {
    for (const { env } of envs.values()) await env.close().catch(() => undefined);
    cluster?.stop();
  }
}
