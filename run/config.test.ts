import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { UsageError } from '../lib/errors.ts';
import { ConfigFile, mergeConfig } from '../lib/records/run-config.ts';
import { loadConfigFile } from './config-file.ts';
import { FULL, QUICK } from './presets.ts';

describe('config', () => {
  it('lays a file over the preset one level deep', () => {
    const c = mergeConfig(QUICK, { load: { durationS: 7 }, profiles: ['tuned'] });
    expect(c.load.durationS).toBe(7);
    expect(c.load.trials).toBe(QUICK.load.trials);
    expect(c.profiles).toEqual(['tuned']);
  });
  it('rejects unknown keys, so a typo is not silently ignored', () => {
    expect(ConfigFile.safeParse({ laod: {} }).success).toBe(false);
    expect(ConfigFile.safeParse({ load: { duration: 3 } }).success).toBe(false);
  });
  it('keeps every preset value a file does not name, defaults of the schema included', async () => {
    // A file naming capacity.durationS once reset --full's refine 3 / sweeps 3 to the schema's 0 / 1.
    const { dir, cleanup } = tempDir();
    const file = join(dir, 'trim.json');
    writeFileSync(file, JSON.stringify({ capacity: { durationS: 10 }, bench: { timeMs: 5 } }));
    const c = await loadConfigFile(file, { ...FULL, bench: { ...FULL.bench, counted: true } }).finally(cleanup);
    expect(c.capacity.durationS).toBe(10);
    expect(c.capacity.refine).toBe(FULL.capacity.refine);
    expect(c.capacity.sweeps).toBe(FULL.capacity.sweeps);
    expect(FULL.capacity.sweeps).toBeGreaterThan(1); // else this test could not fail
    expect(c.bench.counted).toBe(true);
    expect(ConfigFile.parse({ capacity: {} })).toEqual({ capacity: {} });
  });
  it('has a full preset that is the monthly run', () => {
    expect(FULL.load.durationS * FULL.load.trials).toBe(300);
    expect(FULL.load.trials).toBeGreaterThanOrEqual(3);
  });
});

describe('loadConfigFile', () => {
  it('reads JSON and TypeScript configs', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'c.json'), JSON.stringify({ scale: 0.2, thresholds: { comparePct: 5 } }));
      writeFileSync(
        join(dir, 'c.ts'),
        'const scale: number = 0.3;\nexport default { scale, capacity: { sloP95Ms: 100 } };\n',
      );
      const j = await loadConfigFile(join(dir, 'c.json'), QUICK);
      expect(j.scale).toBe(0.2);
      expect(j.thresholds.comparePct).toBe(5);
      const t = await loadConfigFile(join(dir, 'c.ts'), QUICK);
      expect(t.scale).toBe(0.3);
      expect(t.capacity.sloP95Ms).toBe(100);
    } finally {
      cleanup();
    }
  });
  it('names the bad field in a one-line usage error', async () => {
    const { dir, cleanup } = tempDir();
    try {
      writeFileSync(join(dir, 'bad.json'), JSON.stringify({ load: { trials: 0 } }));
      const err = await loadConfigFile(join(dir, 'bad.json'), QUICK).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UsageError);
      expect((err as Error).message).toMatch(/invalid config at load\.trials/);
      await expect(loadConfigFile(join(dir, 'missing.json'), QUICK)).rejects.toThrow(/config file not found/);
    } finally {
      cleanup();
    }
  });
});
