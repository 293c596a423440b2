/**
 * Every number and unit format the reports, bench and load tables print. A missing value
 * (null, undefined, NaN) prints as DASH, the one empty-cell mark.
 */
export const DASH = '–';

type Value = number | null | undefined;

function missing(n: Value): n is null | undefined {
  return n === null || n === undefined || Number.isNaN(n);
}

const wholeNumber = (n: number) => Math.round(n).toLocaleString('en-US');

/** 1234.5 -> "1,235"; below 100 keeps `digits` significant digits: 0.012345 -> "0.0123". */
export function num(n: Value, digits = 3): string {
  if (missing(n)) return DASH;
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '-∞';
  const abs = Math.abs(n);
  if (abs >= 100) return wholeNumber(n);
  if (abs === 0) return '0';
  return Number(n.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** A change as a signed percentage: 0.314 -> "+31.4 %", -0.3 -> "−30.0 %". */
export function pct(change: Value, digits = 1): string {
  if (missing(change)) return DASH;
  if (!Number.isFinite(change)) return change > 0 ? '+∞ %' : '-∞ %';
  const v = change * 100;
  const s = Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(digits);
  return `${v > 0 ? '+' : v < 0 ? '' : '±'}${s} %`.replace('-', '−');
}

/** A part of a whole as an unsigned percentage: 0.123 -> "12.3 %". */
export function share(fraction: Value, digits = 1): string {
  return missing(fraction) ? DASH : `${(fraction * 100).toFixed(digits)} %`;
}

/** Milliseconds with a sensible precision: 0.0123 -> "0.0123 ms", 850 -> "850 ms". */
export function ms(value: Value): string {
  return missing(value) ? DASH : `${num(value)} ms`;
}

/** A wall-clock duration given in ms: "850 ms", "1.23 s" from a second on; "3.50 ms" below 10. */
export function duration(value: Value): string {
  if (missing(value)) return DASH;
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${value.toFixed(value < 10 ? 2 : 0)} ms`;
}

/** Microseconds with a sensible precision: 12.34 -> "12.3 µs". */
export function us(value: Value): string {
  return missing(value) ? DASH : `${num(value)} µs`;
}

/**
 * A latency in the unit its column header names (µs, ms): two decimals below 10, one
 * below 100, then whole numbers: 1.5 -> "1.50", 12 -> "12.0", 1234 -> "1,234".
 */
export function latency(value: Value): string {
  if (missing(value) || !Number.isFinite(value)) return DASH;
  if (value < 10) return value.toFixed(2);
  if (value < 100) return value.toFixed(1);
  return wholeNumber(value);
}

/** Operations per second: whole numbers with separators, one decimal below 100. */
export function opsPerSec(n: Value): string {
  if (missing(n) || !Number.isFinite(n)) return DASH;
  return n < 100 ? n.toFixed(1) : wholeNumber(n);
}

/** A relative margin of error, already in percent: 3 -> "±3.0%", 12.4 -> "±12%". */
export function rme(percent: Value): string {
  if (missing(percent)) return DASH;
  return `±${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`;
}

/** 1536 -> "1.5 KiB"; exact bytes below 1 KiB. */
export function bytes(n: Value): string {
  if (missing(n)) return DASH;
  const sign = n < 0 ? '-' : '';
  let v = Math.abs(n);
  if (v < 1024) return `${sign}${v} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let u = -1;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${sign}${v.toFixed(1)} ${units[u]}`;
}

/** A ratio as a multiplier in front: 2.345 -> "×2.35" (prose and the claims ledger). */
export function times(ratio: Value): string {
  if (missing(ratio)) return DASH;
  return `×${num(ratio)}`;
}

/** A ratio (higher is better) as a suffixed multiplier: "1.00x", "17.3x", "0.52x", "0.0085x" (never "0.00x"). */
export function ratio(r: Value): string {
  if (missing(r)) return DASH;
  if (!Number.isFinite(r)) return r > 0 ? '∞' : DASH;
  if (r >= 10) return `${r.toFixed(1)}x`;
  // Below 0.01 two decimals would print 0.00x or 0.01x: keep three significant digits instead.
  return r >= 0.01 || r === 0 ? `${r.toFixed(2)}x` : `${num(r)}x`;
}

/** A change (0.3 = 30 % more ops/s) as a compact percentage up to ±100 % ("+30%"), beyond that as a ratio. */
export function changeOrRatio(change: Value): string {
  if (missing(change)) return DASH;
  const asRatio = change + 1;
  if (asRatio >= 2 || asRatio < 0.5) return ratio(asRatio);
  const p = change * 100;
  return `${p >= 0 ? '+' : '−'}${Math.abs(p).toFixed(Math.abs(p) < 10 ? 1 : 0)}%`;
}

/**
 * Several changes in one format, so a value and its spread read alike: ratios when any of
 * them is beyond ±100 % (or below half), percentages otherwise.
 */
export function changesOrRatios(changes: readonly number[]): string[] {
  const anyRatio = changes.some((c) => c + 1 >= 2 || c + 1 < 0.5);
  return changes.map((c) => (anyRatio ? ratio(c + 1) : changeOrRatio(c)));
}
