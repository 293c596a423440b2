import type { AbBenchSample, AbMetric, AbTrial, AbVerdict } from '../lib/records/ab.ts';
import type { CountedRecord } from '../lib/records/counted.ts';
import {
  PAIRED_METHOD,
  gainOf,
  isNotEnough,
  median,
  notEnough,
  pairRatio,
  pairedEstimate,
  roundMedians,
  safeRatio,
  type Direction,
} from '../stats/index.ts';

/**
 * Noise thresholds of the A/B gate: a paired change smaller than these is never a
 * regression, however tight its interval. Set from the A/A calibration in
 * reports/calibration/ (see docs there); the error share is in percentage points.
 */
export const AB_THRESHOLDS = { rpsPct: 5, p95Pct: 10, benchPct: 5, errorPoints: 0.5, countedPct: 1 } as const;
export type AbThresholds = { -readonly [K in keyof typeof AB_THRESHOLDS]: number };

/**
 * Confidence asked of the interval of the median paired change (the sign test on the round
 * medians, stats/paired.ts): it needs 6 rounds at least; `ab --quick` runs 8, whose widest
 * interval [min, max] covers 1 − 2/2⁸ = 99.2 %, `--full` 12 (96.1 %).
 */
export const AB_CONFIDENCE = 0.95;

/** Why an A/B planned with `rounds` rounds can give no verdict, or undefined when it can. */
export function tooFewRounds(rounds: number, confidence = AB_CONFIDENCE): string | undefined {
  const n = notEnough(rounds, confidence, 'rounds');
  return rounds >= n.needed ? undefined : n.reason;
}

/**
 * The decision on paired ratios: regressed when the median change is worse than the
 * threshold AND the whole interval lies on the worse side of "no change"; improved
 * symmetrically; otherwise no significant change.
 */
export function judgeRatios(
  low: number,
  mid: number,
  high: number,
  direction: Direction,
  thresholdPct: number,
): AbVerdict {
  const t = 1 + thresholdPct / 100;
  const g = gainOf(mid, direction);
  const gLow = direction === 'higher' ? low : gainOf(high, direction);
  const gHigh = direction === 'higher' ? high : gainOf(low, direction);
  if (g < 1 / t && gHigh < 1) return 'regressed';
  if (g > t && gLow > 1) return 'improved';
  return 'no significant change';
}

/** The same rule on differences in percentage points (higher is worse: error shares). */
export function judgePoints(low: number, mid: number, high: number, thresholdPoints: number): AbVerdict {
  if (mid > thresholdPoints && low > 0) return 'regressed';
  if (mid < -thresholdPoints && high < 0) return 'improved';
  return 'no significant change';
}

interface Series {
  key: string;
  name: string;
  unit: string;
  direction: Direction;
  scale: AbMetric['scale'];
  threshold: number;
  gating: boolean;
  base: (number | null)[];
  cand: (number | null)[];
  /** The round of each pair (parallel to base and cand): pairs of one round are a cluster. */
  rounds: number[];
  /** Why a round of the candidate (or the baseline) has no value. */
  candFailures: string[];
  baseFailures: string[];
}

function metricOf(s: Series): AbMetric {
  const pairs: number[] = [];
  const pairRounds: number[] = [];
  const byRound = new Map<number, number[]>();
  const silent = { candidate: 0, baseline: 0, both: 0 };
  for (let i = 0; i < s.base.length; i++) {
    const b = s.base[i];
    const c = s.cand[i];
    if (b === null || b === undefined || c === null || c === undefined) continue;
    // A slice that answered nothing (a stall: 0 rps, no latency) makes no ratio: not 0/x, not
    // x/0, and never 0/0 = 1 (no change). Such pairs are left out and counted in the note.
    const value = s.scale === 'ratio' ? pairRatio(c, b) : c - b;
    if (value === null) {
      const answered = (x: number) => x > 0 && Number.isFinite(x);
      silent[answered(c) ? 'baseline' : answered(b) ? 'candidate' : 'both']++;
      continue;
    }
    pairs.push(value);
    pairRounds.push(s.rounds[i]!);
    byRound.set(s.rounds[i]!, [...(byRound.get(s.rounds[i]!) ?? []), value]);
  }
  const values = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);
  const left = silent.candidate + silent.baseline + silent.both;
  const note =
    left > 0
      ? `${left} of ${left + pairs.length} pairs left out, a side answered nothing ` +
        `(candidate ${silent.candidate}, baseline ${silent.baseline}${silent.both ? `, both ${silent.both}` : ''}): ` +
        'not counted as no change'
      : undefined;
  const common = {
    key: s.key,
    name: s.name,
    unit: s.unit,
    direction: s.direction,
    scale: s.scale,
    gating: s.gating,
    threshold: s.threshold,
    baselineMedian: values(s.base).length ? median(values(s.base)) : null,
    candidateMedian: values(s.cand).length ? median(values(s.cand)) : null,
    paired: pairs,
    pairRounds,
    method: PAIRED_METHOD,
    confidence: AB_CONFIDENCE,
    rounds: byRound.size,
    ...(note ? { note } : {}),
  };
  const noInterval = { low: null, high: null, coverage: null };
  const failure = s.candFailures[0] ?? s.baseFailures[0];
  if (failure !== undefined || pairs.length === 0) {
    const side = s.candFailures.length ? 'candidate' : 'baseline';
    const reason =
      failure !== undefined
        ? `${side}: ${failure}`
        : left > 0
          ? `no pair has an answer on both sides (${note})`
          : 'no round has a value on both sides';
    return { ...common, ...noInterval, median: null, verdict: 'failed', reason };
  }
  const est = pairedEstimate([...byRound.values()], AB_CONFIDENCE);
  if (isNotEnough(est)) {
    // The estimate is shown; without an interval it is no verdict.
    const meds = roundMedians([...byRound.values()]);
    return { ...common, ...noInterval, median: median(meds), verdict: 'not enough rounds', reason: est.reason };
  }
  const verdict =
    s.scale === 'ratio'
      ? judgeRatios(est.low, est.estimate, est.high, s.direction, s.threshold)
      : judgePoints(est.low, est.estimate, est.high, s.threshold);
  return {
    ...common,
    median: est.estimate,
    low: est.low,
    high: est.high,
    coverage: est.coverage,
    verdict,
  };
}

