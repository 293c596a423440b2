import { join } from 'node:path';
import { scenarioNames } from '../load/scenarios.ts';
import { runLoad } from '../load/runner.ts';
import { runCapacity } from '../load/capacity.ts';
import { loadNoiseBands } from '../reports/ledger/noise-bands.ts';
import { runCrossover } from '../crossover/run.ts';
import { findPg, PG_INSTALL_HINT } from '../pg/cluster.ts';
import { runConcurrency, runEngineReadsWhileWriting } from './concurrency.ts';
import { runPaired } from './paired.ts';
import { choosePinning } from '../lib/environment.ts';
import { OK, type StageContext, type StageOutcome } from './stage-context.ts';

/* The stages of `loadlab run` that put HTTP load on a real server: load, concurrency, k6, capacity, crossover. */

/** Every scenario × profile through autocannon, saved after every arm. */
export async function loadStage({
  c,
  r,
  save,
  progress,
  common,
  hooks,
  scenarios,
  catalog,
}: StageContext): Promise<StageOutcome> {
  if (!c.load.enabled) return { status: 'skipped', reason: 'disabled in the config' };
  const earlier = r.load.length;
  const returned = await runLoad(
    {
      ...common,
      scenarios: scenarios.map((n) => catalog.scenario(n)),
      profiles: c.profiles.map((n) => catalog.profile(n)),
      connections: c.load.connections,
      durationS: c.load.durationS,
      warmupS: c.load.warmupS,
      trials: c.load.trials,
    },
    {
      ...hooks,
      onProgress: (e) => {
        if (e.kind === 'arm-done') {
          r.load.push(e.record);
          save();
        } else if (e.kind === 'trial-start')
          progress.note(`${e.scenario} × ${e.profile}: trial ${e.trial}/${e.trials}, ${e.connections} connections`);
      },
    },
  );
  // The returned list is authoritative; the per-arm saves above only keep a partial run.
  r.load = [...r.load.slice(0, earlier), ...returned];
  const failed = r.load.filter((x) => x.status === 'failed');
  if (failed.length === r.load.length && failed.length > 0)
    throw new Error(`every load arm failed, e.g. ${failed[0]!.reason ?? 'no reason'}`);
  return OK;
}

/** Every comparison the report judges, interleaved and paired (run/paired.ts), saved after every round. */
export async function pairedStage({
  c,
  r,
  save,
  progress,
  common,
  hooks,
  serveArgs,
  catalog,
}: StageContext): Promise<StageOutcome> {
  if (!c.paired.enabled) return { status: 'skipped', reason: 'disabled in the config' };
  r.paired = await runPaired({
    config: c,
    catalog,
    cores: r.environment.cores,
    pinning: r.environment.pinning ?? choosePinning(),
    dataDir: common.dataDir,
    ...(serveArgs.length ? { serveArgs } : {}),
    ...(hooks.signal ? { signal: hooks.signal } : {}),
    onProgress: (m) => progress.note(m),
    onRound: (rec) => {
      r.paired = rec;
      save();
    },
  });
  save();
  const all = r.paired.comparisons;
  if (all.length > 0 && all.every((x) => x.slices.every((s) => s.status === 'failed')))
    throw new Error(`every paired comparison failed, e.g. ${all[0]!.problems[0] ?? 'no reason'}`);
  return OK;
}

