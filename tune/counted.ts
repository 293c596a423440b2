/**
 * Exact counters as tune's tie-breaker (`--counted`): when the paired timing cannot tell a
 * setting from yours (within the noise, or not shown), count what each does per call of
 * every query: system calls (strace: fsyncs, writes, reads) and, when valgrind is there and
 * the budget pays for it, instructions. Counts do not move with machine load: the leader's
 * value is adopted when it does less on a query beyond the count band and more on none.
 * Each figure is (total of a process running 2n calls − total of one running n) / n, on a
 * fresh copy of the arm's file per process (bench/counted/count-job.ts). Your side is counted
 * twice (before and after the leader's): a counter that moves between the two is not used.
 */
import { countJob } from '../bench/counted/count-job.ts';
import { DRIVER_PATH, unportableParams, type JobSpec } from '../bench/counted/job.ts';
import type { CountingTools } from '../bench/counted/tools.ts';
import { READBACK_PRAGMAS } from '../db/open.ts';
import type { Query } from '../db/queries-file.ts';
import { perOpFigures } from '../lib/records/counted.ts';
import type { CallTimes } from './budget.ts';
import { pragmaStatements, type Settings } from './space.ts';

/** A counter must differ by more than this share of the larger value to count as a difference. */
export const COUNT_BAND = 0.01;
/**
 * Spread of one process's instruction total with nothing changed (node and glibc read
 * /proc/self/maps, whose length varies): twice the ~10k seen in the bench's counted A/A.
 * A per-call difference of two arms rests on four processes: 4 × this / n is its floor.
 */
export const INSTRUCTION_NOISE = 20_000;
/** System calls per call below this difference are not a difference (one checkpoint's fsync over many calls). */
export const SYSCALL_FLOOR = 0.01;
/** Native milliseconds of calls in the shorter run (the longer runs twice as many). */
const COUNT_TARGET_MS = 5;
const MAX_N = 500;
/** Estimates for the budget: a child's start under each tool (s) and how much slower it runs the calls. */
const START_S = { instructions: 6, syscalls: 0.5 } as const;
const SLOWDOWN = { instructions: 60, syscalls: 4 } as const;

export type Counter = 'instructions' | 'fsync' | 'writeCalls' | 'readCalls';
const COUNTERS: readonly Counter[] = ['instructions', 'fsync', 'writeCalls', 'readCalls'];
const COUNTER_NAMES: Record<Counter, string> = {
  instructions: 'instructions',
  fsync: 'fsyncs',
  writeCalls: 'write calls',
  readCalls: 'read calls',
};

/** Per call of a query; null: not counted. */
export type PerCall = Record<Counter | 'writeBytes' | 'readBytes', number | null>;

export type CountVerdict = 'fewer' | 'more' | 'same' | 'mixed' | 'not counted';

export interface QueryCount {
  query: string;
  /** Calls in the shorter run. */
  n: number;
  base: PerCall | null;
  /** The base counted again (its A/A): a counter that moves between the two is not used. */
  baseRepeat?: PerCall | null;
  arm: PerCall | null;
  /** Of the arm against the base. */
  verdict: CountVerdict;
  /** The counters that differ, as text ("fsyncs 1.00 → 0.00 per call"). */
  differences: string[];
  /** Why it was not counted. */
  reason?: string;
  /** Why its instructions were not counted when the other queries' were. */
  instructionsSkipped?: string;
}

export interface TieBreak {
  /** What was counted: system calls always, instructions when valgrind was there and the budget paid. */
  counted: ('syscalls' | 'instructions')[];
  /** Why instructions were not counted, when they were not. */
  instructionsSkipped?: string;
  queries: QueryCount[];
  /** cheaper: fewer on a query and more on none (the arm is adopted); costlier, mixed, same, not counted keep the base. */
  verdict: 'cheaper' | 'costlier' | 'mixed' | 'same' | 'not counted';
  reason?: string;
}

/** Calls in the shorter counted run of a query that takes `callMs` natively. */
export function countedCalls(callMs: number): number {
  return Math.max(1, Math.min(MAX_N, Math.round(COUNT_TARGET_MS / Math.max(callMs, 1e-6))));
}

/** The smallest difference of one counter that counts, per call. */
export function threshold(counter: Counter, base: number, arm: number, n: number): number {
  const floor = counter === 'instructions' ? (4 * INSTRUCTION_NOISE) / n : SYSCALL_FLOOR;
  return Math.max(floor, COUNT_BAND * Math.max(Math.abs(base), Math.abs(arm)));
}

