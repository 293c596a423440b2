import type { Profile } from '../db/profiles.ts';
import { BENCH_SCHEMA_VERSION, BenchFile } from '../lib/records/bench.ts';
import { probeEnvironment } from '../lib/environment.ts';
import { checkAblationRounds, checkToggles, runAblation } from './ablation.ts';
import { ABLATION_CONFIDENCE } from './ablation-delta.ts';
import { checkSweepSizes, runIndexSweep, type IndexSweepOptions } from './index-sweep.ts';
import { BENCH_DEFAULTS, checkCommon, benchProfiles, resolveWorkloads, type CommonBenchOptions } from './options.ts';
import { runProfileBench } from './profiles-bench.ts';
import { runQueriesBench } from './queries.ts';
import { createWorkspace } from './workspace.ts';
import { UsageError } from '../lib/errors.ts';

export interface BenchOptions extends CommonBenchOptions {
  profiles?: Profile[];
  ops?: string[];
  /** Also attribute the gains one PRAGMA at a time. */
  ablation?: boolean;
  ablationToggles?: string[];
  /** Rounds of base, arm, arm, base per ablation arm and operation (default BENCH_DEFAULTS.ablationRounds). */
  ablationRounds?: number;
  /** Time of one ablation task, ms (default BENCH_DEFAULTS.ablationTaskMs). */
  ablationTaskMs?: number;
  /** Also run the index sweep. */
  indexSweep?: boolean;
  sweep?: Pick<IndexSweepOptions, 'sizes' | 'insertRows'>;
  /** Bring your own database: run the queries file against copies of this file instead of the seeded workloads. */
  byo?: { db: string; queries: string };
  /** Skip the fsync probe of the environment (tests). */
  skipFsyncProbe?: boolean;
  /** Called with the file so far after each stage, so a crash keeps finished stages. */
  onStage?: (file: BenchFile) => void;
}

/**
 * The whole `loadlab bench`: the profile table (or the user's queries), then ablation
 * and index sweep when asked. Returns the validated BenchFile; never prints.
 */
export async function runBench(opts: BenchOptions = {}): Promise<BenchFile> {
  const { scale, seed, timeMs, dataDir } = checkCommon(opts);
  const profiles = benchProfiles(opts.profiles, BENCH_DEFAULTS.profiles);
  if (opts.byo && (opts.ablation || opts.indexSweep || opts.ops)) {
    throw new UsageError(
      '--db/--queries run your own queries; they cannot be combined with --ablation, --index-sweep or --ops',
    );
  }
  if (!opts.byo) resolveWorkloads(opts.ops);
  checkToggles(opts.ablationToggles);
  const ablationRounds = checkAblationRounds({
    ...(opts.ablationRounds !== undefined ? { rounds: opts.ablationRounds } : {}),
    ...(opts.ablationTaskMs !== undefined ? { taskMs: opts.ablationTaskMs } : {}),
  });
  if (opts.sweep?.sizes) checkSweepSizes(opts.sweep.sizes);
  if (opts.sweep?.insertRows !== undefined) checkSweepSizes([opts.sweep.insertRows]);
  const environment = probeEnvironment({ dataDir, ...(opts.skipFsyncProbe ? { skipFsync: true } : {}) });
  const file: BenchFile = BenchFile.parse({
    schemaVersion: BENCH_SCHEMA_VERSION,
    kind: 'bench',
    environment,
    options: {
      profiles: profiles.map((p) => p.name),
      timeMs,
      ...(opts.byo
        ? { db: opts.byo.db, queries: opts.byo.queries }
        : { scale, seed, ops: opts.ops ?? resolveWorkloads(undefined).map((w) => w.name) }),
      ablation: opts.ablation ?? false,
      ...(opts.ablation
        ? {
            ablationRounds: ablationRounds.rounds,
            ablationTaskMs: ablationRounds.taskMs,
            ablationConfidence: ABLATION_CONFIDENCE,
          }
        : {}),
      indexSweep: opts.indexSweep ?? false,
    },
    records: [],
  });
  const stage = () => {
    const checked = BenchFile.parse(file);
    opts.onStage?.(checked);
    return checked;
  };
  stage(); // an empty file first: a bad output path fails before any measuring
  const workspace = opts.workspace ?? createWorkspace({ dataDir, scale, seed });
  const common = {
    scale,
    seed,
    timeMs,
    dataDir,
    workspace,
    ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  try {
    if (opts.byo) {
      const result = await runQueriesBench({ ...common, db: opts.byo.db, queries: opts.byo.queries, profiles });
      file.records = result.records;
      file.options.source = result.source;
      return stage();
    }
    file.records = await runProfileBench({ ...common, profiles, ...(opts.ops ? { ops: opts.ops } : {}) });
    stage();
    if (opts.ablation && !opts.signal?.aborted) {
      const result = await runAblation({
        ...common,
        ...(opts.ops ? { ops: opts.ops } : {}),
        ...(opts.ablationToggles ? { toggles: opts.ablationToggles } : {}),
        ...ablationRounds,
      });
      file.ablation = result.ablation;
      file.ablationArms = result.arms;
      stage();
    }
    if (opts.indexSweep && !opts.signal?.aborted) {
      file.indexSweep = await runIndexSweep({ ...common, ...opts.sweep });
      stage();
    }
    return stage();
  } finally {
    if (!opts.workspace) workspace.cleanup();
  }
}
