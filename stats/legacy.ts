import { createRng } from '../lib/rng.ts';
import { median, quantile, safeRatio } from './basic.ts';

/* The bootstrap interval still used by judges that have not moved to stats/unpaired.ts (reports/ledger/). To be removed. */

export interface RatioInterval {
  /** median(candidate) / median(baseline). */
  ratio: number;
  low: number;
  high: number;
  /** 'bootstrap' with enough samples; 'range' (min/max of the trial ratios) when a side has fewer than `minSamples`. */
  method: 'bootstrap' | 'range';
}

export interface BootstrapOptions {
  resamples?: number;
  /** Two-sided confidence, e.g. 0.95. */
  confidence?: number;
  seed?: number;
  /** Below this many samples on either side, resampling says nothing: use the range of ratios. */
  minSamples?: number;
}

export const BOOTSTRAP_DEFAULTS = { resamples: 2000, confidence: 0.95, seed: 1, minSamples: 3 } as const;

/**
 * Percentile-bootstrap interval of the ratio of medians (candidate over baseline),
 * resampling each side independently with a seeded PRNG so the result is reproducible.
 * With fewer than `minSamples` on a side it falls back to the extreme ratios
 * [min(c)/max(b), max(c)/min(b)], which is wider, never narrower, than the truth it can see.
 */
export function ratioOfMediansInterval(
  baseline: readonly number[],
  candidate: readonly number[],
  opts: BootstrapOptions = {},
): RatioInterval {
  if (baseline.length === 0 || candidate.length === 0)
    throw new Error('ratioOfMediansInterval needs at least one sample on each side');
  const resamples = opts.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const confidence = opts.confidence ?? BOOTSTRAP_DEFAULTS.confidence;
  const minSamples = opts.minSamples ?? BOOTSTRAP_DEFAULTS.minSamples;
  const ratio = safeRatio(median(candidate), median(baseline));
  if (baseline.length < minSamples || candidate.length < minSamples) {
    return {
      ratio,
      low: safeRatio(Math.min(...candidate), Math.max(...baseline)),
      high: safeRatio(Math.max(...candidate), Math.min(...baseline)),
      method: 'range',
    };
  }
  const rng = createRng(opts.seed ?? BOOTSTRAP_DEFAULTS.seed);
  const draw = (xs: readonly number[]): number => {
    const sample = new Array<number>(xs.length);
    for (let i = 0; i < xs.length; i++) sample[i] = xs[Math.floor(rng.next() * xs.length)]!;
    return median(sample);
  };
  const ratios: number[] = [];
  for (let i = 0; i < resamples; i++) ratios.push(safeRatio(draw(candidate), draw(baseline)));
  const alpha = (1 - confidence) / 2;
  return { ratio, low: quantile(ratios, alpha), high: quantile(ratios, 1 - alpha), method: 'bootstrap' };
}
