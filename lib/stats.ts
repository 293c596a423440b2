import { createRng } from './rng.ts';

/** Median of a non-empty list (mean of the two middle values for an even count); NaN when empty. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Quantile by linear interpolation between order statistics (type 7, as R and NumPy); NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** candidate / baseline, with 0 and non-finite handled: 0/0 is 1, x/0 is Infinity. */
export function safeRatio(candidate: number, baseline: number): number {
  if (baseline === 0) return candidate === 0 ? 1 : Number.POSITIVE_INFINITY;
  return candidate / baseline;
}

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

/** Which way is better for a metric. */
export type Direction = 'higher' | 'lower';

/**
 * A ratio turned into "gain": > 1 is better whatever the direction (ops/s up, latency down).
 * gain = ratio for higher-is-better, 1/ratio for lower-is-better.
 */
export function gainOf(ratio: number, direction: Direction): number {
  if (direction === 'higher') return ratio;
  if (ratio === 0) return Number.POSITIVE_INFINITY;
  return 1 / ratio;
}

/** An interval of ratios as an interval of gains (bounds swap for lower-is-better). */
export function gainInterval(low: number, high: number, direction: Direction): { low: number; high: number } {
  return direction === 'higher' ? { low, high } : { low: gainOf(high, direction), high: gainOf(low, direction) };
}

/** True when a ratio lies within ±noise of 1 (noise 0.1 = 10 %), symmetric in log space. */
export function withinNoise(ratio: number, noise: number): boolean {
  return ratio <= 1 + noise && ratio >= 1 / (1 + noise);
}

export interface MedianInterval {
  median: number;
  low: number;
  high: number;
  /** The interval's exact coverage under any continuous distribution (sign-test order statistics). */
  coverage: number;
}

/** P(X <= k) for X ~ Binomial(n, 1/2). */
function binomialHalfCdf(k: number, n: number): number {
  let term = Math.pow(0.5, n);
  let sum = 0;
  for (let i = 0; i <= k; i++) {
    sum += term;
    term = (term * (n - i)) / (i + 1);
  }
  return sum;
}

/**
 * Distribution-free interval of a median from order statistics (the sign-test interval):
 * [x(k), x(n+1-k)] with the largest k whose coverage 1 - 2·P(Bin(n, ½) < k) is still at
 * least `confidence`. Exact for any continuous distribution, no resampling. With fewer
 * than 6 values no k reaches 95 %: the interval is then the whole range, and `coverage`
 * says how much less than asked it is.
 */
export function medianInterval(values: readonly number[], confidence = 0.95): MedianInterval {
  if (values.length === 0) throw new Error('medianInterval needs at least one value');
  const x = [...values].sort((a, b) => a - b);
  const n = x.length;
  let k = 1;
  while (k + 1 <= Math.floor(n / 2) && 1 - 2 * binomialHalfCdf(k, n) >= confidence) k++;
  return { median: median(x), low: x[k - 1]!, high: x[n - k]!, coverage: 1 - 2 * binomialHalfCdf(k - 1, n) };
}

export interface ClusteredInterval extends MedianInterval {
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
    const ci = medianInterval(
      groups.map((g) => median(g)),
      confidence,
    );
    return { ...ci, median: median(all), method: 'cluster-sign-test' };
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
