/**
 * The crossover's verdicts, computed from the records alone (pure). At each point the two
 * engines ran once per round, so each round gives a paired ratio: PostgreSQL's throughput
 * over SQLite's, and SQLite's p95 over PostgreSQL's (both > 1 when PostgreSQL does better).
 * The interval of the median paired ratio is the sign-test interval (stats/sign-test.ts): with few
 * rounds it is the whole range of the rounds, and its coverage is printed. A side is ahead
 * only when the whole interval lies beyond the noise band; a point where either engine
 * failed (or a write audit failed) gives no verdict.
 */
import { isNotEnough, median as coreMedian, medianInterval, minCountFor } from '../stats/index.ts';
import type { CrossoverDimension, CrossoverFile, CrossoverRecord } from '../lib/records/crossover.ts';
import { CROSSOVER_PRESETS, type DimensionPlan } from './plan.ts';

export type PointState = 'postgres ahead' | 'sqlite ahead' | 'within noise' | 'too few rounds' | 'failed';

/**
 * The confidence of a point's interval (stats/sign-test.ts): the crossover's presets run 3
 * paired rounds, whose widest interval [min, max] covers the median 75 % of the time; fewer
 * rounds than that confidence needs give no side the lead ("too few rounds").
 */
export const CROSSOVER_CONFIDENCE = 0.75;
export const MIN_ROUNDS = minCountFor(CROSSOVER_CONFIDENCE);

/** A trial with more non-2xx answers, errors and timeouts than this (percent) gives its point no verdict. */
export const MAX_ERROR_PCT = 1;

export interface RatioSummary {
  median: number;
  low: number;
  high: number;
  coverage: number;
  state: PointState;
}

export interface PointVerdict {
  value: number;
  /** The value in the dimension's unit (size: MB of the SQLite file). */
  shown: number;
  sqlite: { rps: number | null; p95Ms: number | null };
  postgres: { rps: number | null; p95Ms: number | null };
  /** PostgreSQL rps / SQLite rps, per round paired. */
  throughput: RatioSummary | null;
  /** SQLite p95 / PostgreSQL p95, per round paired. */
  p95: RatioSummary | null;
  /** Why there is no verdict (a failed trial, a failed audit). */
  failure?: string;
}

export interface Crossing {
  /** 'at' is the first value (shown unit) where PostgreSQL is ahead, 'after' the last value before it (null: ahead from the first). */
  at: number | null;
  after: number | null;
  /** In words, with the interval at the crossing. */
  text: string;
}

export interface DimensionVerdict {
  plan: DimensionPlan;
  points: PointVerdict[];
  throughput: Crossing;
  p95: Crossing;
  /** The guide's threshold judged from the throughput crossing. */
  ledger: {
    verdict:
      'confirmed' | 'earlier than claimed' | 'later than claimed' | 'not confirmed' | 'not reached' | 'no verdict';
    reason: string;
  };
}

const median = (xs: number[]): number | null => (xs.length === 0 ? null : coreMedian(xs));

function summarize(ratios: number[], band: number): RatioSummary | null {
  if (ratios.length === 0) return null;
  const i = medianInterval(ratios, CROSSOVER_CONFIDENCE);
  if (isNotEnough(i)) {
    const m = coreMedian(ratios);
    return { median: m, low: Math.min(...ratios), high: Math.max(...ratios), coverage: 0, state: 'too few rounds' };
  }
  const state: PointState =
    i.low > 1 + band ? 'postgres ahead' : i.high < 1 / (1 + band) ? 'sqlite ahead' : 'within noise';
  return { median: i.median, low: i.low, high: i.high, coverage: i.coverage, state };
}

const fmtRatio = (r: RatioSummary) =>
  `×${r.median.toFixed(2)} [${r.low.toFixed(2)}, ${r.high.toFixed(2)}] (${Math.round(r.coverage * 100)} % coverage)`;

function crossing(
  points: PointVerdict[],
  pick: (p: PointVerdict) => RatioSummary | null,
  unit: string,
  what: string,
): Crossing {
  const judged = points.filter((p) => pick(p) !== null);
  const first = judged.findIndex((p) => pick(p)!.state === 'postgres ahead');
  const last = points[points.length - 1];
  if (first < 0) {
    const sqliteAhead = judged.filter((p) => pick(p)!.state === 'sqlite ahead').length;
    return {
      at: null,
      after: last ? last.shown : null,
      text: `no crossover on ${what} up to ${last ? `${fmt(last.shown)} ${unit}` : 'the last value'}: PostgreSQL ahead nowhere (SQLite ahead at ${sqliteAhead} of ${judged.length} points${judged.length < points.length ? `, ${points.length - judged.length} without a verdict` : ''}, the rest within noise or too few rounds)`,
    };
  }
  const p = judged[first]!;
  const before = first > 0 ? judged[first - 1]! : null;
  return {
    at: p.shown,
    after: before ? before.shown : null,
    text: before
      ? `PostgreSQL ahead on ${what} from ${fmt(p.shown)} ${unit} (${fmtRatio(pick(p)!)}), not at ${fmt(before.shown)} ${unit}: the crossing lies between`
      : `PostgreSQL ahead on ${what} already at the first value, ${fmt(p.shown)} ${unit} (${fmtRatio(pick(p)!)})`,
  };
}

const fmt = (x: number) => (Number.isInteger(x) ? String(x) : x.toFixed(x < 10 ? 2 : 0));

