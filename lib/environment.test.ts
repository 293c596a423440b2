import { describe, expect, it } from 'vitest';
import { probeEnvironment, filesystemOf } from './environment.ts';
import { Environment } from './records/environment.ts';
import { tempDir } from '../test-support/temp-dir.ts';

describe('probeEnvironment', () => {
  it('returns a record the schema accepts, with versions and an fsync figure', () => {
    const tmp = tempDir();
    try {
      const env = probeEnvironment({
        dataDir: tmp.dir,
        pinning: { pinned: false, serverCpu: null, generatorCpu: null, reason: 'test' },
      });
      expect(Environment.parse(env)).toEqual(env);
      expect(env.sqlite).toMatch(/^3\.\d+/);
      expect(env.node).toBe(process.version);
      expect(env.fsyncUs).toBeGreaterThan(0);
      expect(env.caveats.some((c) => c.includes('not pinned'))).toBe(true);
    } finally {
      tmp.cleanup();
    }
  });

  it('names the filesystem of a directory', () => {
    expect(filesystemOf('/proc')).toBe('proc');
  });
});

describe('damonPageout', () => {
  it('finds a kdamond that is on with a pageout scheme, and nothing elsewhere', async () => {
    const { mkdirSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { damonPageout } = await import('./environment.ts');
    const tmp = tempDir();
    try {
      const scheme = join(tmp.dir, '0', 'contexts', '0', 'schemes', '0');
      mkdirSync(scheme, { recursive: true });
      writeFileSync(join(tmp.dir, '0', 'state'), 'on\n');
      writeFileSync(join(scheme, 'action'), 'pageout\n');
      expect(damonPageout(tmp.dir)).toBe(true);
      writeFileSync(join(tmp.dir, '0', 'state'), 'off\n');
      expect(damonPageout(tmp.dir)).toBe(false);
      expect(damonPageout(join(tmp.dir, 'missing'))).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });
});