const failureOf = (t: { status: string; reason?: string | undefined } | undefined) =>
  t === undefined ? 'missing' : t.status === 'ok' ? null : (t.reason ?? t.status);

type Sample = AbTrial | AbBenchSample;
type Side = 'baseline' | 'candidate';

/** The pairing unit of a sample: a pair of neighbouring load slices, or a round of microbenchmarks. */
const pairOf = (s: Sample): number => ('pair' in s ? s.pair : s.round);

/** One value per pair and side for samples of one arm, and why pairs have none. */
function byPair<S extends Sample>(samples: readonly S[], ids: readonly number[], side: Side, value: (s: S) => number) {
  const at = ids.map((id) => samples.find((s) => s.side === side && pairOf(s) === id));
  return {
    values: at.map((s) => (s && s.status === 'ok' ? value(s) : null)),
    failures: at.map(failureOf).filter((f): f is string => f !== null),
  };
}

function series<S extends Sample>(
  samples: readonly S[],
  rounds: number,
  value: (s: S) => number,
  meta: Omit<Series, 'base' | 'cand' | 'rounds' | 'candFailures' | 'baseFailures'>,
): Series {
  // Pairs of the rounds that finished, in order.
  const done = samples.filter((s) => s.round < rounds);
  const ids = [...new Set(done.map(pairOf))].sort((x, y) => x - y);
  const roundOf = new Map(done.map((s) => [pairOf(s), s.round]));
  const b = byPair(samples, ids, 'baseline', value);
  const c = byPair(samples, ids, 'candidate', value);
  return {
    ...meta,
    base: b.values,
    cand: c.values,
    rounds: ids.map((id) => roundOf.get(id)!),
    baseFailures: b.failures,
    candFailures: c.failures,
  };
}

function groups<S extends Sample>(samples: readonly S[], key: (s: S) => string): S[][] {
  const out = new Map<string, S[]>();
  for (const s of samples) out.set(key(s), [...(out.get(key(s)) ?? []), s]);
  return [...out.values()];
}

/**
 * Every metric of an A/B from its raw trials: per arm rps (2xx only), p95 and the error
 * share, each paired by neighbouring slices; per operation the microbenchmark ops/s, paired by round. A failed trial on
 * either side makes its metrics 'failed' (never dropped). Pure.
 */
