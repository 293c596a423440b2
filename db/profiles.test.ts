import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { PROFILES, builtinProfile } from './profiles.ts';
import { openDatabase, requestedPragmas } from './open.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe.each(PROFILES.map((p) => p.name))('profile %s', (name) => {
  const profile = builtinProfile(name);
  const file = tinyDb(tmp.dir, name);

  it('reads back every requested PRAGMA with no mismatch', () => {
    const opened = openDatabase(file, profile);
    try {
      expect(opened.mismatches).toEqual([]);
      for (const [k, v] of Object.entries(requestedPragmas(profile))) expect(opened.effective[k]).toBe(v);
    } finally {
      opened.db.close();
    }
  });

  it('stores its file PRAGMAs in the seeded file (seen by a plain connection)', () => {
    const db = new Database(file, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe(profile.file.journal_mode);
      expect(db.pragma('auto_vacuum', { simple: true })).toBe(profile.file.auto_vacuum);
      const indexes = (
        db.prepare("SELECT name FROM sqlite_master WHERE type='index' AND name NOT LIKE 'sqlite_%'").all() as {
          name: string;
        }[]
      ).map((r) => r.name);
      expect(indexes.sort()).toEqual(profile.indexes.map((i) => i.name).sort());
    } finally {
      db.close();
    }
  });
});

describe('untuned', () => {
  it('overrides better-sqlite3 defaults that differ from stock SQLite', () => {
    const opened = openDatabase(tinyDb(tmp.dir, 'untuned', 0.001), builtinProfile('untuned'));
    try {
      expect(opened.effective.cache_size).toBe(-2000); // better-sqlite3 builds with -16000
      expect(opened.effective.busy_timeout).toBe(0); // better-sqlite3's timeout option defaults to 5000
      expect(opened.effective.synchronous).toBe(2);
    } finally {
      opened.db.close();
    }
  });
});

describe('mismatch detection', () => {
  it('reports a file PRAGMA the file does not have', () => {
    // A tuned-seeded file opened as untuned cannot change auto_vacuum without VACUUM.
    const file = tinyDb(tmp.dir, 'tuned', 0.001);
    const opened = openDatabase(file, builtinProfile('untuned'));
    try {
      expect(opened.mismatches).toContainEqual({ pragma: 'auto_vacuum', requested: 0, effective: 2 });
    } finally {
      opened.db.close();
    }
  });
});
