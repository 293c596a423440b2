/** Number formatting shared by the reporters. Missing values render as an en dash. */
export const DASH = '–';

function missing(n: number | null | undefined): n is null | undefined {
  return n === null || n === undefined || Number.isNaN(n);
}

/** 1234.5 -> "1,235"; below 10 keeps up to `digits` significant decimals. */
export function num(n: number | null | undefined, digits = 3): string {
  if (missing(n)) return DASH;
  if (!Number.isFinite(n)) return n > 0 ? '∞' : '-∞';
  const abs = Math.abs(n);
  if (abs >= 100) return Math.round(n).toLocaleString('en-US');
  if (abs === 0) return '0';
  return Number(n.toPrecision(digits)).toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** A change as a signed percentage: 0.314 -> "+31.4 %". */
export function pct(change: number | null | undefined, digits = 1): string {
  if (missing(change)) return DASH;
  if (!Number.isFinite(change)) return change > 0 ? '+∞ %' : '-∞ %';
  const v = change * 100;
  const s = Math.abs(v) >= 1000 ? Math.round(v).toLocaleString('en-US') : v.toFixed(digits);
  return `${v > 0 ? '+' : v < 0 ? '' : '±'}${s} %`.replace('-', '−');
}

/** Milliseconds with a sensible precision: 0.0123 -> "0.0123 ms", 850 -> "850 ms". */
export function ms(value: number | null | undefined): string {
  return missing(value) ? DASH : `${num(value)} ms`;
}

export function bytes(n: number | null | undefined): string {
  if (missing(n)) return DASH;
  if (n >= 1024 * 1024) return `${(n / 1048576).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}

/** A ratio as a multiplier: 2.345 -> "×2.35". */
export function times(ratio: number | null | undefined): string {
  if (missing(ratio)) return DASH;
  return `×${num(ratio)}`;
}
