import type { Profile } from '../db/profiles.ts';
import type { AblationRecord, BenchRecord } from '../lib/records/bench.ts';
import { ablationArms, TOGGLES } from './ablation-arms.ts';
import { measureArms } from './driver.ts';
import { checkCommon, resolveWorkloads, type CommonBenchOptions } from './options.ts';
import { planOps } from './profiles-bench.ts';
import { createWorkspace } from './workspace.ts';
import { compareRecords } from './ablation-delta.ts';
import { UsageError } from '../lib/errors.ts';

export interface AblationOptions extends CommonBenchOptions {
  ops?: string[];
  /** Toggle names (default all: wal, normal, cache, temp_store, mmap, indexes). */
  toggles?: string[];
}

export interface AblationResult {
  ablation: AblationRecord[];
  /** The measurements behind it: both base profiles and every arm. */
  arms: BenchRecord[];
}

/** Measures untuned, tuned and every one-toggle arm, then the change each toggle causes per operation. */
export async function runAblation(opts: AblationOptions = {}): Promise<AblationResult> {
  const { scale, seed, timeMs, dataDir } = checkCommon(opts);
  checkToggles(opts.toggles);
  const arms = ablationArms(opts.toggles);
  const bases = uniqueProfiles(arms.map((a) => a.base));
  const ops = planOps(resolveWorkloads(opts.ops), scale, seed);
  const workspace = opts.workspace ?? createWorkspace({ dataDir, scale, seed });
  let records: BenchRecord[];
  try {
    records = await measureArms({
      arms: [...bases, ...arms.map((a) => a.profile)],
      ops,
      workspace,
      sourceFor: (arm) => workspace.seeded(arm),
      measure: { timeMs },
      stage: 'ablation',
      ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } finally {
    if (!opts.workspace) workspace.cleanup();
  }
  const find = (op: string, profile: string) => records.find((r) => r.op === op && r.profile === profile);
  const ablation: AblationRecord[] = [];
  for (const arm of arms) {
    for (const op of ops) {
      const base = find(op.workload.name, arm.base.name);
      const measured = find(op.workload.name, arm.profile.name);
      if (!base || !measured) continue;
      ablation.push({
        ...compareRecords(base, measured),
        direction: arm.direction,
        pragma: arm.toggle,
        op: op.workload.name,
        base: arm.base.name,
        arm: arm.profile.name,
      });
    }
  }
  return { ablation, arms: records };
}

/** Rejects unknown toggle names up front, naming the known ones. */
export function checkToggles(names: readonly string[] | undefined): void {
  if (names !== undefined && names.length === 0) throw new UsageError('--toggles must name at least one toggle');
  for (const t of names ?? []) {
    if (!TOGGLES.some((k) => k.name === t))
      throw new UsageError(`unknown ablation toggle '${t}' (known: ${TOGGLES.map((k) => k.name).join(', ')})`);
  }
}

function uniqueProfiles(list: Profile[]): Profile[] {
  return list.filter((p, i) => list.findIndex((q) => q.name === p.name) === i);
}
