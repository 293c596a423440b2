/**
 * How tune times configurations: an arm is settings plus the candidate indexes in the file.
 * Reads run on each variant as made, writes on a private copy per side (tune/files.ts), so
 * inserted rows never change what a read costs. Three measurements: a probe (one call per
 * query, what the budget is planned from), one configuration for the halving, and a paired
 * comparison of two arms within a budget.
 */
import { UsageError } from '../lib/errors.ts';
import type { Query } from '../db/queries-file.ts';
import { MIN_TASK_MS, planComparison, warmTaskMs, type CallTimes } from './budget.ts';
import type { VariantKey, Variants } from './files.ts';
import type { IndexCandidate } from './index-candidates.ts';
import { judgeGains, measurePaired, type Comparison } from './paired.ts';
import { openSide, warm, type Side } from './side.ts';
import type { Settings } from './space.ts';

export interface Arm {
  s: Settings;
  ix: readonly IndexCandidate[];
  label: string;
}

export interface ArmsContext {
  variants: Variants;
  /** Names of the queries that write (an index's insert probe is added when it is measured). */
  writes: Set<string>;
  queries: readonly Query[];
  now: () => number;
  /** Seconds of the whole budget left: no round starts after it. */
  leftS: () => number;
}

export const keyOf = (c: { s: Settings; ix: readonly IndexCandidate[] }): VariantKey => ({
  page_size: c.s.page_size,
  journal_mode: c.s.journal_mode,
  indexes: c.ix,
});

/** Mean time (µs) of each query on an open side, about `taskMs` each, or the first failure. */
export async function timeQueries(
  side: Side,
  qs: readonly Query[],
  taskMs: number,
): Promise<Map<string, number> | { error: string }> {
  const out = new Map<string, number>();
  for (const q of qs) {
    const m = await side.run(q.name, taskMs);
    if (!m.ok) return { error: `${q.name}: ${m.reason}` };
    out.set(q.name, m.latencyUs.mean);
  }
  return out;
}

export function createArms(ctx: ArmsContext) {
  const { variants, writes, now } = ctx;
  const needsWrites = (qs: readonly Query[]) => qs.some((q) => writes.has(q.name));
  const open = (c: Arm, qs: readonly Query[], writesFile: string | undefined) =>
    openSide({ reads: variants.file(keyOf(c)), ...(writesFile ? { writes: writesFile } : {}) }, c.s, qs, writes);

  return {
    /** One call of each query under an arm (ms): what the budget is planned from. A query that fails is a UsageError. */
    async probe(c: Arm, qs: readonly Query[] = ctx.queries): Promise<Map<string, number>> {
      const w = needsWrites(qs) ? variants.copy(keyOf(c), 'probe-writes') : undefined;
      const side = open(c, qs, w);
      try {
        const t = await timeQueries(side, qs, MIN_TASK_MS);
        if ('error' in t) throw new UsageError(t.error);
        return new Map([...t].map(([q, us]) => [q, us / 1000]));
      } finally {
        side.close();
        if (w) variants.release(w);
      }
    },

    /** One configuration timed for the halving, its writes on the variant's scratch copy; never throws. */
    async timeConfig(
      s: Settings,
      ix: readonly IndexCandidate[],
      taskMs: number,
    ): Promise<Map<string, number> | { error: string }> {
      try {
        const key = keyOf({ s, ix });
        const side = openSide({ reads: variants.file(key), writes: variants.scratch(key) }, s, ctx.queries, writes);
        try {
          await warm(side, ctx.queries, Math.min(taskMs, 20));
          return await timeQueries(side, ctx.queries, taskMs);
        } finally {
          side.close();
        }
      } catch (err) {
        return { error: (err as Error).message.split('\n')[0]! };
      }
    },

    /**
     * `arm` against `base`, paired, within `budgetS`, planned from the call times. Null when the
     * budget cannot pay for the rounds its confidence needs.
     */
    async compare(
      base: Arm,
      arm: Arm,
      qs: readonly Query[],
      budgetS: number,
      calls: CallTimes,
    ): Promise<Comparison | null> {
      // Making a variant (indexes, a VACUUM for a page size) is paid from the comparison's budget.
      const t = now();
      variants.file(keyOf(base));
      variants.file(keyOf(arm));
      // Planned at 80 %: the estimate leaves out the yields between tasks and tinybench's own time.
      const plan = planComparison(
        0.8 * budgetS - (now() - t) / 1000,
        qs.map((q) => q.name),
        calls,
      );
      if (!plan) return null;
      const wb = needsWrites(qs) ? variants.copy(keyOf(base), 'base-writes') : undefined;
      const wa = needsWrites(qs) ? variants.copy(keyOf(arm), 'arm-writes') : undefined;
      let b: Side | undefined;
      let a: Side | undefined;
      try {
        b = open(base, qs, wb);
        a = open(arm, qs, wa);
        await warm(b, qs, warmTaskMs(plan.taskMs));
        await warm(a, qs, warmTaskMs(plan.taskMs));
        const deadline = now() + Math.max(budgetS, plan.costS) * 1000 * 1.25;
        const r = await measurePaired(
          b,
          a,
          qs.map((q) => q.name),
          { rounds: plan.rounds, taskMs: plan.taskMs, expired: () => now() > deadline || ctx.leftS() < 0 },
        );
        return judgeGains(base.label, arm.label, r);
      } finally {
        b?.close();
        a?.close();
        if (wb) variants.release(wb);
        if (wa) variants.release(wa);
      }
    },
  };
}
