import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { ClaimSource } from './claims.ts';

/** Kinds of metric with noise of their own: HTTP throughput/latency, microbenchmarks, file sizes. */
export const NOISE_KINDS = ['http', 'bench', 'size'] as const;
export type NoiseKind = (typeof NOISE_KINDS)[number];

const KIND_TEXT: Record<NoiseKind, string> = {
  http: 'HTTP throughput and latency',
  bench: 'microbenchmarks',
  size: 'file sizes',
};

/** Percent, symmetric in log space: ±15 means gains from 1/1.15 to 1.15 are no effect. */
const Bands = z.strictObject({ http: z.number().min(0), bench: z.number().min(0), size: z.number().min(0) });

/**
 * A bands file without measurements behind it (the shipped default until `loadlab calibrate`
 * runs, and files from before the command): figures and where they come from, e.g.
 * `{ "source": "…", "bands": { "http": 15, "bench": 5, "size": 1 } }`. Still read.
 */
export const StatedNoiseBandsFile = z.strictObject({
  /** Where the figures come from (printed under the ledger). */
  source: z.string().min(1),
  bands: Bands,
});

/** The largest A/A deviation of a kind, and where it was seen. */
export const LargestDeviation = z.strictObject({
  /** How far the estimate's interval lies beyond no effect (its point, without one), percent (aaDeviationPct). */
  pct: z.number().min(0),
  gain: z.number().positive(),
  low: z.number().optional(),
  high: z.number().optional(),
  /** The largest max(g, 1/g) − 1 of the kind's point estimates, percent: shown, not the band. */
  pointPct: z.number().min(0).optional(),
  /** What was compared, e.g. 'aa/tuned/write p95'. */
  metric: z.string(),
  /** The run file it came from (relative to the bands file). */
  file: z.string(),
});

/** The machine a calibration was measured on (from lib/environment.ts probeEnvironment). */
export const CalibrationMachine = z.strictObject({
  cpuModel: z.string(),
  cores: z.number().int(),
  platform: z.string(),
  kernel: z.string(),
  node: z.string(),
  sqlite: z.string(),
  filesystem: z.string(),
});
export type CalibrationMachine = z.infer<typeof CalibrationMachine>;

/**
 * What `loadlab calibrate` writes: the bands computed by BAND_RULE from A/A runs on one
 * machine, the settings of those runs and the run files (relative to this file) they came from.
 */
export const MeasuredNoiseBandsFile = z.strictObject({
  schemaVersion: z.literal(2),
  kind: z.literal('noise-bands'),
  /** The legend's sentence: how, where and when these bands were measured. */
  source: z.string().min(1),
  bands: Bands,
  rule: z.string().min(1),
  floorPct: z.number().min(0),
  stepPct: z.number().positive(),
  /** When the calibration finished (ISO). */
  date: z.string(),
  machine: CalibrationMachine,
  /** A/A runs per kind. */
  runs: z.number().int().min(1),
  /** What each kind's runs were: the paired settings of the quick preset, the ablation's, VACUUM's. */
  settings: z.strictObject({
    http: z.strictObject({
      profile: z.string(),
      scenarios: z.array(z.string()),
      scale: z.number(),
      connections: z.number().int(),
      rounds: z.number().int(),
      durationS: z.number(),
      warmupS: z.number(),
      confidence: z.number(),
      metrics: z.array(z.string()),
    }),
    bench: z.strictObject({
      arms: z.array(z.string()),
      ops: z.array(z.string()),
      scale: z.number(),
      rounds: z.number().int(),
      taskMs: z.number(),
    }),
    size: z.strictObject({
      profiles: z.array(z.string()),
      scale: z.number(),
      deleteShare: z.number(),
      updateShare: z.number(),
      metrics: z.array(z.string()),
    }),
  }),
  /** Per kind: how many A/A estimates there were, how many could not be made, and the largest deviation. */
  estimates: z.strictObject({
    http: z.strictObject({ count: z.number().int(), unavailable: z.number().int(), largest: LargestDeviation }),
    bench: z.strictObject({ count: z.number().int(), unavailable: z.number().int(), largest: LargestDeviation }),
    size: z.strictObject({ count: z.number().int(), unavailable: z.number().int(), largest: LargestDeviation }),
  }),
  /** Every run file the bands came from, relative to this file's directory. */
  runFiles: z.array(z.string()).min(1),
});
export type MeasuredNoiseBandsFile = z.infer<typeof MeasuredNoiseBandsFile>;

/** `reports/calibration/noise-bands.json`: measured by `loadlab calibrate`, or stated (older files, the default). */
export const NoiseBandsFile = z.union([MeasuredNoiseBandsFile, StatedNoiseBandsFile]);
export type NoiseBandsFile = z.infer<typeof NoiseBandsFile>;

/** No band is narrower than this (percent): below it a handful of A/A runs cannot show the tail. */
export const BAND_FLOOR_PCT = 1;
/** Bands are rounded up to a multiple of this (percent). */
export const BAND_STEP_PCT = 0.5;

/** The band rule in words, stored in the bands file and printed in the docs. */
export const BAND_RULE = `the band of a kind of metric is the smallest b that keeps every A/A comparison of that kind from being judged an effect: for each A/A estimate, how far its interval lies beyond no effect (low − 1 when the whole interval is above 1, 1/high − 1 when it is below, 0 when it contains 1; an exact figure without an interval counts its point, max(g, 1/g) − 1), the largest over every run and metric, in percent, rounded up to a multiple of ${BAND_STEP_PCT} % and never below ${BAND_FLOOR_PCT} %. The ledger's verdicts read intervals, so with this band no A/A comparison measured on this machine would be called confirmed, larger, smaller or contradicted`;

