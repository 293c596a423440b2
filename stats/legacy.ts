import { createRng } from '../lib/rng.ts';
import { median, quantile, safeRatio } from './basic.ts';
import { medianInterval, type MedianInterval } from './sign-test.ts';

/* Bootstrap intervals still used by judges that have not moved to stats/paired.ts or stats/unpaired.ts. To be removed. */

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

export interface ClusteredInterval extends Omit<MedianInterval, 'method' | 'confidence' | 'n'> {
  /** 'cluster-bootstrap' with enough clusters; 'cluster-sign-test' (sign test on the cluster medians) with fewer. */
  method: 'cluster-bootstrap' | 'cluster-sign-test';
}

/** Below this many clusters a bootstrap over them says little: the sign test on their medians is used. */
export const MIN_BOOTSTRAP_CLUSTERS = 5;

/**
 * Interval of the median of values that come in clusters (the pairs of one round share its
 * server processes and database state, so they are not independent): a two-stage
 * percentile bootstrap, rounds resampled with replacement, then pairs within each drawn
 * round. Treating 128 pairs from 8 rounds as 128 independent values gives an interval too
 * narrow by the between-round spread; this one includes it (and, resampling both stages,
 * errs wide). Seeded, so reproducible. With fewer than MIN_BOOTSTRAP_CLUSTERS clusters:
 * the sign-test interval of the cluster medians, whose `coverage` says what it is worth.
 */
export function clusteredMedianInterval(
  clusters: readonly (readonly number[])[],
  confidence = 0.95,
  opts: { resamples?: number; seed?: number } = {},
): ClusteredInterval {
  const groups = clusters.filter((c) => c.length > 0);
  if (groups.length === 0) throw new Error('clusteredMedianInterval needs at least one value');
  const all = groups.flat();
  if (groups.length < MIN_BOOTSTRAP_CLUSTERS) {
    const meds = groups.map((g) => median(g));
    const ci = medianInterval(meds, 0);
    const lo = Math.min(...meds);
    const hi = Math.max(...meds);
    const coverage = 'notEnough' in ci ? 0 : ci.coverage;
    return { median: median(all), low: lo, high: hi, coverage, method: 'cluster-sign-test' };
  }
  const rng = createRng(opts.seed ?? BOOTSTRAP_DEFAULTS.seed);
  const resamples = opts.resamples ?? BOOTSTRAP_DEFAULTS.resamples;
  const medians: number[] = [];
  const sample: number[] = [];
  for (let i = 0; i < resamples; i++) {
    sample.length = 0;
    for (let j = 0; j < groups.length; j++) {
      const g = groups[Math.floor(rng.next() * groups.length)]!;
      for (let k = 0; k < g.length; k++) sample.push(g[Math.floor(rng.next() * g.length)]!);
    }
    medians.push(median(sample));
  }
  const alpha = (1 - confidence) / 2;
  return {
    median: median(all),
    low: quantile(medians, alpha),
    high: quantile(medians, 1 - alpha),
    coverage: confidence,
    method: 'cluster-bootstrap',
  };
}
