import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { existsSync } from 'node:fs';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';
import { builtinProfile } from '../db/profiles.ts';
import { measureVacuum } from './vacuum.ts';

describe('measureVacuum', () => {
  it('deletes a share of rows, and VACUUM gives the free pages back', () => {
    const { dir, cleanup } = tempDir();
    try {
      for (const name of ['untuned', 'tuned']) {
        const seeded = tinyDb(dir, name, 0.01);
        const r = measureVacuum({
          seeded,
          workFile: join(dir, `work-${name}.sqlite`),
          profile: builtinProfile(name),
          deleteShare: 0.35,
          updateShare: 0.1,
        });
        expect(r.status, r.reason).toBe('ok');
        expect(r.deletedRows).toBeGreaterThan(500);
        expect(r.deletedRows).toBeLessThan(900);
        expect(r.freelistPages.beforeVacuum).toBeGreaterThan(0);
        expect(r.freelistPages.afterVacuum).toBe(0);
        expect(r.bytes.afterVacuum).toBeLessThan(r.bytes.beforeVacuum);
        if (name === 'untuned') {
          // auto_vacuum=NONE: no routine maintenance, the freed pages stay.
          expect(r.maintenance).toMatch(/^none \(auto_vacuum=NONE/);
          expect(r.bytes.afterMaintenance).toBe(r.bytes.beforeVacuum);
        } else {
          // tuned's auto_vacuum=INCREMENTAL: incremental_vacuum gives the free pages back.
          expect(r.maintenance).toMatch(/incremental_vacuum/);
          expect(r.bytes.afterMaintenance!).toBeLessThan(r.bytes.beforeVacuum);
        }
        expect(existsSync(join(dir, `work-${name}.sqlite`))).toBe(false);
      }
    } finally {
      cleanup();
    }
  });
  it('records a failure as data', () => {
    const r = measureVacuum({
      seeded: '/nonexistent/x.sqlite',
      workFile: '/tmp/loadlab-vacuum-none.sqlite',
      profile: builtinProfile('untuned'),
      deleteShare: 0.3,
      updateShare: 0,
    });
    expect(r.status).toBe('failed');
    expect(r.reason).toMatch(/ENOENT/);
  });
});
