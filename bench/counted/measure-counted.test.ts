import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../db/profiles.ts';
import { UsageError } from '../../lib/errors.ts';
import { CountedRecord } from '../../lib/records/counted.ts';
import { tempDir, tinyDb } from '../../test-support/temp-db.ts';
import { measureCounted, type CountedOptions } from './measure-counted.ts';
import { findCountingTools } from './tools.ts';
import { profiles } from '../../test-support/catalog.ts';

const tools = findCountingTools();
const haveTools = tools.valgrind !== null && tools.strace !== null;

describe('measureCounted, checks that need no tools', () => {
  it('is skipped with the install hint when PATH has neither valgrind nor strace', async () => {
    const empty = tempDir('counted-empty-path-');
    const saved = process.env.PATH;
    process.env.PATH = empty.dir;
    try {
      const records = await measureCounted({
        profiles: profiles('untuned', 'tuned'),
        ops: ['point-read'],
        dataDir: empty.dir,
      });
      expect(records.map((r) => [r.profile, r.status, r.reason])).toEqual([
        ['untuned', 'skipped', 'valgrind not found (apt-get install valgrind strace)'],
        ['tuned', 'skipped', 'valgrind not found (apt-get install valgrind strace)'],
      ]);
      expect(records.every((r) => CountedRecord.safeParse(r).success && r.instructionsPerOp === null)).toBe(true);
    } finally {
      process.env.PATH = saved;
      empty.cleanup();
    }
  });

  it('rejects an n that is not a positive integer, naming it', async () => {
    await expect(measureCounted({ n: 0 })).rejects.toThrow(UsageError);
    await expect(measureCounted({ n: 1.5 })).rejects.toThrow(/^n \(operations per counted run\)/);
  });
});

// CI installs both tools (.ci/run); elsewhere the measurements are skipped when they are missing.
describe.skipIf(!haveTools && !process.env.CI)('measureCounted with valgrind and strace', () => {
  let dir: string;
  let cleanup: () => void;
  const seeded = new Map<string, string>();
  const sourceFor = (p: Profile) => seeded.get(p.name)!;
  const count = (opts: CountedOptions) => measureCounted({ scale: 0.005, dataDir: dir, sourceFor, ...opts });

  beforeAll(() => {
    ({ dir, cleanup } = tempDir('counted-'));
    for (const name of ['untuned', 'tuned']) seeded.set(name, tinyDb(dir, name));
  });
  afterAll(() => cleanup());

  it('counts several fsyncs per autocommit insert untuned (DELETE+FULL), almost none tuned (WAL+NORMAL)', async () => {
    const ops = ['insert-autocommit'];
    const records = await count({ profiles: profiles('untuned', 'tuned'), ops, n: 50, instructions: false });
    const [untuned, tuned] = records;
    expect(untuned).toMatchObject({ status: 'ok', effective: { journal_mode: 'delete', synchronous: 2 } });
    expect(tuned).toMatchObject({ status: 'ok', effective: { journal_mode: 'wal', synchronous: 1 } });
    expect(untuned!.fsyncPerOp).toBeGreaterThanOrEqual(2);
    expect(tuned!.fsyncPerOp).toBeLessThanOrEqual(0.1);
    expect(untuned!.writeBytesPerOp).toBeGreaterThan(4096);
    expect(untuned!.instructionsPerOp).toBeNull();
    expect(records.every((r) => CountedRecord.safeParse(r).success)).toBe(true);
  }, 120_000);

  it('counts a point read in thousands of instructions, the same to 0.5 % in two runs', async () => {
    const opts: CountedOptions = { profiles: profiles('untuned'), ops: ['point-read'], n: 500 };
    const [first] = await count(opts);
    const [second] = await count(opts);
    expect(first).toMatchObject({ status: 'ok', writes: false, fsyncPerOp: 0, writeCallsPerOp: 0 });
    expect(first!.instructionsPerOp).toBeGreaterThan(1_000);
    expect(first!.instructionsPerOp).toBeLessThan(1_000_000);
    expect(Math.abs(second!.instructionsPerOp! / first!.instructionsPerOp! - 1)).toBeLessThan(0.005);
    expect(second!.readCallsPerOp).toBe(first!.readCallsPerOp);
    expect(first!.totals.twoN!.instructions! - first!.totals.n!.instructions!).toBeGreaterThan(0);
  }, 120_000);

  it('turns a database that cannot be copied into a failed record with the reason', async () => {
    const [record] = await measureCounted({
      profiles: profiles('untuned'),
      ops: ['point-read'],
      n: 1,
      dataDir: dir,
      sourceFor: () => `${dir}/missing.sqlite`,
    });
    expect(record).toMatchObject({ status: 'failed', op: 'point-read', profile: 'untuned' });
    expect(record!.reason).toMatch(/ENOENT|no such file/);
  });
});
