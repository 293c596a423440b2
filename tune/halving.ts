/**
 * Successive halving over configurations: every survivor is timed on every query, twice per
 * rung in opposite orders (so a slow patch of the machine falls on both ends of the list),
 * scored by the geometric mean over queries of its time relative to the rung's fastest on
 * that query, and the best third goes on to a rung with three times the time per task. It
 * ranks, it does not judge: what the winner is worth is measured afterwards, paired.
 */
import { median } from '../stats/index.ts';
import { settingsKey, type Settings } from './space.ts';

/** Mean latency per query (µs), or why the configuration could not be measured. */
export type MeasureConfig = (s: Settings, taskMs: number) => Promise<Map<string, number> | { error: string }>;

export interface Rung {
  taskMs: number;
  measured: number;
  /** Survivors' keys and scores (1 = fastest on every query), best first. */
  scores: { key: string; score: number }[];
  seconds: number;
}

export interface HalvingResult {
  /** Best first. */
  ranking: Settings[];
  rungs: Rung[];
  failed: { key: string; error: string }[];
  /** True when the budget ran out before the survivors were down to `keep`. */
  cutShort: boolean;
}

export interface HalvingOptions {
  /** Stop when this many survivors are left (default 3). */
  keep?: number;
  /** Seconds the search may spend. */
  budgetS: number;
  now: () => number;
  /** Seconds one measurement of a configuration takes at a given task time (tune/budget.ts). */
  costS: (taskMs: number) => number;
  /** Smallest and largest time of one task, ms. */
  minTaskMs?: number;
  maxTaskMs?: number;
  onRung?: (rung: number, survivors: number, leader: Settings | undefined) => void;
}

/** Geometric mean of each configuration's time over the fastest configuration's, per query (pure). */
export function scoreConfigs(times: Map<string, Map<string, number>>): Map<string, number> {
  const best = new Map<string, number>();
  for (const per of times.values()) for (const [q, t] of per) best.set(q, Math.min(best.get(q) ?? Infinity, t));
  const out = new Map<string, number>();
  for (const [key, per] of times) {
    let logSum = 0;
    for (const [q, t] of per) logSum += Math.log(t / best.get(q)!);
    out.set(key, Math.exp(logSum / Math.max(1, per.size)));
  }
  return out;
}

export async function successiveHalving(
  configs: readonly Settings[],
  measureConfig: MeasureConfig,
  opts: HalvingOptions,
): Promise<HalvingResult> {
  const keep = opts.keep ?? 3;
  const minTask = opts.minTaskMs ?? 2;
  const maxTask = opts.maxTaskMs ?? 500;
  const start = opts.now();
  let survivors = [...configs];
  const rungs: Rung[] = [];
  const failed: HalvingResult['failed'] = [];
  let cutShort = false;
  while (survivors.length > keep) {
    const left = opts.budgetS - (opts.now() - start) / 1000;
    const rungsLeft = Math.max(1, Math.ceil(Math.log(survivors.length / keep) / Math.log(3)));
    // Each rung may spend an equal part of what is left (a third of the configurations, more time each).
    const rungBudget = (left * 0.9) / rungsLeft;
    const rungCost = (t: number) => 2 * survivors.length * opts.costS(t);
    if (rungCost(minTask) > rungBudget) {
      cutShort = true;
      break;
    }
    let lo = minTask;
    let hi = maxTask;
    for (let i = 0; i < 30; i++) {
      const mid = (lo + hi) / 2;
      if (rungCost(mid) <= rungBudget) lo = mid;
      else hi = mid;
    }
    const taskMs = lo;
    const t0 = opts.now();
    opts.onRung?.(rungs.length, survivors.length, survivors[0]);
    const samples = new Map<string, Map<string, number[]>>();
    for (const order of [survivors, [...survivors].reverse()]) {
      for (const s of order) {
        const key = settingsKey(s);
        if (failed.some((f) => f.key === key)) continue;
        const m = await measureConfig(s, taskMs);
        if ('error' in m) {
          failed.push({ key, error: String(m.error) });
          continue;
        }
        const per = samples.get(key) ?? new Map<string, number[]>();
        for (const [q, t] of m) per.set(q, [...(per.get(q) ?? []), t]);
        samples.set(key, per);
      }
    }
    const times = new Map(
      [...samples].map(([key, per]) => [key, new Map([...per].map(([q, ts]) => [q, median(ts)]))] as const),
    );
    const scores = scoreConfigs(times);
    const ranked = survivors
      .filter((s) => scores.has(settingsKey(s)))
      .sort((a, b) => scores.get(settingsKey(a))! - scores.get(settingsKey(b))!);
    rungs.push({
      taskMs,
      measured: ranked.length,
      scores: ranked.map((s) => ({ key: settingsKey(s), score: scores.get(settingsKey(s))! })),
      seconds: (opts.now() - t0) / 1000,
    });
    survivors = ranked.slice(0, Math.max(keep, Math.ceil(ranked.length / 3)));
    if (ranked.length === 0) break;
  }
  return { ranking: survivors, rungs, failed, cutShort };
}
