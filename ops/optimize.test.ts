import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinProfile } from '../db/profiles.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';
import { optimizeDatabase } from './optimize.ts';
import { connectionSnippet } from './snippet.ts';
import { fileChecksum, plainDb } from '../test-support/ops-files.ts';

const tmp = tempDir('loadlab-optimize-');
afterAll(() => tmp.cleanup());

const readPragma = (file: string, name: string) => {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma(name, { simple: true });
  } finally {
    db.close();
  }
};

describe('optimizeDatabase', () => {
  it('--dry-run changes nothing and shows the plan', () => {
    const file = tinyDb(tmp.dir, 'untuned');
    const before = fileChecksum(file);
    const r = optimizeDatabase(file, { profile: builtinProfile('tuned'), dryRun: true });
    expect(fileChecksum(file)).toBe(before);
    expect(r.steps.find((s) => s.step === 'journal_mode')).toMatchObject({
      status: 'planned',
      sql: ['PRAGMA journal_mode = wal'],
    });
    expect(r.steps.filter((s) => s.step === 'index' && s.status === 'planned')).toHaveLength(5);
    expect(readPragma(file, 'journal_mode')).toBe('delete');
  });

  it('on a database of another schema: applies journal_mode, skips the indexes whose tables are missing, warns about auto_vacuum', () => {
    const file = plainDb(tmp.dir, { name: 'other.db' });
    const r = optimizeDatabase(file, { profile: builtinProfile('tuned') });
    expect(readPragma(file, 'journal_mode')).toBe('wal');
    const indexSteps = r.steps.filter((s) => s.step === 'index');
    expect(indexSteps.every((s) => s.status === 'skipped' && /does not exist in this database/.test(s.message))).toBe(
      true,
    );
    expect(r.warnings.join(' ')).toMatch(/auto_vacuum not changed: .*--vacuum/);
    expect(readPragma(file, 'auto_vacuum')).toBe(0);
    // Declined auto_vacuum is a warning; everything else reads back as requested.
    expect(r.mismatches).toEqual([]);
    expect(r.pragmas.find((p) => p.pragma === 'cache_size')).toMatchObject({
      requested: -64000,
      freshOpen: -16000,
      withSnippet: -64000,
    });
  });

  it('--vacuum applies auto_vacuum through VACUUM; the indexes are created and analysed on the guide schema', () => {
    const file = tinyDb(tmp.dir, 'untuned', 0.005, 9);
    const r = optimizeDatabase(file, { profile: builtinProfile('tuned'), vacuum: true });
    expect(r.steps.find((s) => s.step === 'auto_vacuum')!.status).toBe('done');
    expect(readPragma(file, 'auto_vacuum')).toBe(2);
    expect(r.steps.filter((s) => s.step === 'index' && s.status === 'done')).toHaveLength(5);
    expect(r.steps.find((s) => s.step === 'optimize')!.message).toMatch(/ANALYZE/);
    expect(r.mismatches).toEqual([]);
    // Idempotent: a second run has nothing to do.
    const again = optimizeDatabase(file, { profile: builtinProfile('tuned'), vacuum: true });
    expect(again.steps.filter((s) => s.step !== 'optimize').every((s) => s.status === 'unchanged')).toBe(true);
  });

  it('an index that already exists under another name is not duplicated', () => {
    const file = tinyDb(tmp.dir, 'untuned', 0.005, 11);
    const db = new Database(file);
    db.exec('CREATE INDEX my_status ON contents(status)');
    db.close();
    const r = optimizeDatabase(file, { profile: builtinProfile('tuned') });
    expect(r.steps.find((s) => s.target.startsWith('idx_contents_status'))).toMatchObject({
      status: 'unchanged',
      message: expect.stringMatching(/covered by my_status/),
    });
  });
});

describe('connectionSnippet', () => {
  it('is the better-sqlite3 code for the per-connection PRAGMAs, in a safe order', () => {
    const s = connectionSnippet(builtinProfile('consensus'), 'data/app.sqlite');
    expect(s).toContain(`const db = new Database("data/app.sqlite", { timeout: 5000 });`);
    const calls = [...s.matchAll(/db\.pragma\("([^"]+)"\)/g)].map((m) => m[1]);
    expect(calls).toEqual([
      'synchronous = NORMAL',
      'cache_size = -20000',
      'temp_store = MEMORY',
      'mmap_size = 134217728',
      'foreign_keys = ON',
      'journal_size_limit = 67108864',
      'optimize = 0x10002',
    ]);
    expect(s).toMatch(/immediate/);
  });
});