/** An A/A estimate: its point (a gain, 1 = no difference) and, where the comparison gives one, its interval. */
export type AaPoint = number | { gain: number; low?: number; high?: number };

/**
 * How far an A/A estimate lies beyond no effect, in percent, symmetric in log space like the
 * band: an interval's near end (0 when it contains 1); a bare number, its point (0.8 and 1.25
 * both 25 %).
 */
export function aaDeviationPct(e: AaPoint): number {
  if (typeof e === 'number') return (Math.max(e, 1 / e) - 1) * 100;
  if (e.low === undefined || e.high === undefined) return (Math.max(e.gain, 1 / e.gain) - 1) * 100;
  if (e.low > 1) return (e.low - 1) * 100;
  if (e.high < 1) return (1 / e.high - 1) * 100;
  return 0;
}

/**
 * BAND_RULE on A/A estimates: the band in percent and the largest deviation it covers; null
 * when there is no estimate (no band can be computed). Pure.
 */
export function bandFromEstimates(
  estimates: readonly AaPoint[],
  floorPct = BAND_FLOOR_PCT,
  stepPct = BAND_STEP_PCT,
): { pct: number; largestPct: number } | null {
  const gain = (e: AaPoint) => (typeof e === 'number' ? e : e.gain);
  const usable = estimates.filter((e) => Number.isFinite(gain(e)) && gain(e) > 0);
  if (usable.length === 0) return null;
  const largestPct = Math.max(...usable.map(aaDeviationPct));
  // The epsilon keeps 13 % (0.13 * 100 = 13.000000000000002) at 13, not 13.5.
  const rounded = Math.ceil(largestPct / stepPct - 1e-9) * stepPct;
  return { pct: Math.max(floorPct, rounded), largestPct };
}

/** "Intel Xeon … (2 cores, linux 6.1), Node v20.20.0, SQLite 3.49.1, ext4". */
export function machineText(m: CalibrationMachine): string {
  return `${m.cpuModel} (${m.cores} cores, ${m.platform} ${m.kernel}), Node ${m.node}, SQLite ${m.sqlite}, ${m.filesystem}`;
}

/** The legend's sentence for a measured file. */
export function measuredSource(f: Pick<MeasuredNoiseBandsFile, 'machine' | 'date' | 'runs'>): string {
  return `measured by \`loadlab calibrate\` on ${machineText(f.machine)}, ${f.date.slice(0, 10)}, ${f.runs} runs`;
}

/** The bands a ledger uses and where they came from. */
export interface NoiseBands {
  pct: Record<NoiseKind, number>;
  /** The calibration file and its source, or the run config fallback (and why). */
  from: string;
  /** The rule that computed the bands, when `loadlab calibrate` measured them. */
  rule?: string;
}

export const CALIBRATION_FILE = fileURLToPath(new URL('../calibration/noise-bands.json', import.meta.url));
const CALIBRATION_NAME = 'reports/calibration/noise-bands.json';

/** Which band judges a claim: HTTP figures for load and capacity, bench for tinybench, size for VACUUM. */
export function noiseKindOf(source: ClaimSource): NoiseKind | null {
  switch (source.kind) {
    case 'ablation':
    case 'index-scan':
      return 'bench';
    case 'load':
    case 'capacity':
    case 'pool':
    case 'reads-while-writing':
      return 'http';
    case 'vacuum':
      return 'size';
    case 'powerloss':
    case 'unmeasurable':
      return null;
  }
}

/** One band for every kind: the run config's `thresholds.ledgerNoisePct`, used when no calibration file is there. */
export function uniformNoiseBands(pct: number, why: string): NoiseBands {
  return { pct: { http: pct, bench: pct, size: pct }, from: `thresholds.ledgerNoisePct of the run config (${why})` };
}

/**
 * The stored calibration when the file is present and valid, else the run config's single
 * band. A broken file is not a crash: the ledger says it fell back and why.
 */
export function loadNoiseBands(fallbackPct: number, file = CALIBRATION_FILE): NoiseBands {
  if (!existsSync(file)) return uniformNoiseBands(fallbackPct, `no ${CALIBRATION_NAME}`);
  let parsed: ReturnType<typeof NoiseBandsFile.safeParse>;
  try {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
    // One schema by the file's own mark, so an error names the field that is wrong.
    const measured = typeof raw === 'object' && raw !== null && 'schemaVersion' in raw;
    parsed = (measured ? MeasuredNoiseBandsFile : StatedNoiseBandsFile).safeParse(raw);
  } catch (err) {
    return uniformNoiseBands(fallbackPct, `${CALIBRATION_NAME} unreadable: ${(err as Error).message}`);
  }
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return uniformNoiseBands(
      fallbackPct,
      `${CALIBRATION_NAME} invalid: ${issue?.path.join('.') ?? ''} ${issue?.message ?? ''}`.trim(),
    );
  }
  const data = parsed.data;
  if ('schemaVersion' in data)
    return { pct: data.bands, from: `${CALIBRATION_NAME}, ${measuredSource(data)}`, rule: data.rule };
  return { pct: data.bands, from: `${CALIBRATION_NAME} (${data.source})` };
}

/** The legend line: every band and where it came from. */
export function describeNoiseBands(bands: NoiseBands): string {
  const each = NOISE_KINDS.map((k) => `${k} ±${bands.pct[k]} % (${KIND_TEXT[k]})`).join(', ');
  return `**Noise bands**: ${each}; from ${bands.from}.${bands.rule ? ` Rule: ${bands.rule}.` : ''}`;
}
