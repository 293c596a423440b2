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
  /** Point estimate of the gain (> 1 better). Shown, never judged. */
  gain: number;
  /** Interval of the gain: the verdict is read from these two alone. */
  low: number;
  high: number;
}

/** A gain range: the claim's, or a noise band's. */
export interface GainRange {
  low: number;
  high: number;
}

export const VERDICT_RULE = [
  'Every effect is a gain, tuned over untuned (or arm over base), > 1 meaning better whatever the metric\'s direction. A verdict reads the measured **interval**, never the point estimate. Each row has the noise band ±b % of its kind of metric (column "noise band"): "no effect" is the gains from 1 / (1 + b) to 1 + b, and the claimed range is widened to claimed low / (1 + b) … claimed high × (1 + b).',
  '1. No measurement in this run: **not measurable here** (the reason is given).',
  '2. The interval reaches into "no effect": **not confirmed** (the effect cannot be told from noise).',
  '3. The whole interval is below 1 / (1 + b): **contradicted** (it made things worse).',
  '4. Otherwise the whole interval is above 1 + b, a real gain. The interval meets the widened claimed range: **confirmed** (a claim of just "faster" is confirmed by any real gain); the whole interval is above it: **larger than claimed**; the whole interval is below it: **smaller than claimed**.',
  '5. A measurement that is only a lower bound (tuned met the SLO at every capacity level tried) can only be **larger than claimed**; anything else is **not measurable here**.',
  "6. Power loss (synchronous=NORMAL with WAL) has no gain: it is read from the power-loss stage's crash images of tuned and consensus. Any corrupt image: **contradicted**; none corrupt and no acknowledged write lost: **confirmed**; none corrupt but acknowledged writes lost: **smaller than claimed** (safe from corruption, not from losing the last commits); no power-loss stage: **not measurable here**.",
].join('\n');

/** The gains that count as "no effect" for a noise band (a fraction: 0.05 = ±5 %), symmetric in log space. */
export function noEffectRange(noise: number): GainRange {
  return { low: 1 / (1 + noise), high: 1 + noise };
}

/** The claimed range widened by the noise band (a fraction). */
export function widenedClaim(claimed: GainRange, noise: number): GainRange {
  return { low: claimed.low / (1 + noise), high: claimed.high * (1 + noise) };
}

/** Applies the rule above to a measured interval. `noise` is a fraction (0.05 = 5 %). */
export function verdictFor(measured: Measured | null, claimed: GainRange | null, noise: number): Verdict {
  if (!measured || Number.isNaN(measured.low) || Number.isNaN(measured.high) || !Number.isFinite(measured.low))
    return 'not measurable here';
  const { low, high } = measured.low <= measured.high ? measured : { low: measured.high, high: measured.low };
  const none = noEffectRange(noise);
  if (low <= none.high && high >= none.low) return 'not confirmed';
  if (high < none.low) return 'contradicted';
  if (!claimed) return 'confirmed';
  const widened = widenedClaim(claimed, noise);
  if (low > widened.high) return 'larger than claimed';
  if (high < widened.low) return 'smaller than claimed';
  return 'confirmed';
}
