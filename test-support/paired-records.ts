/**
 * Hand-built paired-stage records (run/paired.ts) for tests: comparisons with slices per
 * round, pair and side, a chosen true ratio and seeded noise or drift.
 */
import type { PairedComparison, PairedPurpose, PairedRecord, PairedSide, PairedSlice } from '../lib/records/paired.ts';
import { createRng } from '../lib/rng.ts';
import { abbaOrder as abba, SLICE as PAIRED_SLICE } from '../load/engines/autocannon/alternating.ts';

/** What a paired comparison would measure without noise: the baseline's figures and the candidate's true ratios. */
export interface PairedTruth {
  purpose: PairedPurpose;
  scenario: string;
  /** A profile (single topology) or a side. */
  baseline: string | PairedSide;
  candidate: string | PairedSide;
  /** The baseline's 2xx/s and p95 per slice. */
  rps: number;
  p95Ms: number;
  /** candidate / baseline, the true ratios: rps, and p95 (default 1 / rpsRatio: as much faster). */
  rpsRatio: number;
  p95Ratio?: number;
  /** Reads of a mixed scenario: the baseline's figures and the candidate's ratios. */
  reads?: { rps: number; p95Ms: number; rpsRatio: number; p95Ratio?: number };
}

export interface PairedNoise {
  rounds?: number;
  /** Slices per side and round (the quick preset: 0.5 s a side cut into 4). */
  perSide?: number;
  /** Every slice's own noise: uniform ± this fraction. */
  sliceNoise?: number;
  /** A round's fresh servers and copies: both sides of the round ± this fraction together. */
  roundNoise?: number;
  /** The machine's speed at t in [0, 1) of the comparison's slices (both sides alike; 1 = no drift). */
  drift?: (t: number) => number;
  seed?: number;
  connections?: number;
}

const sideOf = (s: string | PairedSide): PairedSide => (typeof s === 'string' ? { profile: s, topology: 'single' } : s);

/**
 * A comparison as run/paired.ts records it: per round, the A B B A … order of `abba` (which
 * side opens alternates by round), slice k of the round in pair ⌊k/2⌋; every slice the true
 * figure × the machine's speed at that time × the round's factor × its own noise. Invented
 * figures, seeded: the same arguments give the same slices.
 */
export function pairedComparisonRecord(truth: PairedTruth, noise: PairedNoise = {}): PairedComparison {
  const rounds = noise.rounds ?? 6;
  const perSide = noise.perSide ?? 4;
  const sliceNoise = noise.sliceNoise ?? 0.03;
  const roundNoise = noise.roundNoise ?? 0.1;
  const drift = noise.drift ?? (() => 1);
  const rng = createRng(noise.seed ?? 7);
  const jitter = (f: number) => 1 + f * (2 * rng.next() - 1);
  const total = rounds * perSide * 2;
  const slices: PairedSlice[] = [];
  for (let round = 0; round < rounds; round++) {
    const roundFactor = jitter(roundNoise);
    abba(round % 2, perSide).forEach((side, k) => {
      const speed = drift((round * perSide * 2 + k) / total) * roundFactor;
      const cand = side === 'candidate';
      const rps = truth.rps * (cand ? truth.rpsRatio : 1) * speed * jitter(sliceNoise);
      const p95Ms = (truth.p95Ms * (cand ? (truth.p95Ratio ?? 1 / truth.rpsRatio) : 1) * jitter(sliceNoise)) / speed;
      const r = truth.reads;
      const reads = r
        ? {
            readRps: r.rps * (cand ? r.rpsRatio : 1) * speed * jitter(sliceNoise),
            readP95Ms: (r.p95Ms * (cand ? (r.p95Ratio ?? 1 / r.rpsRatio) : 1) * jitter(sliceNoise)) / speed,
          }
        : {};
      const requests = Math.round(rps * PAIRED_SLICE.measureS);
      slices.push({
        round,
        pair: Math.floor(k / 2),
        side,
        status: 'ok',
        rps,
        requests,
        errors: 0,
        timeouts: 0,
        errorPct: 0,
        p50Ms: p95Ms / 2.5,
        p95Ms,
        ...reads,
        durationS: PAIRED_SLICE.measureS,
      });
    });
  }
  const baseline = sideOf(truth.baseline);
  const candidate = sideOf(truth.candidate);
  return {
    id: `${truth.purpose}/${truth.scenario}`,
    purpose: truth.purpose,
    scenario: truth.scenario,
    baseline,
    candidate,
    pinned: baseline.topology === 'single' && candidate.topology === 'single',
    connections: noise.connections ?? 16,
    slices,
    problems: [],
  };
}

