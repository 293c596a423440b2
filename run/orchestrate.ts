import { rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { choosePinning, findK6, probeEnvironment } from '../lib/environment.ts';
import { writeJsonAtomic } from '../lib/atomic-write.ts';
import { RUN_SCHEMA_VERSION, RunResults, STAGE_NAMES, type StageName, type StageResult } from '../lib/records/run.ts';
import type { RunConfig } from '../lib/records/run-config.ts';
import { estimateStages } from './estimate.ts';
import { silentProgress, type ProgressSink } from './progress.ts';
import { measureVacuum } from './vacuum.ts';
import { resolveProfile } from '../db/profiles.ts';
import { SCENARIOS, scenarioNames } from '../load/scenarios.ts';
import { runLoad, seededDatabase } from '../load/runner.ts';
import { runCapacity } from '../load/capacity.ts';
import { runConcurrency, runEngineReadsWhileWriting } from './concurrency.ts';
import { measureCounted } from '../bench/counted/measure-counted.ts';
import { runBench } from '../bench/suite.ts';
import { workloadNames } from '../bench/workloads/index.ts';
import { writeReport } from '../reports/write.ts';
import { loadNoiseBands } from '../reports/ledger/noise-bands.ts';
import { runCrossover } from '../crossover/run.ts';
import { findPg, PG_INSTALL_HINT } from '../pg/cluster.ts';

export interface RunSuiteOptions {
  /** The user's own database and queries: benchmarked per profile beside the fixture (bench --db --queries). */
  byo?: { db: string; queries: string };
  config: RunConfig;
  mode: 'quick' | 'full';
  configFile: string | null;
  outDir: string;
  /** Seeded databases and per-trial copies (a real disk). Default OUT/data, removed at the end unless keepData. */
  dataDir?: string;
  keepData?: boolean;
  progress?: ProgressSink;
  signal?: AbortSignal;
}

/** Outcome of one stage body: ok, or skipped with a reason. Throwing makes it 'failed'. */
type StageOutcome = { status: 'ok' } | { status: 'skipped'; reason: string };
const OK: StageOutcome = { status: 'ok' };

/**
 * What `run --counted` counts when the config names no operations: one read by key, one
 * index-dependent read, the guide's write shapes (autocommit, a 100-row transaction, an
 * update). Under valgrind each takes seconds, so not all of them.
 */
export const RUN_COUNTED_OPS = ['point-read', 'indexed-list', 'insert-autocommit', 'insert-100-tx', 'update-by-key'];

function scenarioKind(name: string): string {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) return 'unknown';
  const writes = s.endpoints.filter((e) => e.writes).length;
  return writes === 0 ? 'read' : writes === s.endpoints.length ? 'write' : 'mixed';
}

/**
 * The whole `loadlab run`: environment, seed, VACUUM, bench, load, concurrency, k6, capacity, report.
 * Writes OUT/results.json (validated, atomically) after every stage and every load arm,
 * so a failure late keeps everything earlier. A stage that throws is recorded as failed
 * and the run goes on; nothing is invented for it.
 */
