import type { AbBenchSample, AbMetric, AbTrial, AbVerdict } from '../lib/records/ab.ts';
import type { CountedRecord } from '../lib/records/counted.ts';
import { countedMetrics } from './judge-counted.ts';
import {
  PAIRED_METHOD,
  canReject,
  familyConfidence,
  isNotEnough,
  median,
  medianInterval,
  pairRatio,
  type Direction,
} from '../stats/index.ts';

export {
  AB_CONFIDENCE,
  AB_THRESHOLDS,
  GATING_PER_ARM,
  isRegression,
  judgePoints,
  judgeRatios,
  tooFewRounds,
  type AbThresholds,
} from './verdict-rule.ts';
import {
  AB_CONFIDENCE,
  AB_THRESHOLDS,
  isRegression,
  judgePoints,
  judgeRatios,
  type AbThresholds,
} from './verdict-rule.ts';

interface Series {
  key: string;
  name: string;
  unit: string;
  direction: Direction;
  scale: AbMetric['scale'];
  threshold: number;
  gating: boolean;
  /**
   * Throughput: a round where a slice stalled (no response) is judged on its answered work,
   * the candidate's total over the baseline's, so a side that stalls loses what it did not
   * answer. Other metrics leave stalled slices out (they have no latency to pair).
   */
  work: boolean;
  base: (number | null)[];
  cand: (number | null)[];
  baseStalled: boolean[];
  candStalled: boolean[];
  /** The round of each pair (parallel to base and cand): pairs of one round are a cluster. */
  rounds: number[];
  /** Why the arm cannot be judged: a block was refused (its baseline too slow to slice). */
  refused?: string;
  /** Why a round of the candidate (or the baseline) has no value (failures, not stalls). */
  candFailures: string[];
  baseFailures: string[];
}

type Prepared =
  | { common: Omit<AbMetric, 'median' | 'low' | 'high' | 'coverage' | 'verdict'>; failed: string }
  | { common: Omit<AbMetric, 'median' | 'low' | 'high' | 'coverage' | 'verdict'>; unjudged: string }
  | { common: Omit<AbMetric, 'median' | 'low' | 'high' | 'coverage' | 'verdict'>; values: number[] };

const count = (xs: readonly boolean[]) => xs.filter(Boolean).length;

