import type { LoadRecord } from '../lib/records/load.ts';
import type { RunConfig } from '../lib/records/run-config.ts';
import type { ReadsWhileWritingRecord } from '../lib/records/reads-while-writing.ts';
import { runLoad, seededDatabase, type RunHooks } from '../load/runner.ts';
import { measureReadsWhileWriting } from '../bench/reads-while-writing/measure.ts';
import { POOL_PROFILE, WAL_AFTER, WAL_BEFORE } from '../lib/records/concurrency-arms.ts';
import { builtinProfile } from '../db/profiles.ts';
import { builtinCatalog, type Catalog } from '../catalog/catalog.ts';

/** One group of arms of the concurrency stage: a scenario on some profiles under one topology. */
export interface ConcurrencyArm {
  claim: 'pool' | 'wal';
  scenario: string;
  profiles: string[];
  topology: string;
}

/** N of readers:N and cluster:N: the config's, else the machine's cores (at least 2, at most 16). */
export function concurrencyWorkers(c: RunConfig, cores: number): number {
  if (c.concurrency.workers > 0) return c.concurrency.workers;
  return Math.min(16, Math.max(2, cores));
}

/** The stage's arms, as data: pool (tuned: single, readers:N, cluster:N), then WAL (single, readers:N). */
export function concurrencyPlan(c: RunConfig, cores: number): ConcurrencyArm[] {
  const n = concurrencyWorkers(c, cores);
  const { readScenario, mixScenario } = c.concurrency;
  return [
    ...['single', `readers:${n}`, `cluster:${n}`].map((topology) => ({
      claim: 'pool' as const,
      scenario: readScenario,
      profiles: [POOL_PROFILE],
      topology,
    })),
    ...['single', `readers:${n}`].map((topology) => ({
      claim: 'wal' as const,
      scenario: mixScenario,
      profiles: [WAL_BEFORE, WAL_AFTER],
      topology,
    })),
  ];
}

export interface ConcurrencyStageOptions {
  config: RunConfig;
  /** The catalog the config's scenario names are looked up in; default the built-in one. */
  catalog?: Catalog;
  cores: number;
  dataDir: string;
  serveArgs?: string[];
  hooks: RunHooks;
  /** Each arm's record as it finishes. */
  onRecord: (r: LoadRecord) => void;
}

/**
 * Runs the plan with the load stage's trial preset (connections, warm-up, duration, trials),
 * unpinned: a pool of N connections or processes can use only the cores it is allowed.
 */
export async function runConcurrency(o: ConcurrencyStageOptions): Promise<LoadRecord[]> {
  const c = o.config;
  const catalog = o.catalog ?? builtinCatalog();
  const out: LoadRecord[] = [];
  for (const arm of concurrencyPlan(c, o.cores)) {
    if (o.hooks.signal?.aborted) break;
    const records = await runLoad(
      {
        scenarios: [catalog.scenario(arm.scenario)],
        profiles: arm.profiles.map((n) => catalog.profile(n)),
        catalogSpec: catalog.spec,
        topology: arm.topology,
        scale: c.scale,
        seed: c.seed,
        dataDir: o.dataDir,
        connections: c.load.connections,
        durationS: c.load.durationS,
        warmupS: c.load.warmupS,
        trials: c.load.trials,
        pin: false,
        ...(o.serveArgs?.length ? { serveArgs: o.serveArgs } : {}),
      },
      {
        ...o.hooks,
        onProgress: (e) => {
          if (e.kind === 'arm-done') o.onRecord(e.record);
          o.hooks.onProgress?.(e);
        },
      },
    );
    out.push(...records);
  }
  return out;
}

/**
 * WAL at the engine level, for the same two profiles: reads on one connection while a writer
 * thread commits on another, as long as one load trial's measured window.
 */
export async function runEngineReadsWhileWriting(o: {
  config: RunConfig;
  dataDir: string;
  signal?: AbortSignal;
}): Promise<ReadsWhileWritingRecord[]> {
  const c = o.config;
  const out: ReadsWhileWritingRecord[] = [];
  for (const profile of [WAL_BEFORE, WAL_AFTER].map((n) => builtinProfile(n))) {
    if (o.signal?.aborted) break;
    out.push(
      await measureReadsWhileWriting({
        seeded: seededDatabase(o.dataDir, profile, c.scale, c.seed),
        profile,
        scale: c.scale,
        seed: c.seed,
        workDir: o.dataDir,
        durationMs: c.load.durationS * 1000,
      }),
    );
  }
  return out;
}
