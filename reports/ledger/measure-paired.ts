import { BUILT_IN_ERROR_BUDGET_PCT, isBuiltInScenario } from '../../load/degraded.ts';
import type { PairedComparison, PairedPurpose, PairedSlice } from '../../lib/records/paired.ts';
import type { RunResults } from '../../lib/records/run.ts';
import type { Measurement } from './measure.ts';
import { isNotEnough, median, pairRatio, pairedEstimate, type Direction } from '../../stats/index.ts';

/** What a paired comparison is judged on: throughput (2xx/s), p95, and the reads of a mixed scenario. */
export type PairedMetric = 'rps' | 'p95' | 'readRps' | 'readP95';

const METRICS: Record<PairedMetric, { direction: Direction; value: (s: PairedSlice) => number | undefined }> = {
  rps: { direction: 'higher', value: (s) => s.rps },
  p95: { direction: 'lower', value: (s) => s.p95Ms },
  readRps: { direction: 'higher', value: (s) => s.readRps },
  readP95: { direction: 'lower', value: (s) => s.readP95Ms },
};

/** A paired gain (> 1 better whatever the metric's direction) with its interval, from the stats core. */
export interface PairedGain {
  gain: number;
  low: number;
  high: number;
  coverage: number;
  confidence: number;
  rounds: number;
  pairs: number;
  /** Median of each side's slices (absolute figures, for the reader). */
  baselineMedian: number;
  candidateMedian: number;
  /** Slices that did not pair: failed or stalled, per side. */
  unpaired: { baseline: number; candidate: number };
  /** e.g. "6 rounds, 48 pairs, sign-test interval of round medians, coverage 96.9 %". */
  method: string;
}

export type PairedOutcome = PairedGain | { unavailable: string };

/** The comparison of a purpose on a scenario (any scenario when none is named). */
export function pairedComparison(
  run: RunResults,
  purpose: PairedPurpose,
  scenario?: string,
): PairedComparison | undefined {
  return run.paired?.comparisons.find(
    (c) => c.purpose === purpose && (scenario === undefined || c.scenario === scenario),
  );
}

const pct1 = (x: number) => `${(Math.round(x * 1000) / 10).toString()} %`;

/**
 * The paired gain of one comparison on one metric: per round, the median of the ratios of
 * neighbouring slices (candidate over baseline); the interval is the sign-test interval of
 * the round medians at the run's confidence. A pair with a side that answered nothing is no
 * pair (counted, never a ratio of 1). Too few rounds: no interval, so no verdict. Pure.
 */
export function pairedGain(cmp: PairedComparison, metric: PairedMetric, confidence: number): PairedOutcome {
  const m = METRICS[metric];
  const byRound = new Map<number, number[]>();
  const unpaired = { baseline: 0, candidate: 0 };
  const sides: Record<'baseline' | 'candidate', number[]> = { baseline: [], candidate: [] };
  const slots = new Map<string, Partial<Record<'baseline' | 'candidate', PairedSlice>>>();
  for (const s of cmp.slices) {
    const key = `${s.round}/${s.pair}`;
    slots.set(key, { ...slots.get(key), [s.side]: s });
    if (s.status !== 'ok') unpaired[s.side]++;
    else {
      const v = m.value(s);
      if (v !== undefined && v > 0) sides[s.side].push(v);
    }
  }
  for (const [key, slot] of slots) {
    const b = slot.baseline;
    const c = slot.candidate;
    if (!b || !c || b.status !== 'ok' || c.status !== 'ok') continue;
    const bv = m.value(b);
    const cv = m.value(c);
    if (bv === undefined || cv === undefined) continue;
    const r = pairRatio(cv, bv);
    if (r === null) continue;
    const round = Number(key.split('/')[0]);
    byRound.set(round, [...(byRound.get(round) ?? []), r]);
  }
  const label = `${cmp.candidate.profile}${cmp.candidate.topology === 'single' ? '' : ` ${cmp.candidate.topology}`} vs ${cmp.baseline.profile}${cmp.baseline.topology === 'single' ? '' : ` ${cmp.baseline.topology}`}`;
  if (sides.baseline.length === 0 || sides.candidate.length === 0) {
    const side = sides.baseline.length === 0 ? 'baseline' : 'candidate';
    return {
      unavailable: `${label} on '${cmp.scenario}': the ${side} (${cmp[side].profile}) answered no ${metric === 'rps' || metric === 'p95' ? '' : 'read '}request in any slice${cmp.problems[0] ? ` (${cmp.problems[0]})` : ''}`,
    };
  }
  const degraded = degradedSide(cmp);
  if (degraded) return { unavailable: `${label} on '${cmp.scenario}': degraded: ${degraded}` };
  const est = pairedEstimate([...byRound.values()], confidence);
  if (isNotEnough(est)) return { unavailable: `${label} on '${cmp.scenario}': ${est.reason}` };
  const gain = (r: number) => (m.direction === 'higher' ? r : 1 / r);
  return {
    gain: gain(est.estimate),
    low: m.direction === 'higher' ? est.low : 1 / est.high,
    high: m.direction === 'higher' ? est.high : 1 / est.low,
    coverage: est.coverage,
    confidence,
    rounds: est.rounds,
    pairs: est.pairs,
    baselineMedian: median(sides.baseline),
    candidateMedian: median(sides.candidate),
    unpaired,
    method: `${est.rounds} rounds, ${est.pairs} pairs of ${cmp.connections}-connection slices, sign-test interval of the round medians, coverage ${pct1(est.coverage)}`,
  };
}

