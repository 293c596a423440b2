import { describe, expect, it } from 'vitest';
import type { PairedComparison, PairedSlice } from '../../lib/records/paired.ts';
import { median } from '../../stats/index.ts';
import { sampleRun } from '../../test-support/records.ts';
import {
  consensusTruth,
  pairedComparisonRecord,
  pairedRecord,
  SAMPLE_PAIRED_TRUTHS,
  type PairedTruth,
} from '../../test-support/paired-records.ts';
import { pairedGain, runPairedGain, type PairedGain, type PairedOutcome } from './measure-paired.ts';

const gained = (g: PairedOutcome): PairedGain => {
  if ('unavailable' in g) throw new Error(`unavailable: ${g.unavailable}`);
  return g;
};

const readList = SAMPLE_PAIRED_TRUTHS[0]!; // tuned over untuned on read-list: ×1.25 rps, p95 5 -> 4 ms

/** Per round, the median of candidate / baseline over the pairs (computed here, independently). */
function roundMedians(c: PairedComparison, value: (s: PairedSlice) => number): number[] {
  const rounds = [...new Set(c.slices.map((s) => s.round))].sort((a, b) => a - b);
  return rounds.map((round) => {
    const of = c.slices.filter((s) => s.round === round && s.status === 'ok');
    const pairs = [...new Set(of.map((s) => s.pair))].flatMap((pair) => {
      const b = of.find((s) => s.pair === pair && s.side === 'baseline');
      const k = of.find((s) => s.pair === pair && s.side === 'candidate');
      return b && k ? [value(k) / value(b)] : [];
    });
    return median(pairs);
  });
}