const fmt = (counter: Counter, x: number) =>
  counter === 'instructions'
    ? x >= 1e6
      ? `${(x / 1e6).toFixed(2)} M`
      : `${(x / 1e3).toFixed(1)} k`
    : x.toFixed(Math.abs(x) >= 10 ? 1 : 2);

/**
 * The arm's counters against the base's, per call (pure). With the base counted twice, a
 * counter whose two base figures differ beyond its threshold is unstable and not used (its
 * A/A failed: seen on a write at n = 5, 34.0k instructions against 0.3k); a stable one must
 * move by more than its threshold and twice the base's own spread.
 */
export function judgeCounts(
  base: PerCall,
  arm: PerCall,
  n: number,
  baseRepeat?: PerCall,
): { verdict: CountVerdict; differences: string[] } {
  let fewer = false;
  let more = false;
  let compared = 0;
  const differences: string[] = [];
  for (const c of COUNTERS) {
    const b1 = base[c];
    const a = arm[c];
    if (b1 === null || a === null) continue;
    const b2 = baseRepeat?.[c] ?? b1;
    if (Math.abs(b2 - b1) > threshold(c, b1, b2, n)) {
      differences.push(`${COUNTER_NAMES[c]} unstable (yours ${fmt(c, b1)} and ${fmt(c, b2)}): not used`);
      continue;
    }
    compared++;
    const b = (b1 + b2) / 2;
    if (Math.abs(a - b) <= Math.max(threshold(c, b, a, n), 2 * Math.abs(b2 - b1))) continue;
    if (a < b) fewer = true;
    else more = true;
    differences.push(`${COUNTER_NAMES[c]} ${fmt(c, b)} → ${fmt(c, a)} per call`);
  }
  // Nothing compared (no counter on both sides, or every one unstable) is no evidence: never "same".
  if (compared === 0) return { verdict: 'not counted', differences };
  const verdict = fewer && more ? 'mixed' : fewer ? 'fewer' : more ? 'more' : 'same';
  return { verdict, differences };
}

/** A tie-break's verdict from its queries (pure): cheaper only when every query was counted. */
export function tieBreakVerdict(queries: readonly QueryCount[]): TieBreak['verdict'] {
  const has = (v: CountVerdict) => queries.some((q) => q.verdict === v);
  if (has('mixed') || (has('fewer') && has('more'))) return 'mixed';
  if (has('more')) return 'costlier';
  if (has('not counted') || queries.length === 0) return 'not counted';
  return has('fewer') ? 'cheaper' : 'same';
}

export interface CountSide {
  settings: Settings;
  /** The arm's database file (copied for every counted process, never written). */
  file: string;
}

export interface TieBreakInput {
  base: CountSide;
  arm: CountSide;
  queries: readonly Query[];
  /** Native time of one call per query, ms (tune's probe). */
  calls: CallTimes;
  tools: CountingTools;
  /** Where the counted copies go (a real disk). */
  dir: string;
  /** Seconds this tie-break may take; a stage that does not fit is skipped and said so. */
  budgetS: number;
  now?: () => number;
  signal?: AbortSignal;
}

function jobFor(q: Query, s: Settings): JobSpec {
  return {
    driver: DRIVER_PATH,
    timeoutMs: 5000,
    pragmas: pragmaStatements(s),
    readback: [...READBACK_PRAGMAS],
    sql: q.sql,
    paramSets: q.params,
    batch: 1,
    writeTransaction: 'deferred',
    extraWork: 0,
  };
}

const emptyPerCall = (): PerCall => ({
  instructions: null,
  fsync: null,
  writeCalls: null,
  writeBytes: null,
  readCalls: null,
  readBytes: null,
});

