import { afterAll, describe, expect, it } from 'vitest';
import { findCountingTools } from '../bench/counted/tools.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';
import { measureHttpCounted } from './counted-http.ts';
import { profiles, scenarios } from '../test-support/catalog.ts';

const tools = findCountingTools(process.env.PATH);
const tmp = tempDir('loadlab-http-counted-');
afterAll(() => tmp.cleanup());

describe('load --counted: exact cost per HTTP request, server-side (real server under strace)', () => {
  it.skipIf(!tools.strace)(
    'counts the fsyncs behind one POST: DELETE+FULL several per request, WAL+NORMAL almost none',
    async () => {
      const seeded = new Map(['untuned', 'tuned'].map((p) => [p, tinyDb(tmp.dir, p)]));
      const records = await measureHttpCounted({
        scenarios: scenarios('write'),
        profiles: profiles('untuned', 'tuned'),
        seededFor: (p) => seeded.get(p.name)!,
        scale: 0.005,
        seed: 42,
        workDir: tmp.dir,
        n: 20,
        instructions: false,
      });
      const by = Object.fromEntries(records.map((r) => [r.profile, r]));
      expect(by.untuned!.status, by.untuned!.reason).toBe('ok');
      expect(by.tuned!.status, by.tuned!.reason).toBe('ok');
      expect(by.untuned!.fsyncPerOp!).toBeGreaterThanOrEqual(2);
      expect(by.tuned!.fsyncPerOp!).toBeLessThanOrEqual(0.1);
      expect(by.untuned!.writeBytesPerOp!).toBeGreaterThan(by.tuned!.writeBytesPerOp!);
      expect(by.untuned!.instructionsPerOp).toBeNull();
      expect(by.untuned!.totals.twoN!.ops).toBe(40);
    },
    120_000,
  );

  it('is skipped with the install hint when the tools are missing', async () => {
    const records = await measureHttpCounted({
      scenarios: scenarios('read-point'),
      profiles: profiles('tuned'),
      seededFor: () => 'unused',
      scale: 0.005,
      seed: 42,
      workDir: tmp.dir,
      searchPath: '/nonexistent',
    });
    expect(records).toHaveLength(1);
    expect(records[0]!.status).toBe('skipped');
    expect(records[0]!.reason).toMatch(/apt-get install/);
  });
});
