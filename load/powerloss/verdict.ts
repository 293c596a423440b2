import type { PowerlossExpectation, PowerlossRecord } from '../../lib/records/powerloss.ts';

/**
 * What SQLite's documentation says a power cut may do under a journal mode and synchronous
 * level (https://sqlite.org/pragma.html#pragma_synchronous):
 * - OFF (0): anything, corruption included: the simulator's control, it must see losses;
 * - NORMAL (1) with WAL: no corruption, "might roll back" the commits since the last sync;
 * - FULL (2) with WAL, and EXTRA (3): durable;
 * - FULL in a rollback-journal mode: no corruption, but the commit is the journal's unlink,
 *   which only EXTRA follows with a directory sync, so the last commit may roll back (unless
 *   the file system makes metadata durable at once: the 'synchronous' metadata model);
 * - NORMAL in a rollback-journal mode: "a very small chance" of corruption on old file systems.
 */
export function expectationOf(
  journalMode: string | null,
  synchronous: number | null,
  metadata: 'journaled' | 'synchronous' = 'journaled',
): PowerlossExpectation {
  if (synchronous === null || journalMode === null) return 'unknown';
  if (synchronous === 0) return 'control';
  if (synchronous >= 3) return 'lose-nothing';
  if (journalMode === 'wal') return synchronous >= 2 ? 'lose-nothing' : 'no-corruption';
  // A rollback journal's commit is its unlink: durable at once only where metadata is synchronous.
  if (synchronous >= 2) return metadata === 'synchronous' ? 'lose-nothing' : 'no-corruption';
  return 'unknown';
}

/** The share of cut points (with acknowledged writes before them) the control must lose at: a clear majority. */
export const CONTROL_MIN_LOSS_SHARE = 0.5;

/** The measured outcome against the expectation, with the figures that decide it. Pure. */
export function verdictOf(
  r: Pick<
    PowerlossRecord,
    'expectation' | 'status' | 'images' | 'corrupt' | 'withLoss' | 'cutsWithAcked' | 'cutsWithLoss'
  >,
): { verdict: PowerlossRecord['verdict']; why: string } {
  if (r.status !== 'ok') return { verdict: 'no verdict', why: 'the run failed' };
  if (r.images === 0 || r.cutsWithAcked === 0)
    return { verdict: 'no verdict', why: 'no cut point had an acknowledged write before it: nothing was at stake' };
  const corrupt = `${r.corrupt} of ${r.images} images corrupt`;
  const lost = `${r.withLoss} of ${r.images} images lost acknowledged writes`;
  switch (r.expectation) {
    case 'lose-nothing':
      return r.corrupt === 0 && r.withLoss === 0
        ? { verdict: 'as expected', why: `${corrupt}, ${lost}: durable` }
        : { verdict: 'NOT as expected', why: `${corrupt}, ${lost}, where the documentation promises none` };
    case 'no-corruption':
      return r.corrupt === 0
        ? { verdict: 'as expected', why: `${corrupt}; ${lost} (recent commits may roll back)` }
        : { verdict: 'NOT as expected', why: `${corrupt}, where the documentation promises none` };
    case 'control': {
      const share = r.cutsWithLoss / r.cutsWithAcked;
      return share > CONTROL_MIN_LOSS_SHARE
        ? {
            verdict: 'as expected',
            why: `lost acknowledged writes at ${r.cutsWithLoss} of ${r.cutsWithAcked} cut points: the simulator sees loss`,
          }
        : {
            verdict: 'NOT as expected',
            why: `lost acknowledged writes at only ${r.cutsWithLoss} of ${r.cutsWithAcked} cut points: the simulator may be blind`,
          };
    }
    case 'unknown':
      return { verdict: 'no verdict', why: `${corrupt}, ${lost}; the documentation promises nothing here` };
  }
}
