import { ensureDir } from '../lib/ensure-dir.ts';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { seedDatabase } from '../db/seed.ts';
import type { Profile } from '../db/profiles.ts';

/** Default home of benchmark databases: under the working directory (git-ignored), on its real disk. */
export const DEFAULT_DATA_DIR = '.tmp/bench';

/**
 * A run's private directory of databases. Seeded files are keyed by what lives in the
 * file (journal mode, auto_vacuum, indexes), so profiles and ablation arms that differ
 * only in connection PRAGMAs share one seed; every use gets its own copy.
 */
export interface Workspace {
  dir: string;
  /** The pristine seeded file for a profile's file PRAGMAs and indexes (seeded on first use). */
  seeded(profile: Profile): string;
  /** A fresh copy of `source` (and its -wal, if any) that nobody else touches. */
  copy(source: string, label: string): string;
  /** Deletes a database and its journal files. */
  remove(file: string): void;
  cleanup(): void;
}

export interface WorkspaceOptions {
  dataDir?: string;
  scale: number;
  seed: number;
}

export function fileKey(profile: Profile): string {
  const indexes = profile.indexes.map((i) => i.name).sort();
  return `${profile.file.journal_mode}-av${profile.file.auto_vacuum}-${indexes.length ? indexes.map((n) => n.replace(/^idx_/, '')).join('+') : 'pk'}`;
}

export function createWorkspace(opts: WorkspaceOptions): Workspace {
  const base = resolve(opts.dataDir ?? DEFAULT_DATA_DIR);
  ensureDir(base);
  const dir = mkdtempSync(join(base, 'run-'));
  const seededFiles = new Map<string, string>();
  let copies = 0;
  const remove = (file: string) => {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
  };
  return {
    dir,
    seeded(profile) {
      const key = fileKey(profile);
      let file = seededFiles.get(key);
      if (!file) {
        file = join(dir, `seed-${key}.sqlite`);
        seedDatabase({ out: file, profile, scale: opts.scale, seed: opts.seed });
        seededFiles.set(key, file);
      }
      return file;
    },
    copy(source, label) {
      const dest = join(dir, `copy-${++copies}-${label.replace(/[^A-Za-z0-9_.+-]/g, '_')}.sqlite`);
      copyDatabase(source, dest);
      return dest;
    },
    remove,
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Copies a database file and its -wal (committed pages not yet checkpointed); never opens the source. */
export function copyDatabase(source: string, dest: string): void {
  copyFileSync(source, dest);
  if (existsSync(source + '-wal')) copyFileSync(source + '-wal', dest + '-wal');
}
