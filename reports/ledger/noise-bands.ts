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

/**
 * `reports/calibration/noise-bands.json`: the noise band, in percent, of each kind of metric,
 * and where the figures come from, e.g.
 * `{ "source": "measured here, …", "bands": { "http": 15, "bench": 5, "size": 1 } }`.
 */
export const NoiseBandsFile = z.strictObject({
  /** Where the figures were measured and how (printed under the ledger). */
  source: z.string().min(1),
  /** Percent, symmetric in log space: ±15 means gains from 1/1.15 to 1.15 are no effect. */
  bands: z.strictObject({ http: z.number().min(0), bench: z.number().min(0), size: z.number().min(0) }),
});
export type NoiseBandsFile = z.infer<typeof NoiseBandsFile>;

/** The bands a ledger uses and where they came from. */
export interface NoiseBands {
  pct: Record<NoiseKind, number>;
  /** The calibration file and its source, or the run config fallback (and why). */
  from: string;
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
    parsed = NoiseBandsFile.safeParse(JSON.parse(readFileSync(file, 'utf8')));
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
  return { pct: parsed.data.bands, from: `${CALIBRATION_NAME} (${parsed.data.source})` };
}

/** The legend line: every band and where it came from. */
export function describeNoiseBands(bands: NoiseBands): string {
  const each = NOISE_KINDS.map((k) => `${k} ±${bands.pct[k]} % (${KIND_TEXT[k]})`).join(', ');
  return `**Noise bands**: ${each}; from ${bands.from}.`;
}
