/**
 * The copies `tune` works on. The user's file is copied once (never opened); every variant
 * (a page size, a set of indexes, a journal mode: what lives in the file) is made from that
 * copy on first use and kept for the run; a paired comparison gives each side its own copy
 * of its variant for its writes, and reads every variant as made, so inserted rows never
 * change what a read costs.
 */
import Database from 'better-sqlite3';
import type { Workspace } from '../bench/workspace.ts';
import type { IndexCandidate } from './index-candidates.ts';
import type { JournalMode } from './space.ts';

export interface VariantKey {
  page_size: number;
  journal_mode: JournalMode;
  /** Candidate indexes present, by name. */
  indexes: readonly IndexCandidate[];
}

export interface Variants {
  /** The variant file (made on first use). */
  file(key: VariantKey): string;
  /** One copy per variant that the search's writes may grow (the variant itself stays as made). */
  scratch(key: VariantKey): string;
  /** A private copy of a variant, removed by `release`. */
  copy(key: VariantKey, label: string): string;
  release(file: string): void;
  /** The longest a variant took to make so far, seconds (a copy, its indexes, a VACUUM). */
  readonly maxBuildSeconds: number;
}

export function variantName(key: VariantKey): string {
  const ix = key.indexes.map((i) => i.name).sort();
  return `p${key.page_size}-${key.journal_mode}-${ix.length ? ix.join('+') : 'noidx'}`;
}

/** Turns a copy into a variant: indexes created, page size changed through VACUUM, journal mode stored. */
export function makeVariant(file: string, key: VariantKey): void {
  const db = new Database(file, { fileMustExist: true, timeout: 5000 });
  try {
    if (key.indexes.length > 0) db.transaction(() => key.indexes.forEach((ix) => db.exec(ix.sql)))();
    const page = Number(db.pragma('page_size', { simple: true }));
    const mode = String(db.pragma('journal_mode', { simple: true })).toLowerCase();
    if (page !== key.page_size) {
      // The page size of a WAL file changes only after leaving WAL.
      if (mode === 'wal') db.pragma('journal_mode = delete');
      db.pragma(`page_size = ${key.page_size}`);
      db.exec('VACUUM');
    }
    db.pragma(`journal_mode = ${key.journal_mode}`);
    const got = {
      page: Number(db.pragma('page_size', { simple: true })),
      mode: String(db.pragma('journal_mode', { simple: true })).toLowerCase(),
    };
    if (got.page !== key.page_size || got.mode !== key.journal_mode)
      throw new Error(
        `could not make ${variantName(key)}: page_size ${got.page}, journal_mode ${got.mode} after the change`,
      );
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
}

export function createVariants(workspace: Workspace, source: string): Variants {
  const made = new Map<string, string>();
  let maxBuildMs = 0;
  const file = (key: VariantKey) => {
    const name = variantName(key);
    let f = made.get(name);
    if (!f) {
      const t0 = performance.now();
      f = workspace.copy(source, `variant-${made.size + 1}`);
      makeVariant(f, key);
      made.set(name, f);
      maxBuildMs = Math.max(maxBuildMs, performance.now() - t0);
    }
    return f;
  };
  const scratches = new Map<string, string>();
  return {
    file,
    scratch(key) {
      const name = variantName(key);
      let f = scratches.get(name);
      if (!f) scratches.set(name, (f = workspace.copy(file(key), `scratch-${scratches.size + 1}`)));
      return f;
    },
    copy: (key, label) => workspace.copy(file(key), label),
    release: (f) => workspace.remove(f),
    get maxBuildSeconds() {
      return maxBuildMs / 1000;
    },
  };
}
