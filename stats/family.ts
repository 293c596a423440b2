/**
 * Many metrics, one exit code: a gate that judges m metrics each at 95 % cries wolf in far
 * more than 5 % of runs. Bonferroni: each metric's two-sided interval is asked at
 * 1 − 2α/m, so each tail holds at most α/m and the chance that any of the m intervals lies
 * wholly on the wrong side of a change that is not there is at most α, in each direction.
 *
 * Metrics that cannot reject whatever the data (every value tied at "no change": an error
 * share of 0 on both sides, round after round) are not counted in m (Tarone's refinement:
 * their least attainable p is 1, so they can never spend their share).
 */

/** The run-wide false-alarm rate the gate is held to, in each direction. */
export const FAMILY_ALPHA = 0.05;

/** The confidence of each of m intervals so that the family's error in each direction is at most α. */
export function familyConfidence(m: number, alpha = FAMILY_ALPHA): number {
  if (!(m >= 1)) return 1 - 2 * alpha;
  return 1 - (2 * alpha) / m;
}

/**
 * The family-wise coverage of one-sided claims from intervals of these coverages (their
 * lower tails, or their upper tails): 1 − Σ (1 − cᵢ)/2, the Bonferroni bound, computed from
 * the coverages each interval really has (≥ the confidence asked).
 */
export function familyCoverage(coverages: readonly number[]): number {
  return Math.max(0, 1 - coverages.reduce((s, c) => s + (1 - c) / 2, 0));
}

/** Whether a set of per-round values can reject "no change" at all: some value differs from it. */
export function canReject(values: readonly number[], noChange: number): boolean {
  return values.some((v) => v !== noChange);
}