/** One value per round (see Series.work), the pairs behind them, and notes; or why the metric failed. */
function prepare(s: Series): Prepared {
  const pairs: number[] = [];
  const pairRounds: number[] = [];
  const byRound = new Map<number, { ratios: number[]; b: number; c: number; stalled: number; n: number }>();
  const silent = { candidate: 0, baseline: 0, both: 0 };
  for (let i = 0; i < s.base.length; i++) {
    const b = s.base[i];
    const c = s.cand[i];
    if (b === null || b === undefined || c === null || c === undefined) continue;
    const r = s.rounds[i]!;
    const round = byRound.get(r) ?? { ratios: [], b: 0, c: 0, stalled: 0, n: 0 };
    byRound.set(r, round);
    round.n++;
    round.b += b;
    round.c += c;
    // Throughput: a slice with no 2xx answer (stalled, or every answer an error) is lost work.
    if (s.baseStalled[i] || s.candStalled[i] || (s.work && (b === 0 || c === 0))) round.stalled++;
    // A slice that answered nothing makes no ratio: not 0/x, not x/0, and never 0/0 = 1.
    const value = s.scale === 'ratio' ? pairRatio(c, b) : c - b;
    if (value === null) {
      const answered = (x: number) => x > 0 && Number.isFinite(x);
      silent[answered(c) ? 'baseline' : answered(b) ? 'candidate' : 'both']++;
      continue;
    }
    pairs.push(value);
    pairRounds.push(r);
    round.ratios.push(value);
  }
  const values = (xs: (number | null)[]) => xs.filter((x): x is number => x !== null);
  const left = silent.candidate + silent.baseline + silent.both;
  const stalls = { candidate: count(s.candStalled), baseline: count(s.baseStalled) };
  const notes: string[] = [];
  if (s.work && stalls.candidate + stalls.baseline > 0)
    notes.push(
      `stalled slices (no response): candidate ${stalls.candidate}, baseline ${stalls.baseline} of ` +
        `${s.cand.length} each; their rounds are judged on answered work (candidate total / baseline total)`,
    );
  const noTwoXx = s.work
    ? {
        candidate: s.cand.filter((v, i) => v === 0 && !s.candStalled[i]).length,
        baseline: s.base.filter((v, i) => v === 0 && !s.baseStalled[i]).length,
      }
    : { candidate: 0, baseline: 0 };
  if (noTwoXx.candidate + noTwoXx.baseline > 0)
    notes.push(
      `slices answered only with errors (no 2xx): candidate ${noTwoXx.candidate}, baseline ${noTwoXx.baseline}; ` +
        'their rounds are judged on answered work',
    );
  if (left > 0)
    notes.push(
      `${left} of ${left + pairs.length} pairs left out, a side answered nothing ` +
        `(candidate ${silent.candidate}, baseline ${silent.baseline}${silent.both ? `, both ${silent.both}` : ''}): ` +
        'not counted as no change',
    );
  const roundValues: number[] = [];
  let stalledRound: string | undefined;
  for (const [r, round] of [...byRound.entries()].sort(([x], [y]) => x - y)) {
    if (s.work && round.stalled > 0) {
      // Answered work of the round: a side that stalled in every slice has none.
      if (round.c === 0 || round.b === 0) {
        const who = round.c === 0 && round.b === 0 ? 'both sides' : round.c === 0 ? 'candidate' : 'baseline';
        stalledRound ??= `${who} answered no request with a 2xx in any slice of round ${r + 1} (stalled or erroring)`;
        continue;
      }
      roundValues.push(round.c / round.b);
    } else if (round.ratios.length > 0) roundValues.push(median(round.ratios));
  }
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
    roundValues,
    method: PAIRED_METHOD,
    rounds: roundValues.length,
    ...(s.work ? { stalled: stalls } : {}),
    ...(notes.length ? { note: notes.join('; ') } : {}),
  };
  if (s.refused !== undefined) return { common, unjudged: s.refused };
  const failure = s.candFailures[0] ?? s.baseFailures[0];
  if (failure !== undefined)
    return { common, failed: `${s.candFailures.length ? 'candidate' : 'baseline'}: ${failure}` };
  if (stalledRound) return { common, failed: stalledRound };
  if (roundValues.length === 0)
    return {
      common,
      failed:
        left > 0
          ? silent.candidate + silent.baseline === 0
            ? `both sides answered nothing (${left} of ${left} pairs)`
            : `no pair has an answer on both sides (${notes.join('; ')})`
          : 'no round has a value on both sides',
    };
  return { common, values: roundValues };
}

/** The verdict of a prepared metric at the confidence its family asks. */
function judged(p: Prepared, confidence: number, familySize: number | null, s: Series): AbMetric {
  const noInterval = { low: null, high: null, coverage: null };
  const common = { ...p.common, confidence, ...(familySize !== null ? { familySize } : {}) };
  if ('failed' in p) return { ...common, ...noInterval, median: null, verdict: 'failed', reason: p.failed };
  if ('unjudged' in p)
    return { ...common, ...noInterval, median: null, verdict: 'cannot be judged', reason: p.unjudged };
  const ci = medianInterval(p.values, confidence, 'rounds');
  if (isNotEnough(ci))
    return { ...common, ...noInterval, median: median(p.values), verdict: 'not enough rounds', reason: ci.reason };
  const verdict =
    s.scale === 'ratio'
      ? judgeRatios(ci.low, ci.median, ci.high, s.direction, s.threshold)
      : judgePoints(ci.low, ci.median, ci.high, s.threshold);
  return { ...common, median: ci.median, low: ci.low, high: ci.high, coverage: ci.coverage, verdict };
}

const failureOf = (t: { status: string; reason?: string | undefined } | undefined) =>
  t === undefined
    ? 'missing'
    : t.status === 'ok' || t.status === 'stalled' || t.status === 'refused'
      ? null
      : (t.reason ?? t.status);

type Sample = AbTrial | AbBenchSample;
type Side = 'baseline' | 'candidate';

/** The pairing unit of a sample: a pair of neighbouring load slices, or a round of microbenchmarks. */
const pairOf = (s: Sample): number => ('pair' in s ? s.pair : s.round);

/**
 * One value per pair and side for samples of one arm, which pairs stalled, and why pairs
 * have none. A stalled slice (no response) is worth 0 to throughput (`work`) and nothing to
 * the other metrics.
 */
