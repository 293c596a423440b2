import Database from 'better-sqlite3';

/** An acknowledged write: the id the server answered and the unique title it carried. */
export interface AckedWrite {
  id: number;
  token: string;
}

/** What survived a crash: the rows present after the restart and integrity_check's answer. */
export interface DatabaseState {
  /** `contents` rows above the baseline (rows the test wrote): id -> title. */
  present: ReadonlyMap<number, string>;
  /** integrity_check's rows: ['ok'] when the file is sound. */
  integrity: readonly string[];
}

/** A lost write; `reused` when its id held another write's row when it was found lost. */
export interface LostWrite extends AckedWrite {
  reused: boolean;
}

export interface DurabilityAudit {
  acked: number;
  lost: number;
  /** Up to `maxIds` lost ids, ascending. */
  lostIds: number[];
  /** Every lost write (the run keeps them across cycles). */
  lostWrites: LostWrite[];
  /** Lost writes whose id now holds another write's row: a lost tail whose ids were handed out again. */
  reused: number;
  /** Present rows nobody acknowledged (writes in flight at the kill). Allowed. */
  unackedPresent: number;
  integrity: string;
  ok: boolean;
}

/**
 * Compares acknowledged writes with what the database holds, by id and token: ids alone
 * can be reused (contents.id has no AUTOINCREMENT), so a lost tail would be "found" once
 * the next writes get the same ids. Pure.
 */
export function auditDurability(acked: Iterable<AckedWrite>, state: DatabaseState, maxIds = 20): DurabilityAudit {
  const lostWrites: LostWrite[] = [];
  const ackedKeys = new Set<string>();
  for (const w of acked) {
    const key = `${w.id}\n${w.token}`;
    if (ackedKeys.has(key)) continue;
    ackedKeys.add(key);
    const held = state.present.get(w.id);
    if (held !== w.token) lostWrites.push({ id: w.id, token: w.token, reused: held !== undefined });
  }
  lostWrites.sort((a, b) => a.id - b.id);
  let unackedPresent = 0;
  for (const [id, title] of state.present) if (!ackedKeys.has(`${id}\n${title}`)) unackedPresent++;
  const integrity =
    state.integrity.length === 1 && state.integrity[0] === 'ok'
      ? 'ok'
      : state.integrity.length === 0
        ? 'no answer'
        : state.integrity.join('; ').slice(0, 500);
  return {
    acked: ackedKeys.size,
    lost: lostWrites.length,
    lostIds: lostWrites.slice(0, maxIds).map((w) => w.id),
    lostWrites,
    reused: lostWrites.filter((w) => w.reused).length,
    unackedPresent,
    integrity,
    ok: lostWrites.length === 0 && integrity === 'ok',
  };
}

/**
 * Reads the ids and titles above `baselineMaxId` and runs integrity_check through a connection of
 * its own (read-write, so a hot rollback journal left by the kill is recovered, not refused).
 */
export function readDatabaseState(path: string, baselineMaxId: number): DatabaseState {
  let db: Database.Database | undefined;
  const present = new Map<number, string>();
  try {
    db = new Database(path, { fileMustExist: true, timeout: 5000 });
    // integrity first: a corrupt file may make the id query itself fail.
    const integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    const rows = db.prepare('SELECT id, title FROM contents WHERE id > ?').raw().iterate(baselineMaxId);
    for (const [id, title] of rows as Iterable<[number, string]>) present.set(id, title);
    return { present, integrity };
  } catch (err) {
    // A file SQLite cannot read is an integrity failure, reported as data.
    return {
      present,
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
