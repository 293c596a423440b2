/** Number formats shared by the bench tables. */

const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

/** ops/s: whole numbers with separators; one decimal below 100. */
export function formatOps(n: number): string {
  if (!Number.isFinite(n)) return '—';
  return n < 100 ? n.toFixed(1) : thousands(n);
}

/** Microseconds: two decimals below 10, one below 100, then whole numbers. */
export function formatUs(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n < 10) return n.toFixed(2);
  if (n < 100) return n.toFixed(1);
  return thousands(n);
}

export function formatRme(rme: number): string {
  return `±${rme < 10 ? rme.toFixed(1) : Math.round(rme)}%`;
}

/** A ratio (higher is better): '1.00x', '17.3x', '0.52x'. */
export function formatRatio(r: number): string {
  if (!Number.isFinite(r)) return r > 0 ? '∞' : '—';
  return r >= 10 ? `${r.toFixed(1)}x` : `${r.toFixed(2)}x`;
}

/** A change (0.3 = 30 % more ops/s): percent up to ±100 %, beyond that a ratio. */
export function formatChange(change: number): string {
  const ratio = change + 1;
  if (ratio >= 2 || ratio < 0.5) return formatRatio(ratio);
  const pct = change * 100;
  return `${pct >= 0 ? '+' : '−'}${Math.abs(pct).toFixed(Math.abs(pct) < 10 ? 1 : 0)}%`;
}

/**
 * Several changes in one format, so a value and its spread read alike: ratios when any of
 * them is beyond ±100 % (or below half), percentages otherwise.
 */
export function formatChanges(changes: number[]): string[] {
  const asRatio = changes.some((c) => c + 1 >= 2 || c + 1 < 0.5);
  return changes.map((c) => (asRatio ? formatRatio(c + 1) : formatChange(c)));
}
