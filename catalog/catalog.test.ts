import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { tinyDb } from '../test-support/temp-db.ts';
import { builtinCatalog, catalogFromSpec } from './catalog.ts';
import { openCatalog } from './open.ts';

const mine = {
  extends: 'tuned',
  pragmas: { cache_size: -200000 },
  indexes: ['CREATE INDEX idx_contents_created ON contents(created_at)'],
};

describe('the catalog', () => {
  const tmp = tempDir('loadlab-catalog-');
  afterAll(() => tmp.cleanup());

  it('knows the built-in profiles and scenarios, and names the known ones when a name is wrong', () => {
    const c = builtinCatalog();
    expect(c.profile('tuned').connection.synchronous).toBe(1);
    expect(c.profile('wal-full').name).toBe('wal-full'); // experiment profiles: accepted, not listed
    expect(c.profileNames()).toEqual(['untuned', 'tuned', 'consensus']);
    expect(c.scenario('mix-w30').name).toBe('mix-w30');
    expect(() => c.profile('fast')).toThrow(/unknown profile 'fast' \(known: untuned, tuned, consensus\)/);
    expect(() => c.scenario('nope')).toThrow(/unknown scenario 'nope' \(known: .*read-point/);
    expect(() => c.pgProfile('pg-fast')).toThrow(
      /unknown PostgreSQL profile 'pg-fast' \(known: pg-default, pg-tuned\)/,
    );
  });

  it('builds custom profiles from a spec, lists them with their source, and the profile carries its index', async () => {
    const c = await catalogFromSpec({ source: 'loadlab.config.json', customProfiles: { mine }, scenarioFiles: [] });
    expect(c.profile('mine').connection.cache_size).toBe(-200000);
    expect(c.listed.at(-1)).toMatchObject({ source: 'loadlab.config.json', profile: { name: 'mine' } });
    expect(c.profileNames()).toContain('mine');
    const db = new Database(tinyDb(tmp.dir, c.profile('mine')), { readonly: true });
    try {
      const names = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]).map(
        (r) => r.name,
      );
      expect(names).toContain('idx_contents_created');
    } finally {
      db.close();
    }
    // The built-in catalog is untouched: nothing global was registered.
    expect(builtinCatalog().findProfile('mine')).toBeUndefined();
  });

  it('refuses a built-in name, a taken index name and a spec that is not one', async () => {
    await expect(
      catalogFromSpec({ source: 'x.json', customProfiles: { tuned: mine }, scenarioFiles: [] }),
    ).rejects.toThrow(/'tuned' is a built-in profile name/);
    const twice = { a: mine, b: mine };
    await expect(catalogFromSpec({ source: 'x.json', customProfiles: twice, scenarioFiles: [] })).rejects.toThrow(
      /customProfiles\.b: index name 'idx_contents_created' is already taken/,
    );
    await expect(catalogFromSpec({ profiles: [] })).rejects.toThrow(/--catalog: not a catalog spec/);
  });

  it('reads the config file given or found here, once, and keeps it for run and ab', async () => {
    const file = join(tmp.dir, 'loadlab.config.json');
    writeFileSync(file, JSON.stringify({ scale: 0.01, customProfiles: { mine } }));
    const { catalog, config } = await openCatalog(file);
    expect(catalog.profile('mine').name).toBe('mine');
    expect(catalog.spec).toEqual({ source: file, customProfiles: { mine }, scenarioFiles: [] });
    expect(config?.data.scale).toBe(0.01);
  });

  it('adds scenario files, and a child rebuilds the same catalog from its spec', async () => {
    const spec = join(tmp.dir, 'svc.json');
    writeFileSync(spec, JSON.stringify({ name: 'svc', requests: [{ path: '/' }] }));
    const c = await builtinCatalog().withScenarioFiles([spec]);
    expect(c.scenario('svc').source).toBe(spec);
    const child = await catalogFromSpec(JSON.parse(JSON.stringify(c.spec)));
    expect(child.scenario('svc').endpoints.map((e) => e.name)).toEqual(c.scenario('svc').endpoints.map((e) => e.name));
  });
});
