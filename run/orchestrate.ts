import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { choosePinning, findK6, probeEnvironment } from '../lib/environment.ts';
import { writeJsonAtomic } from '../lib/atomic-write.ts';
import { RUN_SCHEMA_VERSION, RunResults, STAGE_NAMES, type StageName, type StageResult } from '../lib/records/run.ts';
import type { RunConfig } from '../lib/records/run-config.ts';
import { estimateStages } from './estimate.ts';
import { silentProgress, type ProgressSink } from './progress.ts';
import { SCENARIOS, scenarioNames } from '../load/scenarios.ts';
import { workloadNames } from '../bench/workloads/index.ts';
import { builtinCatalog, type Catalog } from '../catalog/catalog.ts';
import { writeReport } from '../reports/write.ts';
import { OK, type StageContext, type StageOutcome } from './stage-context.ts';
import { benchStage, seedStage, vacuumStage } from './stages-db.ts';
import { powerlossStage } from './stages-powerloss.ts';
import { capacityStage, concurrencyStage, crossoverStage, k6Stage, loadStage, pairedStage } from './stages-load.ts';

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
  /** The catalog the config's names are looked up in (its custom profiles); default the built-in one. */
  catalog?: Catalog;
}

function scenarioKind(name: string): string {
  const s = SCENARIOS.find((x) => x.name === name);
  if (!s) return 'unknown';
  const writes = s.endpoints.filter((e) => e.writes).length;
  return writes === 0 ? 'read' : writes === s.endpoints.length ? 'write' : 'mixed';
}

/**
 * The whole `loadlab run`: environment, seed, VACUUM, bench, load, concurrency, k6, capacity,
 * crossover, report (the stage bodies: stages-db.ts and stages-load.ts).
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
  const catalog = opts.catalog ?? builtinCatalog();
  const common = {
    scale: c.scale,
    seed: c.seed,
    dataDir: join(dataDir, 'load'),
    ...(serveArgs.length ? { serveArgs } : {}),
    catalogSpec: catalog.spec,
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
  const ctx: StageContext = { c, r, save, progress, opts, dataDir, common, serveArgs, hooks, scenarios, k6, catalog };

  await stage('seed', () => seedStage(ctx));

  await stage('vacuum', () => vacuumStage(ctx));

  await stage('bench', () => benchStage(ctx));

  await stage('load', () => loadStage(ctx));

  await stage('paired', () => pairedStage(ctx));

  await stage('concurrency', () => concurrencyStage(ctx));

  await stage('k6', () => k6Stage(ctx));

  await stage('capacity', () => capacityStage(ctx));

  await stage('crossover', () => crossoverStage(ctx));

  await stage('powerloss', () => powerlossStage(ctx));

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
