/** Order statistics and ratios: the plain figures every judge in the project is built on. */

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

/**
 * candidate / baseline, with 0 handled: 0/0 is 1, x/0 is Infinity. Callers that must not
 * read "both sides answered nothing" as "no change" check for zeros first (stats/paired.ts).
 */
export function safeRatio(candidate: number, baseline: number): number {
  if (baseline === 0) return candidate === 0 ? 1 : Number.POSITIVE_INFINITY;
  return candidate / baseline;
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