/** The paired stage's record around `comparisons` (rounds read from their slices). */
export function pairedRecord(comparisons: PairedComparison[], over: Partial<PairedRecord> = {}): PairedRecord {
  const rounds = Math.max(0, ...comparisons.flatMap((c) => c.slices.map((s) => s.round + 1)));
  const perSide = Math.max(1, ...comparisons.flatMap((c) => c.slices.map((s) => s.pair + 1)));
  return {
    roundsPlanned: rounds,
    roundsDone: rounds,
    confidence: 0.95,
    slice: { ...PAIRED_SLICE },
    slicesPerSide: perSide,
    warmupS: 0.3,
    orderSeed: 42,
    comparisons,
    ...over,
  };
}

/**
 * The paired truths of sampleRun: the same figures as its load and concurrency records
 * (tuned over untuned: read-list ×1.25, write ×5, mix-80-20 ×2.25 with p95 12 -> 4 ms; WAL
 * reads while writes run 1,000 -> 1,400 read rps, read p95 14 -> 8 ms; the pool 5,000 -> 5,600).
 */
export const SAMPLE_PAIRED_TRUTHS: readonly PairedTruth[] = [
  {
    purpose: 'tuned-vs-untuned',
    scenario: 'read-list',
    baseline: 'untuned',
    candidate: 'tuned',
    rps: 4000,
    p95Ms: 5,
    rpsRatio: 1.25,
    p95Ratio: 4 / 5,
  },
  {
    purpose: 'tuned-vs-untuned',
    scenario: 'write',
    baseline: 'untuned',
    candidate: 'tuned',
    rps: 800,
    p95Ms: 20,
    rpsRatio: 5,
    p95Ratio: 5 / 20,
  },
  {
    purpose: 'tuned-vs-untuned',
    scenario: 'mix-80-20',
    baseline: 'untuned',
    candidate: 'tuned',
    rps: 2000,
    p95Ms: 12,
    rpsRatio: 4500 / 2000,
    p95Ratio: 4 / 12,
  },
  {
    purpose: 'wal-under-writes',
    scenario: 'mix-80-20',
    baseline: { profile: 'untuned', topology: 'readers:2' },
    candidate: { profile: 'untuned-wal', topology: 'readers:2' },
    rps: 1300,
    p95Ms: 15,
    rpsRatio: 1750 / 1300,
    p95Ratio: 9 / 15,
    reads: { rps: 1000, p95Ms: 14, rpsRatio: 1.4, p95Ratio: 8 / 14 },
  },
  {
    purpose: 'pool',
    scenario: 'read-list',
    baseline: 'tuned',
    candidate: { profile: 'tuned', topology: 'readers:2' },
    rps: 5000,
    p95Ms: 4,
    rpsRatio: 1.12,
    p95Ratio: 3.6 / 4,
  },
];

/** consensus against tuned on the guide's mix (tuned's figures from sampleRun), with the ratios given. */
export function consensusTruth(rpsRatio: number, p95Ratio = 1 / rpsRatio): PairedTruth {
  return {
    purpose: 'consensus-vs-tuned',
    scenario: 'mix-80-20',
    baseline: 'tuned',
    candidate: 'consensus',
    rps: 4500,
    p95Ms: 4,
    rpsRatio,
    p95Ratio,
  };
}

/** sampleRun's paired stage: every truth of SAMPLE_PAIRED_TRUTHS (and `extra`), each with its own seed. */
export function samplePaired(noise: PairedNoise = {}, extra: readonly PairedTruth[] = []): PairedRecord {
  return pairedRecord(
    [...SAMPLE_PAIRED_TRUTHS, ...extra].map((t, i) => pairedComparisonRecord(t, { seed: 100 + i, ...noise })),
  );
}