describe('pairedGain', () => {
  it('is the median of the round medians of neighbouring-slice ratios, its interval the sign test of the round medians', () => {
    const c = pairedComparisonRecord(readList);
    const meds = roundMedians(c, (s) => s.rps);
    const g = gained(pairedGain(c, 'rps', 0.95));
    expect(g.gain).toBeCloseTo(median(meds), 12);
    // 6 rounds at 95 %: the interval is [min, max] of the round medians, coverage 1 − 2/64.
    expect(g.low).toBeCloseTo(Math.min(...meds), 12);
    expect(g.high).toBeCloseTo(Math.max(...meds), 12);
    expect(g.coverage).toBeCloseTo(1 - 2 / 64, 12);
    expect(g).toMatchObject({ rounds: 6, pairs: 24, confidence: 0.95, unpaired: { baseline: 0, candidate: 0 } });
    expect(g.low).toBeLessThan(1.25);
    expect(g.high).toBeGreaterThan(1.25);
    expect(g.method).toBe(
      '6 rounds, 24 pairs of 16-connection slices, sign-test interval of the round medians, coverage 96.9 %',
    );
    expect(g.baselineMedian).toBeCloseTo(median(c.slices.filter((s) => s.side === 'baseline').map((s) => s.rps)), 9);
  });

  it('pairs only the two neighbouring slices of one round, never across pairs or rounds', () => {
    // Pair 0 of round 0 slow on both sides (×0.5), every other pair at full speed: a correct
    // pairing still sees ×1.25 in every pair; pairing across pairs would see ×2.5 or ×0.625.
    const c = pairedComparisonRecord(readList, { sliceNoise: 0, roundNoise: 0 });
    const slow = c.slices.map((s) => (s.round === 0 && s.pair === 0 ? { ...s, rps: s.rps * 0.5 } : s));
    // And round 1 twice as fast on both sides: a ratio of rounds would be off, a pair's is not.
    const fast = slow.map((s) => (s.round === 1 ? { ...s, rps: s.rps * 2 } : s));
    const g = gained(pairedGain({ ...c, slices: fast }, 'rps', 0.95));
    expect(g.gain).toBeCloseTo(1.25, 9);
    expect(g.low).toBeCloseTo(1.25, 9);
    expect(g.high).toBeCloseTo(1.25, 9);
    // The order within a pair does not matter: A B and B A both pair.
    const sidesOfPair = (round: number, pair: number) =>
      c.slices.filter((s) => s.round === round && s.pair === pair).map((s) => s.side);
    expect(sidesOfPair(0, 0)).toEqual(['baseline', 'candidate']);
    expect(sidesOfPair(0, 1)).toEqual(['candidate', 'baseline']);
  });

  it('never pairs a stalled or failed slice: it is counted in unpaired, its neighbour left alone', () => {
    const c = pairedComparisonRecord(readList, { sliceNoise: 0, roundNoise: 0 });
    const slices = c.slices.map((s): PairedSlice => {
      if (s.round === 2 && s.pair === 1 && s.side === 'candidate')
        return { ...s, status: 'stalled', reason: 'no request answered in 0.095 s', rps: 0, requests: 0 };
      if (s.round === 4 && s.pair === 0 && s.side === 'baseline')
        return {
          ...s,
          status: 'failed',
          reason: 'baseline server exited',
          rps: 0,
          p95Ms: 0,
          requests: 0,
          errorPct: 100,
        };
      // A stalled slice whose figures were not zeroed still must not pair.
      if (s.round === 5 && s.pair === 3 && s.side === 'baseline') return { ...s, status: 'stalled', rps: s.rps * 100 };
      return s;
    });
    const g = gained(pairedGain({ ...c, slices }, 'rps', 0.95));
    expect(g.unpaired).toEqual({ baseline: 2, candidate: 1 });
    expect(g.pairs).toBe(24 - 3);
    // No ratio of 0, 1 or ×100 came in: every pair still reads ×1.25.
    expect(g.low).toBeCloseTo(1.25, 9);
    expect(g.high).toBeCloseTo(1.25, 9);
  });

  it('gives p95 as a gain: the reciprocal of the latency ratio, its interval inverted', () => {
    const c = pairedComparisonRecord(readList);
    const meds = roundMedians(c, (s) => s.p95Ms);
    const g = gained(pairedGain(c, 'p95', 0.95));
    expect(g.gain).toBeCloseTo(1 / median(meds), 12);
    expect(g.low).toBeCloseTo(1 / Math.max(...meds), 12);
    expect(g.high).toBeCloseTo(1 / Math.min(...meds), 12);
    // p95 5 -> 4 ms: better by ×1.25.
    expect(g.gain).toBeGreaterThan(1.15);
    expect(g.gain).toBeLessThan(1.35);
    expect(g.baselineMedian).toBeGreaterThan(g.candidateMedian);
    const exact = gained(pairedGain(pairedComparisonRecord(readList, { sliceNoise: 0, roundNoise: 0 }), 'p95', 0.95));
    expect(exact.gain).toBeCloseTo(1.25, 9);
  });

  it('has no interval, and says "not enough rounds", below 6 rounds at 95 %', () => {
    const five = pairedComparisonRecord(readList, { rounds: 5 });
    expect(pairedGain(five, 'rps', 0.95)).toEqual({
      unavailable: "tuned vs untuned on 'read-list': not enough rounds: 5 of the 6 that 95 % needs",
    });
    // 5 rounds are enough for 90 %.
    expect(gained(pairedGain(five, 'rps', 0.9)).coverage).toBeCloseTo(1 - 2 / 32, 12);
    // A round whose every pair failed is no round.
    const six = pairedComparisonRecord(readList);
    const lost = six.slices.map((s): PairedSlice =>
      s.round === 3 && s.side === 'candidate' ? { ...s, status: 'failed', rps: 0 } : s,
    );
    const g = pairedGain({ ...six, slices: lost }, 'rps', 0.95);
    expect(g).toEqual({
      unavailable: "tuned vs untuned on 'read-list': not enough rounds: 5 of the 6 that 95 % needs",
    });
  });

  it('is unavailable when a side answered nothing, with the first problem recorded', () => {
    const c = pairedComparisonRecord(SAMPLE_PAIRED_TRUTHS[4]!); // the pool: tuned vs tuned readers:2
    const dead = {
      ...c,
      slices: c.slices.map((s): PairedSlice =>
        s.side === 'candidate' ? { ...s, status: 'failed', reason: 'candidate server exited', rps: 0 } : s,
      ),
      problems: ['round 1: candidate server exited'],
    };
    expect(pairedGain(dead, 'rps', 0.95)).toEqual({
      unavailable:
        "tuned readers:2 vs tuned on 'read-list': the candidate (tuned) answered no request in any slice (round 1: candidate server exited)",
    });
    // A scenario without separate read figures has no read gain.
    expect(pairedGain(c, 'readRps', 0.95)).toEqual({
      unavailable:
        "tuned readers:2 vs tuned on 'read-list': the baseline (tuned) answered no read request in any slice",
    });
  });

  it("reads the run: no paired stage, no such comparison, or the comparison judged at the run's confidence", () => {
    expect(runPairedGain(sampleRun(), 'tuned-vs-untuned', 'read-list', 'rps')).toEqual({
      unavailable:
        'no paired stage in this run (paired.enabled is false, or the results predate it): sequential trials give no interval of known coverage',
    });
    const run = sampleRun({ paired: pairedRecord([pairedComparisonRecord(consensusTruth(1.3))]) });
    expect(runPairedGain(run, 'tuned-vs-untuned', 'read-list', 'rps')).toEqual({
      unavailable: "the paired stage has no tuned-vs-untuned comparison on 'read-list'",
    });
    expect(gained(runPairedGain(run, 'consensus-vs-tuned', 'mix-80-20', 'rps')).gain).toBeGreaterThan(1.2);
    const at90 = sampleRun({
      paired: pairedRecord([pairedComparisonRecord(consensusTruth(1.3), { rounds: 5 })], { confidence: 0.9 }),
    });
    expect(gained(runPairedGain(at90, 'consensus-vs-tuned', 'mix-80-20', 'rps')).confidence).toBe(0.9);
  });
});

