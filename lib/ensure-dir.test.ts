import { describe, expect, it } from 'vitest';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from './ensure-dir.ts';
import { UsageError } from './errors.ts';
import { tempDir } from '../test-support/temp-dir.ts';

describe('ensureDir', () => {
  it('creates nested directories and accepts existing ones', () => {
    const tmp = tempDir();
    try {
      const deep = join(tmp.dir, 'a', 'b', 'c');
      ensureDir(deep);
      ensureDir(deep);
      expect(existsSync(deep)).toBe(true);
    } finally {
      tmp.cleanup();
    }
  });

  it('fails fast with a UsageError under /proc (where recursive mkdir hangs on Node 20)', () => {
    expect(() => ensureDir('/proc/loadlab-nope/x')).toThrow(UsageError);
  });

  it('refuses a path through a regular file', () => {
    const tmp = tempDir();
    try {
      writeFileSync(join(tmp.dir, 'f'), 'x');
      expect(() => ensureDir(join(tmp.dir, 'f', 'sub'))).toThrow(/not a directory/);
    } finally {
      tmp.cleanup();
    }
  });
});
