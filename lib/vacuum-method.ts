/**
 * The VACUUM measurement's method, in one sentence, from the config's churn shares: the
 * record (run/vacuum.ts), the size table (section 3), the method list and the ledger row all
 * say it with these words, once each.
 */
export function vacuumMethod(deleteShare: number, updateShare: number): string {
  return (
    `per profile, a copy of its seeded database: ${Math.round(deleteShare * 100)} % of contents rows deleted ` +
    `(scattered ids, their audio generations too) and ${Math.round(updateShare * 100)} % of the remaining ` +
    "bodies rewritten twice as long, WAL checkpointed; the main file's size read after that churn, after the " +
    "profile's own maintenance, and after a real VACUUM"
  );
}
