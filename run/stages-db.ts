import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { RunResults } from '../lib/records/run.ts';
import { seededDatabase } from '../load/runner.ts';
import { measureCounted } from '../bench/counted/measure-counted.ts';
import { runBench } from '../bench/suite.ts';
import { measureVacuum } from './vacuum.ts';
import { OK, type StageContext, type StageOutcome } from './stage-context.ts';

/*
 * The stages of `loadlab run` that work on database files in-process: seeding, VACUUM,
 * microbenchmarks (with --db/--queries and --counted).
 */

/**
 * What `run --counted` counts when the config names no operations: one read by key, one
 * index-dependent read, the guide's write shapes (autocommit, a 100-row transaction, an
 * update). Under valgrind each takes seconds, so not all of them.
 */
export const RUN_COUNTED_OPS = ['point-read', 'indexed-list', 'insert-autocommit', 'insert-100-tx', 'update-by-key'];

/** One seeded database per profile. */
export async function seedStage({ c, r, progress, common, catalog }: StageContext): Promise<StageOutcome> {
  for (const profile of c.profiles) {
    const s0 = performance.now();
    const file = seededDatabase(common.dataDir, catalog.profile(profile), c.scale, c.seed);
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
}

/** File size after churn, after the profile's own maintenance and after VACUUM, per profile. */
export async function vacuumStage({ c, r, progress, common, dataDir, catalog }: StageContext): Promise<StageOutcome> {
  if (!c.vacuum.enabled) return { status: 'skipped', reason: 'disabled in the config' };
  for (const profile of c.profiles) {
    const seeded =
      r.seed.find((s) => s.profile === profile)?.file ??
      seededDatabase(common.dataDir, catalog.profile(profile), c.scale, c.seed);
    r.vacuum.push(
      measureVacuum({
        seeded,
        workFile: join(dataDir, `vacuum-${profile}.sqlite`),
        profile: catalog.profile(profile),
        deleteShare: c.vacuum.deleteShare,
        updateShare: c.vacuum.updateShare,
      }),
    );
    progress.note(`VACUUM measured on ${profile}`);
  }
  return OK;
}

/** tinybench operations × profiles, ablation, index sweep; your queries (--db) and exact counts (--counted) when asked. */
export async function benchStage({
  c,
  r,
  save,
  progress,
  dataDir,
  opts,
  catalog,
}: StageContext): Promise<StageOutcome> {
  if (!c.bench.enabled) return { status: 'skipped', reason: 'disabled in the config' };
  const sweep = c.bench.indexSweepRows;
  await runBench({
    profiles: c.profiles.map((n) => catalog.profile(n)),
    scale: c.scale,
    seed: c.seed,
    timeMs: c.bench.timeMs,
    dataDir: join(dataDir, 'bench'),
    ...(c.bench.ops.length ? { ops: c.bench.ops } : {}),
    ablation: c.bench.ablation,
    ablationRounds: c.bench.ablationRounds,
    ablationTaskMs: c.bench.ablationTaskMs,
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
      profiles: c.profiles.map((n) => catalog.profile(n)),
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
      profiles: c.profiles.map((n) => catalog.profile(n)),
      scale: c.scale,
      seed: c.seed,
      dataDir: join(dataDir, 'bench'),
      ops: c.bench.ops.length ? c.bench.ops : RUN_COUNTED_OPS,
      onProgress: (e) => progress.note(`counted: ${e.op} · ${e.profile} (${e.done}/${e.total})`),
    });
    save();
  }
  return OK;
}
