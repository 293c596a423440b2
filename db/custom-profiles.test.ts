import Database from 'better-sqlite3';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { tinyDb } from '../test-support/temp-db.ts';
import { buildCustomProfile, parseIndexStatement, tableColumns } from './custom-profiles.ts';
import { CUSTOM_PROFILES_ENV, findProfile, profileNames, registerCustomProfiles, resolveProfile } from './profiles.ts';
import { indexNameTaken } from './schema.ts';

const builtin = (name: string) => findProfile(name);
const mine = {
  extends: 'tuned',
  pragmas: { cache_size: -200000 },
  indexes: ['CREATE INDEX idx_contents_created ON contents(created_at)'],
};

describe('custom profiles (config customProfiles)', () => {
  const tmp = tempDir('loadlab-custom-');
  afterAll(() => tmp.cleanup());
  afterEach(() => {
    registerCustomProfiles({}, 'test');
    delete process.env[CUSTOM_PROFILES_ENV];
  });

  it('extends a built-in profile with PRAGMAs, an index and a write mode', () => {
    const { profile, indexes } = buildCustomProfile(
      'mine',
      { ...mine, writeTransaction: 'immediate', pragmas: { cache_size: -200000, synchronous: 'full' } },
      builtin,
      indexNameTaken,
    );
    const tuned = resolveProfile('tuned');
    expect(profile.connection.cache_size).toBe(-200000);
    expect(profile.connection.synchronous).toBe(2);
    expect(profile.connection.mmap_size).toBe(tuned.connection.mmap_size);
    expect(profile.file).toEqual(tuned.file);
    expect(profile.indexes).toEqual([...tuned.indexes, 'idx_contents_created']);
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

  it('registers by name for this process and its children, and seeds the extra index', () => {
    registerCustomProfiles({ mine }, 'loadlab.config.json');
    expect(resolveProfile('mine').connection.cache_size).toBe(-200000);
    expect(profileNames()).toContain('mine');
    expect(JSON.parse(process.env[CUSTOM_PROFILES_ENV]!)).toEqual({ source: 'loadlab.config.json', defs: { mine } });
    const db = new Database(tinyDb(tmp.dir, 'mine'), { readonly: true });
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

  it('refuses to redefine a built-in profile', () => {
    expect(() => registerCustomProfiles({ tuned: mine }, 'x.json')).toThrow(/'tuned' is a built-in profile name/);
  });
});
