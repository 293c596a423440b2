import type { RunResults } from '../../lib/records/run.ts';
import type { Verdict } from './verdict.ts';

/** The power-loss records the claim is about: WAL with synchronous=NORMAL, as the guide sets it. */
const walNormal = (run: RunResults) =>
  run.powerloss.filter((r) => r.status === 'ok' && r.journalMode === 'wal' && r.synchronous === 1 && r.images > 0);

/** Rule 6 of the ledger (verdict.ts): the claim "NORMAL is safe with WAL" against the crash images. Pure. */
export function powerlossVerdict(run: RunResults): Verdict {
  const rs = walNormal(run);
  if (rs.length === 0) return 'not measurable here';
  if (rs.some((r) => r.corrupt > 0)) return 'contradicted';
  return rs.some((r) => r.withLoss > 0) ? 'smaller than claimed' : 'confirmed';
}

/** What the row shows: per WAL+NORMAL profile the images, corruption, losses and the window; and WAL+FULL beside. */
export function powerlossEvidence(run: RunResults): string {
  const rs = walNormal(run);
  if (rs.length === 0)
    return run.powerloss.length === 0
      ? 'the power-loss stage did not run (run --full, or loadlab powerloss)'
      : 'no WAL+NORMAL profile was measured by the power-loss stage';
  const parts = rs.map(
    (r) =>
      `${r.profile}: ${r.corrupt} of ${r.images} crash images corrupt, ${r.withLoss} lost acknowledged writes` +
      (r.lossWindowMs
        ? ` (up to ${r.maxLost} commits, acknowledged at most ${Math.round(r.lossWindowMs.max)} ms before the cut)`
        : ''),
  );
  const full = run.powerloss.find((r) => r.status === 'ok' && r.journalMode === 'wal' && r.synchronous === 2);
  if (full) parts.push(`beside it WAL+FULL (${full.profile}): ${full.corrupt} corrupt, ${full.withLoss} with loss`);
  return `powerloss: ${parts.join('; ')}`;
}
