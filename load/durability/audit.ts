import Database from 'better-sqlite3';

/** What survived a crash: the ids present after the restart and integrity_check's answer. */
export interface DatabaseState {
  /** Ids of `contents` rows above the baseline (rows the test wrote). */
  present: ReadonlySet<number>;
  /** integrity_check's rows: ['ok'] when the file is sound. */
  integrity: readonly string[];
}

export interface DurabilityAudit {
  acked: number;
  lost: number;
  /** Up to `maxIds` lost ids, ascending. */
  lostIds: number[];
  /** Present rows nobody acknowledged (writes in flight at the kill). Allowed. */
  unackedPresent: number;
  integrity: string;
  ok: boolean;
}

/** Compares acknowledged writes with what the database holds. Pure. */
export function auditDurability(acked: Iterable<number>, state: DatabaseState, maxIds = 20): DurabilityAudit {
  const ackedSet = new Set(acked);
  const lostIds: number[] = [];
  for (const id of ackedSet) if (!state.present.has(id)) lostIds.push(id);
  lostIds.sort((a, b) => a - b);
  let unackedPresent = 0;
  for (const id of state.present) if (!ackedSet.has(id)) unackedPresent++;
  const integrity =
    state.integrity.length === 1 && state.integrity[0] === 'ok'
      ? 'ok'
      : state.integrity.length === 0
        ? 'no answer'
        : state.integrity.join('; ').slice(0, 500);
  return {
    acked: ackedSet.size,
    lost: lostIds.length,
    lostIds: lostIds.slice(0, maxIds),
    unackedPresent,
    integrity,
    ok: lostIds.length === 0 && integrity === 'ok',
  };
}

/**
 * Reads the ids above `baselineMaxId` and runs integrity_check through a connection of
 * its own (read-write, so a hot rollback journal left by the kill is recovered, not refused).
 */
export function readDatabaseState(path: string, baselineMaxId: number): DatabaseState {
  let db: Database.Database | undefined;
  let ids: number[] = [];
  try {
    db = new Database(path, { fileMustExist: true, timeout: 5000 });
    // integrity first: a corrupt file may make the id query itself fail.
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    ids = db.prepare('SELECT id FROM contents WHERE id > ?').pluck().all(baselineMaxId) as number[];
    return { present: new Set(ids), integrity };
  } catch (err) {
    // A file SQLite cannot read is an integrity failure, reported as data.
    return {
      present: new Set(ids),
      integrity: [`cannot read the database: ${err instanceof Error ? err.message : String(err)}`],
    };
  } finally {
    db?.close();
  }
}

/** The highest `contents` id before the test writes anything. */
export function maxContentId(path: string): number {
  const db = new Database(path, { fileMustExist: true, readonly: true });
  try {
    return (db.prepare('SELECT COALESCE(MAX(id), 0) FROM contents').pluck().get() as number) ?? 0;
  } finally {
    db.close();
  }
}
