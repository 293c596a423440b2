import type Database from 'better-sqlite3';
import { indexesPresent, openDatabase, type PragmaValues } from '../db/open.ts';
import type { Profile } from '../db/profiles.ts';
import type { ProgressFn, PlannedOp } from './driver.ts';
import { errorText, measure, type MeasureOptions } from './measure.ts';
import { explainPlan, prepareOp } from './prepare.ts';
import type { Task } from './ablation-rounds.ts';
import type { Workspace } from './workspace.ts';

/** One profile ready to time one operation again and again: the task, and what it ran on. */
export interface Side {
  profile: Profile;
  /** Absent when the database could not be opened or the statement prepared (`error` says why). */
  run?: Task;
  error?: string;
  plan: string;
  effective: PragmaValues;
  indexes: string[];
}

interface Opened {
  db?: Database.Database;
  file?: string;
  effective: PragmaValues;
  error?: string;
}

export interface SidesOptions {
  workspace: Workspace;
  /** The short task every round runs: no warm-up (each side is warmed once before its rounds). */
  task: MeasureOptions;
  onProgress?: ProgressFn;
}

/**
 * Opens databases and prepares operations for the ablation's pairs. Reads share one copy
 * per profile (opened on first use, closed by `close`); a write's two sides each get their
 * own fresh copy per pair, so base and arm start from the same file and grow alike through
 * their rounds; `release` removes them when the pair is done.
 */
export function createSides(opts: SidesOptions) {
  const readers = new Map<string, Opened>();
  const readSides = new Map<string, Side>();
  const open = (profile: Profile, label: string): Opened => {
    let file: string | undefined;
    try {
      file = opts.workspace.copy(opts.workspace.seeded(profile), label);
      const opened = openDatabase(file, profile);
      return { db: opened.db, file, effective: opened.effective };
    } catch (err) {
      return { ...(file ? { file } : {}), effective: {}, error: `opening the database failed: ${errorText(err)}` };
    }
  };
  const close = (o: Opened) => {
    o.db?.close();
    if (o.file) opts.workspace.remove(o.file);
  };
  const writeCopies = new Map<Side, Opened>();

  return {
    /** The side of `profile` for `op`: shared for reads, a fresh copy for writes. */
    side(op: PlannedOp, profile: Profile): Side {
      if (op.workload.writes) {
        const opened = open(profile, `${profile.name}-${op.workload.name}`);
        const s = prepareSide(op, profile, opened, opts.task);
        writeCopies.set(s, opened);
        return s;
      }
      const key = `${op.workload.name}\u0000${profile.name}`;
      let s = readSides.get(key);
      if (!s) {
        let reader = readers.get(profile.name);
        if (!reader) {
          opts.onProgress?.({ stage: 'seed', message: `database for ${profile.name}` });
          reader = open(profile, `${profile.name}-reads`);
          readers.set(profile.name, reader);
        }
        s = prepareSide(op, profile, reader, opts.task);
        readSides.set(key, s);
      }
      return s;
    },
    /** Closes and removes a write side's own copy (reads stay open until `close`). */
    release(s: Side): void {
      const opened = writeCopies.get(s);
      if (!opened) return;
      close(opened);
      writeCopies.delete(s);
    },
    close(): void {
      for (const o of [...readers.values(), ...writeCopies.values()]) close(o);
      readers.clear();
      writeCopies.clear();
      readSides.clear();
    },
  };
}

export type Sides = ReturnType<typeof createSides>;

function prepareSide(op: PlannedOp, profile: Profile, opened: Opened, task: MeasureOptions): Side {
  const base = { profile, plan: '', effective: opened.effective, indexes: [] as string[] };
  if (!opened.db) return { ...base, error: opened.error ?? 'no database' };
  const db = opened.db;
  try {
    const plan = explainPlan(db, op.workload.sql, op.paramSets[0] ?? []);
    const fn = prepareOp(op.workload, { db, paramSets: op.paramSets, writeTransaction: profile.writeTransaction });
    const name = `${op.workload.name}/${profile.name}`;
    return { ...base, plan, indexes: indexesPresent(db), run: () => measure(name, fn, task) };
  } catch (err) {
    return { ...base, error: `prepare failed: ${errorText(err)}` };
  }
}