export async function runSuite(opts: RunSuiteOptions): Promise<RunResults> {
  const { config: c, outDir } = opts;
  const progress = opts.progress ?? silentProgress;
  const dataDir = resolve(opts.dataDir ?? join(outDir, 'data'));
  const resultsFile = join(outDir, 'results.json');
  const started = performance.now();
  const pinning = choosePinning();
  const k6 = findK6();
  const scenarios = c.load.scenarios.length ? c.load.scenarios : scenarioNames();
  const estimates = estimateStages(c, { scenarios: scenarios.length, ops: workloadNames().length, k6: k6 !== null });

  const stages: StageResult[] = STAGE_NAMES.map((name) => ({
    name,
    status: 'pending',
    startedAt: null,
    durationS: null,
  }));
  // The one mutable results object; every save validates a copy and writes it atomically.
  let results: RunResults | null = null;
  const save = () => {
    if (!results) return;
    results.wallS = (performance.now() - started) / 1000;
    writeJsonAtomic(resultsFile, RunResults.parse(results));
  };

  const stage = async (name: StageName, body: () => Promise<StageOutcome>): Promise<void> => {
    const index = STAGE_NAMES.indexOf(name);
    const record = stages[index]!;
    // ETA from the per-stage estimates; how fast one kind of stage went says little about the next kind.
    const remaining = STAGE_NAMES.slice(index).reduce((s, n) => s + estimates[n], 0);
    progress.stageStart(index + 1, STAGE_NAMES.length, name, remaining);
    record.startedAt = new Date().toISOString();
    const t0 = performance.now();
    try {
      // After Ctrl-C the remaining stages are skipped, but the report is still written from what was measured.
      const outcome =
        opts.signal?.aborted && name !== 'report'
          ? ({ status: 'skipped', reason: 'interrupted' } as const)
          : await body();
      record.status = outcome.status;
      if (outcome.status === 'skipped') record.reason = outcome.reason;
    } catch (err) {
      record.status = 'failed';
      record.reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    }
    record.durationS = (performance.now() - t0) / 1000;
    progress.stageEnd(name, record.status, record.durationS, record.reason);
    save();
  };

  const serveArgs = c.injectDelayMs > 0 ? ['--inject-delay-ms', String(c.injectDelayMs)] : [];
  const common = {
    scale: c.scale,
    seed: c.seed,
    dataDir: join(dataDir, 'load'),
    ...(serveArgs.length ? { serveArgs } : {}),
  };
  const hooks = {
    ...(opts.signal ? { signal: opts.signal } : {}),
  };

  // 1. Environment: everything after needs it in the results file.
  const t0 = performance.now();
  progress.stageStart(
    1,
    STAGE_NAMES.length,
    'environment',
    Object.values(estimates).reduce((a, b) => a + b, 0),
  );
  const environment = probeEnvironment({ dataDir, pinning });
  stages[0] = {
    name: 'environment',
    status: 'ok',
    startedAt: environment.date,
    durationS: (performance.now() - t0) / 1000,
  };
  progress.stageEnd('environment', 'ok', stages[0].durationS!);
  results = RunResults.parse({
    schemaVersion: RUN_SCHEMA_VERSION,
    kind: 'run',
    mode: opts.mode,
    configFile: opts.configFile,
    startedAt: environment.date,
    finishedAt: null,
    wallS: null,
    environment,
    config: c,
    stages,
    scenarios: scenarios.map((name) => ({
      name,
      description: SCENARIOS.find((s) => s.name === name)?.description ?? 'unknown scenario',
      kind: scenarioKind(name),
    })),
  });
  results.stages = stages;
  save();
  const r = results;

  await stage('seed', async () => {
    for (const profile of c.profiles) {
      const s0 = performance.now();
      const file = seededDatabase(common.dataDir, profile, c.scale, c.seed);
      r.seed.push({
        profile,
        file,
        scale: c.scale,
        seed: c.seed,
        bytes: statSync(file).size,
        ms: performance.now() - s0,
      });
      progress.note(`seeded ${profile}`);
    }
    return OK;
  });

  await stage('vacuum', async () => {
    if (!c.vacuum.enabled) return { status: 'skipped', reason: 'disabled in the config' };
    for (const profile of c.profiles) {
      const seeded =
        r.seed.find((s) => s.profile === profile)?.file ?? seededDatabase(common.dataDir, profile, c.scale, c.seed);
      r.vacuum.push(
        measureVacuum({
          seeded,
          workFile: join(dataDir, `vacuum-${profile}.sqlite`),
          profile: resolveProfile(profile),
          deleteShare: c.vacuum.deleteShare,
          updateShare: c.vacuum.updateShare,
        }),
      );
      progress.note(`VACUUM measured on ${profile}`);
    }
    return OK;
  });

  await stage('bench', async () => {
    if (!c.bench.enabled) return { status: 'skipped', reason: 'disabled in the config' };
    const sweep = c.bench.indexSweepRows;
    await runBench({
      profiles: c.profiles,
      scale: c.scale,
      seed: c.seed,
      timeMs: c.bench.timeMs,
      dataDir: join(dataDir, 'bench'),
      ...(c.bench.ops.length ? { ops: c.bench.ops } : {}),
      ablation: c.bench.ablation,
      indexSweep: sweep.length > 0,
      ...(sweep.length ? { sweep: { sizes: sweep, insertRows: Math.min(...sweep) } } : {}),
      skipFsyncProbe: true,
      onStage: (file) => {
        r.bench = file.records;
        r.ablation = file.ablation;
        r.indexSweep = file.indexSweep;
        save();
      },
      onProgress: (e) => progress.note(`${e.stage}: ${e.message}${e.total ? ` (${e.done ?? 0}/${e.total})` : ''}`),
    });
    if (opts.byo && !opts.signal?.aborted) {
      // Your database and queries, per profile, on copies (the file itself is never opened).
      const mine = await runBench({
        profiles: c.profiles,
        timeMs: c.bench.timeMs,
        dataDir: join(dataDir, 'byo'),
        byo: opts.byo,
        skipFsyncProbe: true,
        onProgress: (e) => progress.note(`your queries: ${e.message}`),
      });
      r.byo = { source: mine.options.source as NonNullable<RunResults['byo']>['source'], records: mine.records };
      save();
    }
    if (c.bench.counted) {
      r.counted = await measureCounted({
        profiles: c.profiles,
        scale: c.scale,
        seed: c.seed,
        dataDir: join(dataDir, 'bench'),
        ops: c.bench.ops.length ? c.bench.ops : RUN_COUNTED_OPS,
        onProgress: (e) => progress.note(`counted: ${e.op} · ${e.profile} (${e.done}/${e.total})`),
      });
      save();
    }
    return OK;
  });

  await stage('load', async () => {
    if (!c.load.enabled) return { status: 'skipped', reason: 'disabled in the config' };
    const earlier = r.load.length;
    const returned = await runLoad(
      {
        ...common,
        scenarios,
        profiles: c.profiles,
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
  });

  await stage('concurrency', async () => {
    if (!c.concurrency.enabled) return { status: 'skipped', reason: 'disabled in the config' };
    const returned = await runConcurrency({
      config: c,
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
  });

  await stage('k6', async () => {
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
        scenarios: c.k6.scenarios.length ? c.k6.scenarios : scenarioNames(),
        profiles: c.profiles,
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
  });

  await stage('capacity', async () => {
    if (!c.capacity.enabled) return { status: 'skipped', reason: 'disabled in the config' };
    const profiles = c.capacity.profiles.length ? c.capacity.profiles : c.profiles;
    for (const profile of profiles) {
      const out = await runCapacity(
        {
          ...common,
          scenario: c.capacity.scenario,
          profile,
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
  });

  await stage('crossover', async () => {
    if (!c.crossover.enabled) return { status: 'skipped', reason: 'disabled in the config (on in --full)' };
    if (!findPg()) return { status: 'skipped', reason: PG_INSTALL_HINT };
    const bands = loadNoiseBands(c.thresholds.ledgerNoisePct);
    r.crossover = await runCrossover({
      preset: c.crossover.preset,
      pgProfile: c.crossover.pgProfile,
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
  });

  await stage('report', async () => {
    r.finishedAt = new Date().toISOString();
    r.wallS = (performance.now() - started) / 1000;
    // The report shows this stage as ok; if rendering throws, results.json says failed.
    Object.assign(stages[STAGE_NAMES.indexOf('report')]!, { status: 'ok', durationS: 0 });
    const written = await writeReport(RunResults.parse(r), outDir);
    if (written.chartErrors.length) progress.note(`charts not rendered: ${written.chartErrors.join('; ')}`);
    return OK;
  });

  if (!opts.keepData) rmSync(dataDir, { recursive: true, force: true });
  return RunResults.parse(r);
}