function byPair<S extends Sample>(
  samples: readonly S[],
  ids: readonly number[],
  side: Side,
  value: (s: S) => number,
  work: boolean,
) {
  const at = ids.map((id) => samples.find((s) => s.side === side && pairOf(s) === id));
  return {
    values: at.map((s) => (s?.status === 'ok' ? value(s) : s?.status === 'stalled' && work ? 0 : null)),
    stalled: at.map((s) => s?.status === 'stalled'),
    failures: at.map(failureOf).filter((f): f is string => f !== null),
    refused: at.find((s) => s?.status === 'refused')?.reason,
  };
}

function series<S extends Sample>(
  samples: readonly S[],
  rounds: number,
  value: (s: S) => number,
  meta: Omit<
    Series,
    'base' | 'cand' | 'rounds' | 'candFailures' | 'baseFailures' | 'baseStalled' | 'candStalled' | 'work'
  > & { work?: boolean },
): Series {
  // Pairs of the rounds that finished, in order.
  const done = samples.filter((s) => s.round < rounds);
  const ids = [...new Set(done.map(pairOf))].sort((x, y) => x - y);
  const roundOf = new Map(done.map((s) => [pairOf(s), s.round]));
  const work = meta.work ?? false;
  const b = byPair(samples, ids, 'baseline', value, work);
  const c = byPair(samples, ids, 'candidate', value, work);
  return {
    ...meta,
    work,
    base: b.values,
    cand: c.values,
    baseStalled: b.stalled,
    candStalled: c.stalled,
    rounds: ids.map((id) => roundOf.get(id)!),
    baseFailures: b.failures,
    candFailures: c.failures,
    ...((b.refused ?? c.refused) ? { refused: (b.refused ?? c.refused)! } : {}),
  };
}

function groups<S extends Sample>(samples: readonly S[], key: (s: S) => string): S[][] {
  const out = new Map<string, S[]>();
  for (const s of samples) out.set(key(s), [...(out.get(key(s)) ?? []), s]);
  return [...out.values()];
}

/** The value of "no change" on a series' scale. */
const noChange = (s: Series) => (s.scale === 'ratio' ? 1 : 0);

/**
 * Every metric of an A/B from its raw trials: per arm rps (2xx only; answered work in a
 * round where a slice stalled), p95 and the error share, each paired by neighbouring
 * slices; per operation the microbenchmark ops/s, paired by round. A failed trial on either
 * side makes its metrics 'failed' (never dropped). The gating metrics are judged as one
 * family (Bonferroni), the others at 95 % each. Pure.
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
        work: true,
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
  // Bonferroni over the gating metrics that can reject at all (stats/family.ts).
  const prepared = out.map((s) => ({ s, p: prepare(s) }));
  const family = prepared.filter(({ s, p }) => s.gating && 'values' in p && canReject(p.values, noChange(s)));
  const m = Math.max(1, family.length);
  const load = prepared.map(({ s, p }) =>
    s.gating ? judged(p, familyConfidence(m), m, s) : judged(p, AB_CONFIDENCE, null, s),
  );
  return [...load, ...countedMetrics(input.counted, th.countedPct)];
}

/**
 * Exit code of an A/B: 1 on any problem, any failed metric (gating or shown) or any gating
 * regression (a small regression is shown, not failed); else 2 when a gating metric has not enough
 * rounds for a verdict or something asked for could not be measured (`notMeasured`: counters
 * without valgrind or strace); else 0.
 */
export function abExitCode(
  metrics: readonly AbMetric[],
  problems: readonly string[],
  notMeasured: readonly string[] = [],
): 0 | 1 | 2 {
  if (problems.length > 0) return 1;
  if (metrics.some((m) => m.verdict === 'failed' || (m.gating && isRegression(m.verdict)))) return 1;
  return notEnoughRounds(metrics) === undefined && nothingJudged(metrics) === undefined && notMeasured.length === 0
    ? 0
    : 2;
}

/**
 * Why no gating metric could be judged (every one 'cannot be judged': each arm's baseline
 * too slow to slice), or undefined: a gate that checked nothing does not pass.
 */
export function nothingJudged(metrics: readonly AbMetric[]): string | undefined {
  const gating = metrics.filter((m) => m.gating);
  if (gating.length === 0 || gating.some((m) => m.verdict !== 'cannot be judged')) return undefined;
  return `no gating metric can be judged: ${gating[0]!.name.split(' · ').slice(0, 2).join(' · ')}: ${gating[0]!.reason}`;
}

/** The reason of the first gating metric without a verdict for want of rounds (the one-line error of exit 2). */
export function notEnoughRounds(metrics: readonly AbMetric[]): string | undefined {
  return metrics.find((m) => m.gating && m.verdict === 'not enough rounds')?.reason;
}
