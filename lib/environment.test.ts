import { describe, expect, it } from 'vitest';
import { probeEnvironment, filesystemOf } from './environment.ts';
import { Environment } from './records/environment.ts';
import { tempDir } from '../fixture-server/testing.ts';

describe('probeEnvironment', () => {
  it('returns a record the schema accepts, with versions and an fsync figure', () => {
    const tmp = tempDir();
    try {
      const env = probeEnvironment({ dataDir: tmp.dir, pinning: { pinned: false, serverCpu: null, generatorCpu: null, reason: 'test' } });
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