export function judgeAb(input: {
  trials: readonly AbTrial[];
  bench: readonly AbBenchSample[];
  /** Exact counters per side: one value each, no interval (an exact count has no noise to bound). */
  counted?: { baseline: readonly CountedRecord[]; candidate: readonly CountedRecord[] };
  rounds: number;
  thresholds?: Partial<AbThresholds>;
}): AbMetric[] {
  const th = { ...AB_THRESHOLDS, ...input.thresholds };
  const n = input.rounds;
  const out: Series[] = [];
  for (const arm of groups(input.trials, (t) => `${t.scenario}/${t.profile}`)) {
    const { scenario, profile } = arm[0]!;
    const id = `ab/${scenario}/${profile}`;
    const label = `${scenario} · ${profile}`;
    const ratio = { direction: 'higher' as Direction, scale: 'ratio' as const, gating: true };
    out.push(
      series(arm, n, (t) => t.rps, {
        ...ratio,
        key: `${id}/rps`,
        name: `${label} · rps (2xx)`,
        unit: 'req/s',
        threshold: th.rpsPct,
      }),
    );
    out.push(
      series(arm, n, (t) => t.p95Ms, {
        ...ratio,
        direction: 'lower',
        key: `${id}/p95`,
        name: `${label} · p95`,
        unit: 'ms',
        threshold: th.p95Pct,
      }),
    );
    out.push(
      series(arm, n, (t) => t.errorPct, {
        ...ratio,
        direction: 'lower',
        scale: 'points',
        key: `${id}/errors`,
        name: `${label} · errors`,
        unit: '%',
        threshold: th.errorPoints,
      }),
    );
  }
  for (const op of groups(input.bench, (b) => `${b.op}/${b.profile}`)) {
    const { op: name, profile } = op[0]!;
    out.push(
      series(op, n, (b) => b.opsPerSec, {
        key: `ab/bench/${name}/${profile}/ops`,
        name: `${name} · ${profile} · ops/s`,
        unit: 'ops/s',
        direction: 'higher',
        scale: 'ratio',
        threshold: th.benchPct,
        // Shown, not gating: each side's microbenchmarks run in its own process seconds
        // apart, and this VM's speed swings within a second, so a round's pair is not a
        // pair (A/A, 8 rounds: single ratios 0.5-1.9, the median interval 0.6-1.0 wide).
        // A crashed run still fails the gate; exact costs gate through --counted.
        gating: false,
      }),
    );
  }
  return [...out.map(metricOf), ...countedMetrics(input.counted, th.countedPct)];
}

const COUNTERS = [
  { field: 'instructionsPerOp', id: 'instructions', label: 'instructions/op', unit: 'instructions' },
  { field: 'fsyncPerOp', id: 'fsync', label: 'fsync/op', unit: 'fsync' },
  { field: 'writeBytesPerOp', id: 'write-bytes', label: 'bytes written/op', unit: 'B' },
] as const;

/** Exact counters: candidate / baseline per operation, profile and counter, against a small threshold. */
function countedMetrics(
  counted: { baseline: readonly CountedRecord[]; candidate: readonly CountedRecord[] } | undefined,
  thresholdPct: number,
): AbMetric[] {
  if (!counted) return [];
  const out: AbMetric[] = [];
  for (const b of counted.baseline) {
    const c = counted.candidate.find((x) => x.op === b.op && x.profile === b.profile);
    for (const k of COUNTERS) {
      const bv = b.status === 'ok' ? b[k.field] : null;
      const cv = c && c.status === 'ok' ? c[k.field] : null;
      const common = {
        key: `ab/counted/${b.op}/${b.profile}/${k.id}`,
        name: `${b.op} · ${b.profile} · ${k.label}`,
        unit: k.unit,
        direction: 'lower' as const,
        scale: 'ratio' as const,
        gating: true,
        threshold: thresholdPct,
        baselineMedian: bv,
        candidateMedian: cv,
        method: 'exact' as const,
        confidence: null,
      };
      if (b.status === 'skipped' && (!c || c.status === 'skipped')) continue;
      if (bv === null || cv === null) {
        if (k.id === 'instructions' && b.status === 'ok' && c?.status === 'ok') continue; // strace-only run
        const reason = !c
          ? 'candidate: not counted'
          : c.status !== 'ok'
            ? `candidate: ${c.reason ?? c.status}`
            : `baseline: ${b.reason ?? b.status}`;
        out.push({
          ...common,
          paired: [],
          pairRounds: [],
          median: null,
          low: null,
          high: null,
          coverage: null,
          verdict: 'failed',
          reason,
        });
        continue;
      }
      // Exact counts have no noise to bound: the ratio is the change, with no interval and no coverage.
      const r = safeRatio(cv, bv);
      const verdict = judgeRatios(r, r, r, 'lower', thresholdPct);
      out.push({ ...common, paired: [r], pairRounds: [0], median: r, low: r, high: r, coverage: null, verdict });
    }
  }
  return out;
}

/**
 * Exit code of an A/B: 1 on any problem, any failed metric (gating or shown) or any gating
 * regression; else 2 when a gating metric has not enough rounds for a verdict; else 0.
 */
export function abExitCode(metrics: readonly AbMetric[], problems: readonly string[]): 0 | 1 | 2 {
  if (problems.length > 0) return 1;
  if (metrics.some((m) => m.verdict === 'failed' || (m.gating && m.verdict === 'regressed'))) return 1;
  return notEnoughRounds(metrics) === undefined ? 0 : 2;
}

/** The reason of the first gating metric without a verdict for want of rounds (the one-line error of exit 2). */
export function notEnoughRounds(metrics: readonly AbMetric[]): string | undefined {
  return metrics.find((m) => m.gating && m.verdict === 'not enough rounds')?.reason;
}
