import { UsageError } from '../lib/errors.ts';
import { isLoopbackHost } from '../lib/loopback.ts';
import type { Profile } from '../db/profiles.ts';
import { SCALE_RANGE } from '../db/data-shape.ts';
import type { ScenarioDef } from './scenarios.ts';
import { BUILTIN_SPEC, type CatalogSpec } from '../lib/records/catalog-spec.ts';
import { parseTopology } from '../fixture-server/topology.ts';
import { requireK6 } from './engines/k6/runner.ts';
import { hasWrk } from './engines/wrk.ts';
import { PG_PROFILES, type PgProfile } from '../pg/profiles.ts';
import { checkPgUrl } from '../pg/url.ts';
import { findPg, PG_INSTALL_HINT } from '../pg/cluster.ts';

/** Everything `runLoad` needs. Defaults in LOAD_DEFAULTS, applied with `??` by `resolveLoadOptions`. */
export type LoadEngine = 'autocannon' | 'k6';
/** The fixture server's database engine. */
export type EngineDb = 'sqlite' | 'postgres';

export interface LoadOptions {
  /** The generator: autocannon (default, in-suite) or k6 (found on PATH or K6_BIN). */
  engine?: LoadEngine;
  /** The scenarios, resolved from the catalog at the door (scripts/cli.ts). */
  scenarios: ScenarioDef[];
  /** SQLite profiles to seed and serve; ignored with `target` (the record says 'external') and with PostgreSQL. */
  profiles: Profile[];
  /** PostgreSQL profiles (engineDb 'postgres'); default PG_DEFAULT_PROFILES. */
  pgProfiles?: PgProfile[];
  /** What a spawned `serve` needs to know the custom profiles by name (lib/records/catalog-spec.ts); default built-in only. */
  catalogSpec?: CatalogSpec;
  scale?: number;
  seed?: number;
  connections?: number;
  durationS?: number;
  warmupS?: number;
  trials?: number;
  /** Open-loop overall rate, requests/s; null or undefined for closed loop. */
  rate?: number | null;
  topology?: string;
  /** An already running server (loopback unless allowRemote); no spawn, no audit. */
  target?: string;
  allowRemote?: boolean;
  /** Where seeded databases and per-trial copies go (a real disk, not tmpfs). */
  dataDir?: string;
  /** Per-request timeout, seconds. */
  timeoutS?: number;
  /** Extra `serve` flags (e.g. ['--inject-delay-ms', '1'] for calibration). */
  serveArgs?: string[];
  /** Pin server and generator to separate CPUs when possible (default true). */
  pin?: boolean;
  /** After each trial of a fixed-request scenario (ceiling), measure the same server with wrk too. */
  wrk?: boolean;
  /** Fail a trial over a scenario file's error budget (default true; capacity counts it as a missed level instead). */
  enforceErrorBudget?: boolean;
  /** The fixture's database: SQLite (default) or PostgreSQL (profiles pg-default, pg-tuned). */
  engineDb?: EngineDb;
  /** PostgreSQL: an existing server to use instead of a throwaway cluster (loopback unless allowRemote). */
  pgUrl?: string;
}

export const LOAD_DEFAULTS = {
  scale: 0.1,
  seed: 42,
  connections: 50,
  durationS: 10,
  warmupS: 2,
  trials: 3,
  topology: 'single',
  dataDir: 'data/load',
  timeoutS: 10,
} as const;

export type ResolvedLoadOptions = Required<Omit<LoadOptions, 'target' | 'rate' | 'pgUrl'>> & {
  /** Names of the arms' profiles, in order: SQLite, PostgreSQL or ['external'] with a target. */
  profileNames: string[];
  target: URL | null;
  rate: number | null;
  pgUrl: string | null;
};

/** The profiles `load --engine-db postgres` runs when none is named. */
export const PG_DEFAULT_PROFILES = ['pg-tuned'] as const;

/**
 * Validates options up front, naming the option at fault. A non-loopback `target` is refused
 * here, before anything connects anywhere, unless `allowRemote` is set.
 */