function ledgerOf(plan: DimensionPlan, c: Crossing, points: PointVerdict[]): DimensionVerdict['ledger'] {
  const T = plan.threshold;
  // Only points with a real verdict count: a failed point or one round proves nothing either way.
  const judged = points.filter((p) => p.throughput !== null && p.throughput.state !== 'too few rounds');
  if (judged.length === 0)
    return { verdict: 'no verdict', reason: 'no point of the sweep has a verdict (failed trials or too few rounds)' };
  const coverage = Math.min(...judged.map((p) => p.throughput!.coverage));
  const from = ` (intervals of ${Math.round(coverage * 100)} % coverage or more)`;
  const max = Math.max(...judged.map((p) => p.shown));
  if (c.at === null) {
    if (max < T)
      return {
        verdict: 'not reached',
        reason: `the sweep's judged values stop at ${fmt(max)} ${plan.unit}, below the threshold ${fmt(T)} ${plan.unit}, and PostgreSQL was ahead nowhere up to there${from}`,
      };
    return {
      verdict: 'not confirmed',
      reason: `PostgreSQL's throughput was not ahead at any value up to ${fmt(max)} ${plan.unit}, beyond the threshold ${fmt(T)}${from}`,
    };
  }
  const lo = c.after ?? -Infinity;
  if (T >= lo && T <= c.at)
    return {
      verdict: 'confirmed',
      reason: `the crossing lies in (${c.after === null ? '…' : fmt(lo)}, ${fmt(c.at)}] ${plan.unit}, which holds the threshold ${fmt(T)}${from}`,
    };
  if (c.at < T)
    return {
      verdict: 'earlier than claimed',
      reason: `PostgreSQL already ahead at ${fmt(c.at)} ${plan.unit}, below the threshold ${fmt(T)}${from}`,
    };
  return {
    verdict: 'later than claimed',
    reason: `PostgreSQL ahead only from ${fmt(c.at)} ${plan.unit}, not yet at ${fmt(lo)}, above the threshold ${fmt(T)}${from}`,
  };
}

/** Judges every dimension of a crossover file; `band` is the noise band as a fraction (0.15). */
export function judgeCrossover(file: CrossoverFile, preset: 'quick' | 'full' | null = null): DimensionVerdict[] {
  const band = file.noise.pct / 100;
  const dims = [...new Set(file.records.map((r) => r.dimension))] as CrossoverDimension[];
  const plans = preset ? CROSSOVER_PRESETS[preset].dimensions : [];
  const out: DimensionVerdict[] = [];
  for (const d of dims) {
    const recs = file.records.filter((r) => r.dimension === d);
    const values = [...new Set(recs.map((r) => r.value))].sort((a, b) => a - b);
    const plan =
      plans.find((p) => p.dimension === d) ??
      ({ ...CROSSOVER_PRESETS.full.dimensions.find((p) => p.dimension === d)!, values } as DimensionPlan);
    const shownOf = (v: number) =>
      d === 'size' ? (file.sizes.find((s) => s.scale === v)?.sqliteBytes ?? 0) / (1024 * 1024) : v;
    const points = values.map((value) =>
      pointVerdict(
        recs.filter((r) => r.value === value),
        value,
        shownOf(value),
        band,
      ),
    );
    const throughput = crossing(points, (p) => p.throughput, plan.unit, 'throughput');
    const p95 = crossing(points, (p) => p.p95, plan.unit, 'p95 latency');
    out.push({ plan: { ...plan, values }, points, throughput, p95, ledger: ledgerOf(plan, throughput, points) });
  }
  return out;
}

export function pointVerdict(recs: CrossoverRecord[], value: number, shown: number, band: number): PointVerdict {
  const side = (e: 'sqlite' | 'postgres') => recs.filter((r) => r.engine === e);
  const s = side('sqlite');
  const p = side('postgres');
  // Errors answered fast would flatter p95 (and non-2xx do not count as throughput): above 1 %, no verdict.
  const bad = recs.filter((r) => r.status !== 'ok' || r.auditOk === false || (r.errorPct ?? 0) > MAX_ERROR_PCT);
  const figures = (rs: CrossoverRecord[]) => ({
    rps: median(rs.flatMap((r) => (r.rps === null ? [] : [r.rps]))),
    p95Ms: median(rs.flatMap((r) => (r.p95Ms === null ? [] : [r.p95Ms]))),
  });
  const base = { value, shown, sqlite: figures(s), postgres: figures(p) };
  if (bad.length || s.length === 0 || p.length === 0)
    return {
      ...base,
      throughput: null,
      p95: null,
      failure: bad.length
        ? bad
            .map(
              (r) =>
                `${r.engine} round ${r.round + 1}: ${
                  r.status !== 'ok'
                    ? (r.reason ?? 'failed')
                    : r.auditOk === false
                      ? 'write audit failed'
                      : `${(r.errorPct ?? 0).toFixed(1)} % errors`
                }`,
            )
            .join('; ')
        : 'an engine has no trial here',
    };
  const rounds = [...new Set(recs.map((r) => r.round))].sort((a, b) => a - b);
  const tp: number[] = [];
  const lat: number[] = [];
  for (const round of rounds) {
    const a = s.find((r) => r.round === round);
    const b = p.find((r) => r.round === round);
    if (!a || !b) continue;
    if (a.rps && b.rps !== null) tp.push(b.rps / a.rps);
    if (a.p95Ms !== null && b.p95Ms) lat.push(a.p95Ms / b.p95Ms);
  }
  return { ...base, throughput: summarize(tp, band), p95: summarize(lat, band) };
}
