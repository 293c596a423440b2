import { describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { RunConfig } from '../lib/records/run-config.ts';
import { AbFile } from '../lib/records/ab.ts';
import { liveChildren } from '../lib/server-process.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { AB_QUICK } from './presets.ts';
import { slicesPerSide } from './load-trial.ts';
import { runAb } from './run.ts';
import { checkoutOf } from './sides.ts';

const HERE = resolve(import.meta.dirname, '..');
const tiny = RunConfig.parse({
  ...AB_QUICK,
  scale: 0.005,
  load: {
    ...AB_QUICK.load,
    scenarios: ['read-point', 'write'],
    connections: 4,
    durationS: 0.5,
    warmupS: 0.2,
    trials: 2,
  },
  bench: { ...AB_QUICK.bench, enabled: true, ops: ['point-read'], timeMs: 20 },
});

describe('runAb (real servers, real autocannon)', () => {
  it('alternates both sides of this checkout slice by slice, pairs neighbouring slices and writes a valid record', async () => {
    const tmp = tempDir('loadlab-ab-');
    try {
      const rounds: number[] = [];
      const ab = await runAb({
        baseline: checkoutOf('baseline', HERE, tiny, null),
        candidate: checkoutOf('candidate', HERE, tiny, null),
        config: tiny,
        mode: 'custom',
        outDir: tmp.dir,
        orderSeed: 1,
        onRound: (f) => rounds.push(f.roundsDone),
      });
      expect(() => AbFile.parse(ab)).not.toThrow();
      expect(rounds).toEqual([1, 2]);
      // 2 rounds × 2 arms × 2 sides × 4 slices (0.5 s per side cut into 0.125 s slices).
      const perSide = slicesPerSide(tiny.load.durationS);
      expect(perSide).toBe(4);
      expect(ab.trials).toHaveLength(2 * 2 * 2 * perSide);
      expect(ab.trials.every((t) => t.status === 'ok' && t.rps > 0)).toBe(true);
      // A pair is two neighbouring slices of one arm, one per side.
      for (let i = 0; i < ab.trials.length; i += 2) {
        const [a, b] = [ab.trials[i]!, ab.trials[i + 1]!];
        expect(a.scenario).toBe(b.scenario);
        expect(a.pair).toBe(b.pair);
        expect(b.seq).toBe(a.seq + 1);
        expect(new Set([a.side, b.side]).size).toBe(2);
      }
      expect(ab.bench.filter((b) => b.status === 'ok' && b.op === 'point-read')).toHaveLength(4);
      expect(ab.metrics.map((m) => m.key)).toContain('ab/read-point/tuned/rps');
      expect(ab.metrics.find((m) => m.key === 'ab/write/tuned/rps')!.paired).toHaveLength(2 * perSide);
      expect(ab.problems).toEqual([]);
      // Two rounds are too few for the family's intervals: measured and recorded, but no verdict (exit 2).
      expect(ab.metrics.find((m) => m.key === 'ab/write/tuned/rps')).toMatchObject({
        verdict: 'not enough rounds',
        reason: expect.stringMatching(/^not enough rounds: 2 of the [6-9] that 9\d\.\d % needs$/),
        method: 'round-sign-test',
        rounds: 2,
      });
      expect(ab.exitCode).toBe(2);
      expect(liveChildren()).toBe(0);
    } finally {
      tmp.cleanup();
    }
  }, 120_000);

  it('a candidate that cannot even seed is a failure (exit 1), not a pass', async () => {
    const tmp = tempDir('loadlab-ab-');
    try {
      const broken = join(tmp.dir, 'broken');
      mkdirSync(join(broken, 'bin'), { recursive: true });
      mkdirSync(join(broken, 'node_modules'));
      writeFileSync(join(broken, 'bin', 'loadlab.js'), "console.error('schema migration failed'); process.exit(3);\n");
      const ab = await runAb({
        baseline: checkoutOf('baseline', HERE, tiny, null),
        candidate: checkoutOf('candidate', broken, tiny, null),
        config: tiny,
        mode: 'custom',
        outDir: join(tmp.dir, 'out'),
        orderSeed: 1,
      });
      expect(ab.exitCode).toBe(1);
      expect(ab.problems[0]).toMatch(/candidate could not seed tuned: schema migration failed/);
      expect(ab.trials).toEqual([]);
      expect(liveChildren()).toBe(0);
    } finally {
      tmp.cleanup();
    }
  }, 120_000);

  it('refuses a directory that is not a checkout', () => {
    expect(() => checkoutOf('candidate', '/nonexistent/dir', tiny, null)).toThrow(/candidate directory not found/);
    const tmp = tempDir();
    try {
      expect(() => checkoutOf('candidate', tmp.dir, tiny, null)).toThrow(/not a loadlab checkout/);
    } finally {
      tmp.cleanup();
    }
  });
});