export function resolveLoadOptions(o: LoadOptions): ResolvedLoadOptions {
  const target = o.target === undefined ? null : checkTarget(o.target, o.allowRemote ?? false);
  if (o.scenarios.length === 0) throw new UsageError('--scenario is required (or --scenario-file FILE with --target)');
  const engineDb = o.engineDb ?? 'sqlite';
  if (engineDb !== 'sqlite' && engineDb !== 'postgres')
    throw new UsageError(`--engine-db must be sqlite or postgres, got '${String(engineDb)}'`);
  if (o.pgUrl !== undefined && engineDb !== 'postgres') throw new UsageError('--pg-url needs --engine-db postgres');
  const pgUrl = o.pgUrl === undefined ? null : checkPgUrl(o.pgUrl, o.allowRemote ?? false);
  const pgProfiles = o.pgProfiles?.length
    ? o.pgProfiles
    : PG_PROFILES.filter((p) => (PG_DEFAULT_PROFILES as readonly string[]).includes(p.name));
  if (engineDb === 'postgres') {
    if (target)
      throw new UsageError("--engine-db chooses the fixture server's database; it cannot be combined with --target");
    if (!pgUrl && !findPg()) throw new UsageError(PG_INSTALL_HINT);
  } else if (!target) {
    if (o.profiles.length === 0) throw new UsageError('--profile is required (or --target URL)');
  }
  const topology = o.topology ?? LOAD_DEFAULTS.topology;
  parseTopology(topology);
  if (target && topology !== 'single')
    throw new UsageError('--topology applies to the fixture server; it cannot be combined with --target');
  if (engineDb === 'postgres' && topology.startsWith('readers:'))
    throw new UsageError('--topology readers:N is a SQLite topology; on PostgreSQL use single or cluster:N');
  const engine = o.engine ?? 'autocannon';
  if (engine !== 'autocannon' && engine !== 'k6')
    throw new UsageError(`--engine must be autocannon or k6, got '${String(engine)}'`);
  if (engine === 'k6') requireK6();
  const r: ResolvedLoadOptions = {
    engine,
    scenarios: o.scenarios,
    profiles: target || engineDb === 'postgres' ? [] : o.profiles,
    pgProfiles: engineDb === 'postgres' ? pgProfiles : [],
    profileNames: target
      ? ['external']
      : engineDb === 'postgres'
        ? pgProfiles.map((p) => p.name)
        : o.profiles.map((p) => p.name),
    catalogSpec: o.catalogSpec ?? BUILTIN_SPEC,
    scale: o.scale ?? LOAD_DEFAULTS.scale,
    seed: o.seed ?? LOAD_DEFAULTS.seed,
    connections: o.connections ?? LOAD_DEFAULTS.connections,
    durationS: o.durationS ?? LOAD_DEFAULTS.durationS,
    warmupS: o.warmupS ?? LOAD_DEFAULTS.warmupS,
    trials: o.trials ?? LOAD_DEFAULTS.trials,
    rate: o.rate ?? null,
    topology,
    target,
    allowRemote: o.allowRemote ?? false,
    dataDir: o.dataDir ?? LOAD_DEFAULTS.dataDir,
    timeoutS: o.timeoutS ?? LOAD_DEFAULTS.timeoutS,
    serveArgs: o.serveArgs ?? [],
    pin: o.pin ?? true,
    wrk: o.wrk ?? false,
    enforceErrorBudget: o.enforceErrorBudget ?? true,
    engineDb,
    pgUrl,
  };
  if (r.wrk && !hasWrk()) throw new UsageError('--wrk: wrk not found (Debian/Ubuntu: apt-get install wrk)');
  if (!(r.scale >= SCALE_RANGE.min && r.scale <= SCALE_RANGE.max))
    throw new UsageError(`--scale must be in [${SCALE_RANGE.min}, ${SCALE_RANGE.max}], got ${r.scale}`);
  if (!Number.isInteger(r.connections) || r.connections < 1 || r.connections > 10_000)
    throw new UsageError(`--connections must be 1..10000, got ${r.connections}`);
  if (!(r.durationS > 0 && r.durationS <= 3600))
    throw new UsageError(`--duration must be in (0, 3600] seconds, got ${r.durationS}`);
  if (!(r.warmupS >= 0 && r.warmupS <= 600))
    throw new UsageError(`--warmup must be in [0, 600] seconds, got ${r.warmupS}`);
  if (!Number.isInteger(r.trials) || r.trials < 1 || r.trials > 50)
    throw new UsageError(`--trials must be 1..50, got ${r.trials}`);
  if (r.rate !== null && !(r.rate > 0 && r.rate <= 1_000_000))
    throw new UsageError(`--rate must be in (0, 1000000] requests/s, got ${r.rate}`);
  if (r.engine === 'autocannon' && r.rate !== null && r.rate < r.connections)
    throw new UsageError(
      `--rate ${r.rate} is below --connections ${r.connections}: autocannon paces per connection, so each needs at least 1 request/s`,
    );
  return r;
}

/** Parses a --target URL and refuses non-loopback hosts unless allowed. Pure: no network. */
export function checkTarget(raw: string, allowRemote: boolean): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(`--target must be a URL like http://127.0.0.1:3000, got '${raw}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new UsageError(`--target must be http:// or https://, got '${url.protocol}'`);
  if (!allowRemote && !isLoopbackHost(url.hostname)) {
    throw new UsageError(
      `--target ${url.host} is not loopback (127.0.0.0/8, ::1, localhost); refusing to send load there without --allow-remote`,
    );
  }
  return url;
}
