/**
 * The rule that turns a measurement into a verdict. Stated once here and printed
 * verbatim under the ledger, so the report says how every verdict was reached.
 */
export const VERDICTS = [
  'confirmed',
  'smaller than claimed',
  'larger than claimed',
  'not confirmed',
  'contradicted',
  'not measurable here',
] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface Measured {
  /** Point estimate of the gain (> 1 better). */
  gain: number;
  /** Interval of the gain. */
  low: number;
  high: number;
}

export const VERDICT_RULE = (noisePct: number) =>
  [
    `Every effect is a gain, tuned over untuned (or arm over base), > 1 meaning better whatever the metric's direction; noise band ±${noisePct} %.`,
    `1. No measurement in this run: **not measurable here** (the reason is given).`,
    `2. The whole interval is above 1 + ${noisePct} %: the effect is real. Then the point estimate is compared with the claimed range widened by the noise band: inside it **confirmed**, below it **smaller than claimed**, above it **larger than claimed** (a claim of just "faster" is confirmed).`,
    `3. The whole interval is below 1 / (1 + ${noisePct} %): **contradicted** (it made things worse).`,
    `4. Otherwise (the interval reaches into the noise band): **not confirmed**.`,
    `5. A measurement that is only a lower bound (tuned met the SLO at every capacity level tried) can only be **larger than claimed**; anything else is **not measurable here**.`,
  ].join('\n');

/** Applies the rule above. `noise` is a fraction (0.05 = 5 %). */
export function verdictFor(
  measured: Measured | null,
  claimed: { low: number; high: number } | null,
  noise: number,
): Verdict {
  if (!measured || !Number.isFinite(measured.low) || Number.isNaN(measured.gain)) return 'not measurable here';
  const up = 1 + noise;
  if (measured.low > up) {
    if (!claimed) return 'confirmed';
    if (measured.gain < claimed.low / up) return 'smaller than claimed';
    if (measured.gain > claimed.high * up) return 'larger than claimed';
    return 'confirmed';
  }
  if (measured.high < 1 / up) return 'contradicted';
  return 'not confirmed';
}
