import { existsSync, writeFileSync } from 'node:fs';
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

  it('5 rounds exit 2 before measuring anything, with one line: "error: not enough rounds: 5 of the 6 that 95 % needs"', async () => {
    const config = join(dir, 'five.json');
    writeFileSync(config, JSON.stringify({ load: { trials: 5 } }));
    const out = join(dir, 'out');
    expect(await main(['ab', HERE, HERE, '--config', config, '--out', out])).toBe(2);
    expect(stderr.join('')).toBe(
      'error: not enough rounds: 5 of the 6 that 95 % needs (load.trials is the number of rounds)\n',
    );
    expect(existsSync(out)).toBe(false);
  });
});
