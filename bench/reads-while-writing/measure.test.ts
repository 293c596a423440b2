import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtinProfile } from '../../db/profiles.ts';
import { tempDir, tinyDb } from '../../test-support/temp-db.ts';
import { ReadsWhileWritingRecord } from '../../lib/records/reads-while-writing.ts';
import { measureReadsWhileWriting } from './measure.ts';

const tmp = tempDir('loadlab-rww-');
afterAll(() => tmp.cleanup());

describe('reads while a writer thread commits (engine level)', () => {
  it('measures reads on one connection while another writes, under each journal mode, and leaves no file behind', async () => {
    const records = [];
    for (const profile of ['untuned', 'untuned-wal']) {
      const seeded = tinyDb(tmp.dir, profile);
      const before = readdirSync(tmp.dir).length;
      const r = await measureReadsWhileWriting({
        seeded,
        profile: builtinProfile(profile),
        scale: 0.005,
        seed: 42,
        workDir: tmp.dir,
        durationMs: 300,
      });
      records.push(ReadsWhileWritingRecord.parse(r));
      expect(r, JSON.stringify(r)).toMatchObject({ profile, status: 'ok' });
      expect(r.reads).toBeGreaterThan(100);
      expect(r.writes).toBeGreaterThan(0);
      expect(r.latencyUs.p95).toBeGreaterThan(0);
      expect(readdirSync(tmp.dir).length).toBe(before);
      expect(existsSync(seeded)).toBe(true);
    }
    // WAL: a reader is never turned away by the writer.
    const wal = records.find((r) => r.profile === 'untuned-wal')!;
    expect(wal.refused / (wal.reads + wal.refused)).toBeLessThan(0.01);
  }, 60_000);

  it('a database that cannot be opened is a failed record, not a crash', async () => {
    const notSqlite = join(tmp.dir, 'not-sqlite.sqlite');
    writeFileSync(notSqlite, 'this is not a database, it only has the name of one\n'.repeat(200));
    const r = await measureReadsWhileWriting({
      seeded: notSqlite,
      profile: builtinProfile('untuned'),
      scale: 0.005,
      seed: 42,
      workDir: tmp.dir,
      durationMs: 100,
    }).catch((err: Error) => ({ status: 'threw', reason: err.message }));
    expect(r.status).toBe('failed');
  });
});
