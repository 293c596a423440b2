import type { Profile } from '../db/profiles.ts';
import { rowCounts } from '../db/data-shape.ts';
import type { BenchRecord } from '../lib/records/bench.ts';
import { measureArms, type PlannedOp } from './driver.ts';
import { BENCH_DEFAULTS, checkCommon, benchProfiles, resolveWorkloads, type CommonBenchOptions } from './options.ts';
import { drawParamSets } from './prepare.ts';
import type { Workload } from './workloads/types.ts';
import { createWorkspace } from './workspace.ts';

export interface ProfileBenchOptions extends CommonBenchOptions {
  /** Profile names; the first is the baseline of the table's relative column. */
  profiles?: Profile[];
  /** Operation names (default: every operation). */
  ops?: string[];
}

/** Pre-draws each operation's parameters from the seed, so every arm sees the same keys. */
export function planOps(workloads: Workload[], scale: number, seed: number): PlannedOp[] {
  const shape = { rows: rowCounts(scale) };
  return workloads.map((workload) => ({ workload, paramSets: drawParamSets(workload, shape, seed) }));
}

/** Every operation × profile on seeded databases: one record each, ok or failed with a reason. */
export async function runProfileBench(opts: ProfileBenchOptions = {}): Promise<BenchRecord[]> {
  const { scale, seed, timeMs, dataDir } = checkCommon(opts);
  const arms = benchProfiles(opts.profiles, BENCH_DEFAULTS.profiles);
  const ops = planOps(resolveWorkloads(opts.ops), scale, seed);
  const workspace = opts.workspace ?? createWorkspace({ dataDir, scale, seed });
  try {
    return await measureArms({
      arms,
      ops,
      workspace,
      sourceFor: (arm) => workspace.seeded(arm),
      measure: { timeMs },
      stage: 'bench',
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } finally {
    if (!opts.workspace) workspace.cleanup();
  }
}
