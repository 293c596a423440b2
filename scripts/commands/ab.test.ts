import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { findOnPath } from '../../bench/counted/tools.ts';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../test-support/temp-dir.ts';
import { main } from '../cli.ts';

const HERE = resolve(import.meta.dirname, '..', '..');

describe('loadlab ab: too few rounds', () => {
  let dir: string;
  let cleanup: () => void;
  let stderr: string[];
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    stderr = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (stderr.push(String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    cleanup();
  });

  it('5 rounds for the 12 gating metrics of --quick exit 2 before measuring anything, with one line', async () => {
    const config = join(dir, 'five.json');
    writeFileSync(config, JSON.stringify({ load: { trials: 5 } }));
    const out = join(dir, 'out');
    expect(await main(['ab', HERE, HERE, '--config', config, '--out', out])).toBe(2);
    expect(stderr.join('')).toBe(
      'error: not enough rounds: 5 of the 8 that 99.2 % needs (load.trials is the number of rounds)\n',
    );
    expect(existsSync(out)).toBe(false);
  });

  it('item 5: --counted with valgrind hidden from PATH exits 2 before measuring, naming the missing tool', async () => {
    // A PATH with git and strace (when present) but no valgrind.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    for (const tool of ['git', 'strace']) {
      const at = findOnPath(tool, process.env.PATH);
      if (at) symlinkSync(at, join(bin, tool));
    }
    const path = process.env.PATH;
    process.env.PATH = bin;
    const out = join(dir, 'out');
    try {
      expect(await main(['ab', HERE, HERE, '--counted', '--out', out])).toBe(2);
    } finally {
      process.env.PATH = path;
    }
    expect(stderr.join('')).toBe(
      'error: --counted needs valgrind and strace on PATH: valgrind not found (apt-get install valgrind strace)\n',
    );
    expect(existsSync(out)).toBe(false);
  });
});