describe('drift injected: the paired verdict stays, a sequential comparison flips', () => {
  // Two identical sides (true ratio 1) on a machine that slows steadily: at the end of the
  // stage it serves half the rate it served at the start (rps × (1 − 0.5·t/T)), both sides alike.
  const same: PairedTruth = {
    purpose: 'tuned-vs-untuned',
    scenario: 'read-list',
    baseline: 'untuned',
    candidate: 'tuned',
    rps: 4000,
    p95Ms: 5,
    rpsRatio: 1,
  };
  const drift = (t: number) => 1 - 0.5 * t;

  it.each([1, 2, 3, 4, 5])(
    'seed %i: the paired interval holds 1 and lies within ±5 %; the sequential ratio is off by > 15 %',
    (seed) => {
      const c = pairedComparisonRecord(same, { drift, seed, sliceNoise: 0.03, roundNoise: 0.1 });
      const g = gained(pairedGain(c, 'rps', 0.95));
      expect(g.low).toBeLessThanOrEqual(1);
      expect(g.high).toBeGreaterThanOrEqual(1);
      expect(g.low).toBeGreaterThan(0.95);
      expect(g.high).toBeLessThan(1.05);
      expect(g.coverage).toBeCloseTo(1 - 2 / 64, 12);

      // The same model measured one side after the other: every baseline slice first, then every
      // candidate slice (the same number of slices, the same noise), ratio of the medians.
      const sequential = pairedComparisonRecord(same, { drift: () => 1, seed, sliceNoise: 0.03, roundNoise: 0.1 });
      const perSide = sequential.slices.filter((s) => s.side === 'baseline').length;
      const total = perSide * 2;
      const baseline = sequential.slices.filter((s) => s.side === 'baseline').map((s, i) => s.rps * drift(i / total));
      const candidate = sequential.slices
        .filter((s) => s.side === 'candidate')
        .map((s, i) => s.rps * drift((perSide + i) / total));
      const ratio = median(candidate) / median(baseline);
      expect(Math.abs(ratio - 1)).toBeGreaterThan(0.15);
      // A "tuned is slower" the paired stage does not show.
      expect(ratio).toBeLessThan(1 / 1.15);
    },
  );

  it('a real ×1.25 under the same drift: paired still shows it (within ±5 %), sequential sees no gain', () => {
    const c = pairedComparisonRecord(readList, { drift, seed: 9 });
    const g = gained(pairedGain(c, 'rps', 0.95));
    // A real gain beyond the HTTP band, close to the truth.
    expect(g.low).toBeGreaterThan(1.15);
    expect(g.low).toBeGreaterThan(1.25 / 1.05);
    expect(g.high).toBeLessThan(1.25 * 1.05);
    const sequential = pairedComparisonRecord(readList, { seed: 9 });
    const perSide = sequential.slices.filter((s) => s.side === 'baseline').length;
    const seq = (side: 'baseline' | 'candidate', offset: number) =>
      median(
        sequential.slices.filter((s) => s.side === side).map((s, i) => s.rps * drift((offset + i) / (2 * perSide))),
      );
    expect(seq('candidate', perSide) / seq('baseline', 0)).toBeLessThan(1.15);
  });
});

describe('item 9: a degraded side of a paired comparison', () => {
  it('more than 1 % failed requests on one side leaves the comparison out of every verdict', () => {
    const cmp = pairedComparisonRecord(readList);
    const clean = pairedGain(cmp, 'rps', 0.95);
    expect('unavailable' in clean).toBe(false);
    const failing = {
      ...cmp,
      slices: cmp.slices.map((s) => (s.side === 'baseline' ? { ...s, errorPct: 2.5, timeouts: 1 } : s)),
    };
    const g = pairedGain(failing, 'rps', 0.95);
    expect('unavailable' in g && g.unavailable).toMatch(
      /^tuned vs untuned on 'read-list': degraded: the baseline \(untuned\) failed 2\.5 % of its \d+ requests, over the 1 % a built-in arm allows$/,
    );
  });
});