/**
 * A side of a built-in scenario whose requests failed beyond the budget a built-in arm has
 * (load/degraded.ts), over all its slices: the comparison measured an overloaded server and
 * is left out of every verdict. Why, or undefined.
 */
export function degradedSide(cmp: PairedComparison): string | undefined {
  if (!isBuiltInScenario({ name: cmp.scenario })) return undefined;
  for (const side of ['baseline', 'candidate'] as const) {
    const slices = cmp.slices.filter((s) => s.side === side && s.status !== 'failed');
    const attempts = slices.reduce((n, s) => n + s.requests + s.errors + s.timeouts, 0);
    const bad = slices.reduce((n, s) => n + (s.errorPct / 100) * (s.requests + s.errors + s.timeouts), 0);
    const share = attempts === 0 ? 0 : (100 * bad) / attempts;
    if (share > BUILT_IN_ERROR_BUDGET_PCT)
      return `the ${side} (${cmp[side].profile}) failed ${share.toFixed(1)} % of its ${attempts} requests, over the ${BUILT_IN_ERROR_BUDGET_PCT} % a built-in arm allows`;
  }
  return undefined;
}

/** The run's paired gain for a purpose, scenario and metric, or why there is none. */
export function runPairedGain(
  run: RunResults,
  purpose: PairedPurpose,
  scenario: string,
  metric: PairedMetric,
): PairedOutcome {
  if (!run.paired)
    return {
      unavailable:
        'no paired stage in this run (paired.enabled is false, or the results predate it): sequential trials give no interval of known coverage',
    };
  const cmp = pairedComparison(run, purpose, scenario);
  if (!cmp) return { unavailable: `the paired stage has no ${purpose} comparison on '${scenario}'` };
  return pairedGain(cmp, metric, run.paired.confidence);
}

/** The paired outcome as a ledger measurement (the interval and its coverage come from stats/). */
export function fromPaired(g: PairedOutcome, benchmark: string, detail: (g: PairedGain) => string): Measurement {
  if ('unavailable' in g) return { unavailable: g.unavailable };
  return { gain: g.gain, low: g.low, high: g.high, benchmark: `${benchmark}; ${g.method}`, detail: detail(g) };
}

/**
 * A profile's absolute figure on a scenario from the paired stage: the median over its slices
 * in every single-topology comparison that served it (for the headline when the sequential
 * load stage did not run). null when no slice answered.
 */
export function pairedProfileMedian(
  run: RunResults,
  scenario: string,
  profile: string,
  metric: 'rps' | 'p95',
): number | null {
  const values: number[] = [];
  for (const c of run.paired?.comparisons ?? []) {
    if (c.scenario !== scenario || c.purpose === 'pool' || c.purpose === 'wal-under-writes' || c.purpose === 'aa')
      continue;
    for (const side of ['baseline', 'candidate'] as const) {
      if (c[side].profile !== profile || c[side].topology !== 'single') continue;
      for (const s of c.slices)
        if (s.side === side && s.status === 'ok') values.push(metric === 'rps' ? s.rps : s.p95Ms);
    }
  }
  return values.length ? median(values) : null;
}
