import Database from 'better-sqlite3';
import { vacuumMethod } from '../lib/vacuum-method.ts';
import { copyFileSync, rmSync, statSync } from 'node:fs';
import type { Profile } from '../db/profiles.ts';
import { applyFilePragmas } from '../db/open.ts';
import type { VacuumRecord } from '../lib/records/run.ts';

export interface VacuumOptions {
  /** A seeded database; it is copied, never modified. */
  seeded: string;
  /** Where the working copy goes (removed afterwards). */
  workFile: string;
  profile: Profile;
  deleteShare: number;
  updateShare: number;
}

/** Picks a scattered, deterministic share of ids: (id * golden) mod 1000 < share * 1000. */
const PICK = '((id * 2654435761) % 1000) < ?';

function sizeOf(file: string): number {
  return statSync(file).size;
}

/**
 * A profile's routine maintenance, from what its auto_vacuum setting promises: NONE keeps
 * every freed page (only a VACUUM gives them back), FULL gives them back at every commit
 * (nothing to run), INCREMENTAL gives them back when `PRAGMA incremental_vacuum` runs.
 */
export function routineMaintenance(autoVacuum: number): { sql: string | null; words: string } {
  if (autoVacuum === 2)
    return { sql: 'PRAGMA incremental_vacuum', words: 'PRAGMA incremental_vacuum (auto_vacuum=INCREMENTAL)' };
  if (autoVacuum === 1) return { sql: null, words: 'none needed (auto_vacuum=FULL frees pages at every commit)' };
  return { sql: null, words: 'none (auto_vacuum=NONE: freed pages stay until a VACUUM)' };
}

/**
 * The guide's "VACUUM: 100 MB -> 65 MB". What this measures: a copy of the seeded file
 * loses `deleteShare` of its contents rows (with their audio generations, as a cascade
 * would) and has `updateShare` of the remaining bodies rewritten twice as long, as months
 * of use would; the WAL is checkpointed so the main file holds everything; then the file
 * size is read after that churn, after the profile's own routine maintenance (what its
 * auto_vacuum promises: tuned's INCREMENTAL runs incremental_vacuum, untuned's NONE does
 * nothing), and after VACUUM.
 */
export function measureVacuum(opts: VacuumOptions): VacuumRecord {
  const method = vacuumMethod(opts.deleteShare, opts.updateShare);
  const base = {
    profile: opts.profile.name,
    method,
    deletedRows: 0,
    updatedRows: 0,
    pageSize: 0,
    vacuumMs: 0,
    bytes: { seeded: 0, beforeVacuum: 0, afterVacuum: 0 },
    freelistPages: { beforeVacuum: 0, afterVacuum: 0 },
  };
  const cleanup = () => {
    for (const s of ['', '-wal', '-shm', '-journal']) rmSync(opts.workFile + s, { force: true });
  };
  try {
    cleanup();
    copyFileSync(opts.seeded, opts.workFile);
    const seededBytes = sizeOf(opts.workFile);
    const db = new Database(opts.workFile);
    try {
      applyFilePragmas(db, opts.profile, ['journal_mode']);
      db.pragma('foreign_keys = ON');
      const deleteShare = Math.round(opts.deleteShare * 1000);
      const updateShare = Math.round(opts.updateShare * 1000);
      let deleted = 0;
      let updated = 0;
      db.transaction(() => {
        db.prepare(`DELETE FROM audio_generations WHERE content_id IN (SELECT id FROM contents WHERE ${PICK})`).run(
          deleteShare,
        );
        deleted = db.prepare(`DELETE FROM contents WHERE ${PICK}`).run(deleteShare).changes;
        // A different hash for the update share, so updated rows are not the survivors' neighbours only.
        updated = db
          .prepare("UPDATE contents SET body = body || ' ' || body WHERE ((id * 40503) % 1000) < ?")
          .run(updateShare).changes;
      })();
      db.pragma('wal_checkpoint(TRUNCATE)');
      const pageSize = db.pragma('page_size', { simple: true }) as number;
      const freeBefore = db.pragma('freelist_count', { simple: true }) as number;
      const before = sizeOf(opts.workFile);
      const autoVacuum = db.pragma('auto_vacuum', { simple: true }) as number;
      const maintenance = routineMaintenance(autoVacuum);
      if (maintenance.sql) {
        db.exec(maintenance.sql);
        db.pragma('wal_checkpoint(TRUNCATE)');
      }
      const afterMaintenance = sizeOf(opts.workFile);
      const t0 = performance.now();
      db.exec('VACUUM');
      const vacuumMs = performance.now() - t0;
      db.pragma('wal_checkpoint(TRUNCATE)');
      const freeAfter = db.pragma('freelist_count', { simple: true }) as number;
      const after = sizeOf(opts.workFile);
      return {
        ...base,
        status: 'ok',
        deletedRows: deleted,
        updatedRows: updated,
        pageSize,
        vacuumMs,
        bytes: { seeded: seededBytes, beforeVacuum: before, afterMaintenance, afterVacuum: after },
        maintenance: maintenance.words,
        freelistPages: { beforeVacuum: freeBefore, afterVacuum: freeAfter },
      };
    } finally {
      db.close();
    }
  } catch (err) {
    return { ...base, status: 'failed', reason: (err as Error).message.split('\n')[0] ?? 'unknown error' };
  } finally {
    cleanup();
  }
}