/** Counts both sides on every query: system calls first, then instructions when they fit. */
export async function countTieBreak(input: TieBreakInput): Promise<TieBreak> {
  const now = input.now ?? (() => performance.now());
  const t0 = now();
  const leftS = () => input.budgetS - (now() - t0) / 1000;
  const notCounted = (reason: string): TieBreak => ({
    counted: [],
    queries: input.queries.map((q) => ({
      query: q.name,
      n: countedCalls(input.calls.get(q.name) ?? 1),
      base: null,
      arm: null,
      verdict: 'not counted',
      differences: [],
      reason,
    })),
    verdict: 'not counted',
    reason,
  });
  if (!input.tools.strace) return notCounted('strace not found (apt-get install strace)');

  const perQuery = input.queries.map((q) => ({
    q,
    n: countedCalls(input.calls.get(q.name) ?? 1),
    base: emptyPerCall(),
    baseRepeat: emptyPerCall(),
    arm: emptyPerCall(),
    reason: unportableParams(q.params) ?? undefined,
    instructionsSkipped: undefined as string | undefined,
  }));
  // Estimates are corrected by what the counts so far took against what was expected.
  let drift = 1;
  const estimateS = (stage: 'instructions' | 'syscalls', n: number, callMs: number) =>
    drift * 3 * (START_S[stage] + (3 * n * callMs * SLOWDOWN[stage]) / 1000);
  const stageS = (stage: 'instructions' | 'syscalls') =>
    perQuery.filter((p) => !p.reason).reduce((s, p) => s + estimateS(stage, p.n, input.calls.get(p.q.name) ?? 1), 0);

  const counted: TieBreak['counted'] = [];
  let instructionsSkipped: string | undefined;
  for (const stage of ['syscalls', 'instructions'] as const) {
    if (stage === 'instructions') {
      if (!input.tools.valgrind) {
        instructionsSkipped = 'valgrind not found (apt-get install valgrind)';
        break;
      }
      if (stageS('instructions') > leftS()) {
        instructionsSkipped = `the budget (about ${Math.ceil(stageS('instructions'))} s needed, ${Math.max(0, Math.floor(leftS()))} s left)`;
        break;
      }
    } else if (stageS('syscalls') > leftS()) {
      return notCounted(`the budget cannot pay for counting (about ${Math.ceil(stageS('syscalls'))} s needed)`);
    }
    let done = false;
    for (const p of perQuery) {
      if (p.reason) continue;
      const callMs = input.calls.get(p.q.name) ?? 1;
      const expected = estimateS(stage, p.n, callMs);
      // A query without its system calls is not counted; one without its instructions keeps its system calls.
      const skip = (why: string) => {
        if (stage === 'syscalls') p.reason = why;
        else p.instructionsSkipped = why;
      };
      if (expected > leftS()) {
        skip(`${stage === 'instructions' ? 'instructions' : 'system calls'}: the budget ran out`);
        continue;
      }
      const started = now();
      const figures: ReturnType<typeof perOpFigures>[] = [];
      // The base, the arm, the base again: its A/A says which counters can be trusted here.
      const sides = ['base', 'arm', 'baseRepeat'] as const;
      for (const side of sides) {
        const r = await countJob({
          job: jobFor(p.q, input[side === 'arm' ? 'arm' : 'base'].settings),
          source: input[side === 'arm' ? 'arm' : 'base'].file,
          n: p.n,
          tools: input.tools,
          instructions: stage === 'instructions',
          syscalls: stage === 'syscalls',
          dir: input.dir,
          childTimeoutMs: Math.max(10_000, leftS() * 1000),
          ...(input.signal ? { signal: input.signal } : {}),
        });
        if (!r.ok) {
          skip(r.interrupted ? 'interrupted' : r.reason);
          break;
        }
        figures.push(perOpFigures(r.runN, r.run2N));
      }
      if (figures.length === sides.length)
        sides.forEach((side, k) => {
          const f = figures[k]!;
          if (stage === 'instructions') p[side].instructions = f.instructionsPerOp;
          else
            Object.assign(p[side], {
              fsync: f.fsyncPerOp,
              writeCalls: f.writeCallsPerOp,
              writeBytes: f.writeBytesPerOp,
              readCalls: f.readCallsPerOp,
              readBytes: f.readBytesPerOp,
            });
        });
      drift = Math.max(drift, (now() - started) / 1000 / (expected / drift));
      if (figures.length === sides.length) done = true;
    }
    if (done) counted.push(stage);
  }

  const queries: QueryCount[] = perQuery.map((p) => {
    if (p.reason)
      return {
        query: p.q.name,
        n: p.n,
        base: null,
        arm: null,
        verdict: 'not counted',
        differences: [],
        reason: p.reason,
      };
    return {
      query: p.q.name,
      n: p.n,
      base: p.base,
      baseRepeat: p.baseRepeat,
      arm: p.arm,
      ...judgeCounts(p.base, p.arm, p.n, p.baseRepeat),
      ...(p.instructionsSkipped ? { instructionsSkipped: p.instructionsSkipped } : {}),
    };
  });
  return {
    counted,
    ...(instructionsSkipped ? { instructionsSkipped } : {}),
    queries,
    verdict: tieBreakVerdict(queries),
  };
}