/** The pool and WAL arms, then WAL at the engine level. */
export async function concurrencyStage({
  c,
  r,
  save,
  progress,
  common,
  hooks,
  serveArgs,
  opts,
  catalog,
}: StageContext): Promise<StageOutcome> {
  if (!c.concurrency.enabled) return { status: 'skipped', reason: 'disabled in the config' };
  const returned = !c.concurrency.sequential
    ? []
    : await runConcurrency({
        config: c,
        catalog,
        cores: r.environment.cores,
        dataDir: common.dataDir,
        ...(serveArgs.length ? { serveArgs } : {}),
        hooks: {
          ...hooks,
          onProgress: (e) => {
            if (e.kind === 'trial-start')
              progress.note(`concurrency ${e.scenario} × ${e.profile}: trial ${e.trial}/${e.trials}`);
          },
        },
        onRecord: (record) => {
          r.concurrency.push(record);
          save();
        },
      });
  r.concurrency = returned;
  save();
  progress.note('WAL at the engine level: reads while a writer thread commits');
  r.readsWhileWriting = await runEngineReadsWhileWriting({
    config: c,
    dataDir: common.dataDir,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (returned.length > 0 && returned.every((x) => x.status === 'failed'))
    throw new Error(`every concurrency arm failed, e.g. ${returned[0]!.reason ?? 'no reason'}`);
  return OK;
}

/** The same scenarios through k6 when it is installed. */
export async function k6Stage({
  c,
  r,
  save,
  progress,
  common,
  hooks,
  k6,
  catalog,
}: StageContext): Promise<StageOutcome> {
  if (!c.k6.enabled) return { status: 'skipped', reason: 'disabled in the config' };
  if (!k6)
    return {
      status: 'skipped',
      reason: 'k6 not found (set K6_BIN or put k6 on PATH); autocannon figures stand alone',
    };
  const before = r.load.length;
  const returned = await runLoad(
    {
      ...common,
      engine: 'k6',
      scenarios: (c.k6.scenarios.length ? c.k6.scenarios : scenarioNames()).map((n) => catalog.scenario(n)),
      profiles: c.profiles.map((n) => catalog.profile(n)),
      connections: c.load.connections,
      durationS: c.k6.durationS,
      warmupS: c.load.warmupS,
      trials: 1,
    },
    {
      ...hooks,
      onProgress: (e) => {
        if (e.kind === 'arm-done') {
          r.load.push(e.record);
          save();
        } else if (e.kind === 'trial-start') progress.note(`k6 ${e.scenario} × ${e.profile}`);
      },
    },
  );
  r.load = [...r.load.slice(0, before), ...returned];
  const mine = returned;
  if (mine.length > 0 && mine.every((x) => x.status === 'failed'))
    throw new Error(`every k6 arm failed, e.g. ${mine[0]!.reason ?? 'no reason'}`);
  return OK;
}

/** Concurrency stepped up to the SLO, per profile. */
export async function capacityStage({
  c,
  r,
  save,
  progress,
  common,
  hooks,
  catalog,
}: StageContext): Promise<StageOutcome> {
  if (!c.capacity.enabled) return { status: 'skipped', reason: 'disabled in the config' };
  const profiles = c.capacity.profiles.length ? c.capacity.profiles : c.profiles;
  for (const profile of profiles) {
    const out = await runCapacity(
      {
        ...common,
        scenario: catalog.scenario(c.capacity.scenario),
        profile: catalog.profile(profile),
        durationS: c.capacity.durationS,
        warmupS: c.capacity.warmupS,
        sloP95Ms: c.capacity.sloP95Ms,
        maxErrorPct: c.capacity.maxErrorPct,
        maxConnections: c.capacity.maxConnections,
        refine: c.capacity.refine,
        sweeps: c.capacity.sweeps,
      },
      {
        ...hooks,
        onProgress: (e) =>
          e.kind === 'trial-start' ? progress.note(`capacity ${profile}: ${e.connections} connections`) : undefined,
      },
    );
    r.capacity.push(out.capacity);
    save();
  }
  return OK;
}

/** SQLite tuned vs PostgreSQL (needs PostgreSQL; skipped with the install hint without it). */
export async function crossoverStage({
  c,
  r,
  save,
  progress,
  hooks,
  dataDir,
  catalog,
}: StageContext): Promise<StageOutcome> {
  if (!c.crossover.enabled) return { status: 'skipped', reason: 'disabled in the config (on in --full)' };
  if (!findPg()) return { status: 'skipped', reason: PG_INSTALL_HINT };
  const bands = loadNoiseBands(c.thresholds.ledgerNoisePct);
  r.crossover = await runCrossover({
    preset: c.crossover.preset,
    pgProfile: catalog.pgProfile(c.crossover.pgProfile),
    seed: c.seed,
    dataDir: join(dataDir, 'crossover'),
    noise: { pct: bands.pct.http, from: bands.from },
    ...hooks,
    onProgress: (e) => {
      if (e.kind === 'note') progress.note(`crossover: ${e.text}`);
      else if (e.kind === 'trial-start') progress.note(`crossover ${e.index}/${e.total}: ${e.label}`);
    },
  });
  save();
  const failed = r.crossover.records.filter((x) => x.status !== 'ok' || x.auditOk === false);
  if (failed.length === r.crossover.records.length && failed.length > 0)
    throw new Error(`every crossover trial failed, e.g. ${failed[0]!.reason ?? 'audit failed'}`);
  return OK;
}
