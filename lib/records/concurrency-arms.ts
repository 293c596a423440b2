/**
 * The profiles of the run's concurrency stage, named once for the stage that runs them
 * (run/concurrency.ts) and the ledger that reads them (reports/ledger/measure-concurrency.ts).
 */
/** The pool claim is about the guide's tuned setup. */
export const POOL_PROFILE = 'tuned';
/** The WAL claim: only the journal mode differs between these two (db/profiles.ts). */
export const WAL_BEFORE = 'untuned';
export const WAL_AFTER = 'untuned-wal';
