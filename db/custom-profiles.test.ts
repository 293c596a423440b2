import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { tinyDb } from '../test-support/temp-db.ts';
import { buildCustomProfile, parseIndexStatement, tableColumns } from './custom-profiles.ts';
import { builtinProfile, findBuiltinProfile } from './profiles.ts';
import { builtinIndex } from './schema.ts';

const builtin = (name: string) => findBuiltinProfile(name);
const indexNameTaken = (name: string) => builtinIndex(name) !== undefined;
const mine = {
  extends: 'tuned',
  pragmas: { cache_size: -200000 },
  indexes: ['CREATE INDEX idx_contents_created ON contents(created_at)'],
};

describe('custom profiles (config customProfiles)', () => {
  const tmp = tempDir('loadlab-custom-');
  afterAll(() => tmp.cleanup());

  it('extends a built-in profile with PRAGMAs, an index and a write mode', () => {
    const { profile, indexes } = buildCustomProfile(
      'mine',
      { ...mine, writeTransaction: 'immediate', pragmas: { cache_size: -200000, synchronous: 'full' } },
      builtin,
      indexNameTaken,
    );
    const tuned = builtinProfile('tuned');
    expect(profile.connection.cache_size).toBe(-200000);
    expect(profile.connection.synchronous).toBe(2);
    expect(profile.connection.mmap_size).toBe(tuned.connection.mmap_size);
    expect(profile.file).toEqual(tuned.file);
    expect(profile.indexes.map((i) => i.name)).toEqual([...tuned.indexes.map((i) => i.name), 'idx_contents_created']);
    expect(profile.writeTransaction).toBe('immediate');
    expect(indexes).toEqual([{ name: 'idx_contents_created', table: 'contents', columns: ['created_at'] }]);
  });

  it('refuses a bad PRAGMA value naming the key and what is allowed', () => {
    const build = (pragmas: Record<string, number | string>) =>
      buildCustomProfile('mine', { extends: 'tuned', pragmas }, builtin, indexNameTaken);
    expect(() => build({ synchronous: 7 })).toThrow(
      /customProfiles\.mine\.pragmas\.synchronous: 7 is not allowed \(allowed: 0\.\.3 or off \| normal \| full \| extra\)/,
    );
    expect(() => build({ cache_size: 1.5 })).toThrow(/cache_size: 1\.5 is not allowed \(allowed: an integer from/);
    expect(() => build({ page_size: 4096 })).toThrow(/pragmas\.page_size: not a PRAGMA a profile may set \(known: /);
    expect(() => buildCustomProfile('mine', { extends: 'fast' }, builtin, indexNameTaken)).toThrow(
      /customProfiles\.mine\.extends: unknown profile 'fast'/,
    );
  });

  it('accepts only a plain CREATE INDEX on a schema table and column, and rebuilds the SQL itself', () => {
    expect(parseIndexStatement('create index if not exists ix on campaigns(client_id, status);', 'x')).toEqual({
      name: 'ix',
      table: 'campaigns',
      columns: ['client_id', 'status'],
    });
    expect(() => parseIndexStatement('CREATE INDEX ix ON contents(status); DROP TABLE clients', 'x')).toThrow(
      /expected "CREATE INDEX/,
    );
    expect(() => parseIndexStatement('CREATE INDEX ix ON users(id)', 'x')).toThrow(/unknown table 'users'/);
    expect(() => parseIndexStatement('CREATE INDEX ix ON contents(nope)', 'x')).toThrow(
      /contents has no column 'nope'/,
    );
    expect(tableColumns('contents')).toEqual(['id', 'campaign_id', 'title', 'status', 'body', 'created_at']);
  });

  it('seeds the extra index with the profile', () => {
    const { profile } = buildCustomProfile('mine', mine, builtin, indexNameTaken);
    const db = new Database(tinyDb(tmp.dir, profile), { readonly: true });
    try {
      const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]).map(
        (r) => r.name,
      );
      expect(names).toContain('idx_contents_created');
      expect(names).toContain('idx_contents_status');
    } finally {
      db.close();
    }
  });

  it('refuses an index name that is taken', () => {
    const taken = { ...mine, indexes: ['CREATE INDEX idx_contents_status ON contents(created_at)'] };
    expect(() => buildCustomProfile('mine', taken, builtin, indexNameTaken)).toThrow(
      /customProfiles\.mine: index name 'idx_contents_status' is already taken/,
    );
  });
});
