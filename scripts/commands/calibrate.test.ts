import { afterAll, describe, expect, it, vi } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../../test-support/temp-dir.ts';
import { main } from '../cli.ts';

const tmp = tempDir('loadlab-calibrate-cli-');
afterAll(() => tmp.cleanup());

async function loadlab(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('loadlab calibrate, refused up front', () => {
  it.each([
    [['--runs', '0'], /^error: --runs must be at least 1, got 0$/],
    [['--runs', '1.5'], /^error: --runs must be a whole number, got '1\.5'$/],
    [['--runs', '51'], /^error: --runs must be at most 50, got 51$/],
    [['--runs', '1', '--bands', '.'], /^error: --bands: \. is a directory$/],
  ])('%j: one line, exit 2, nothing measured or written', async (args, message) => {
    const out = join(tmp.dir, 'runs');
    const r = await loadlab('calibrate', ...args, '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(message);
    expect(r.stdout).toBe('');
    expect(existsSync(out) ? readdirSync(out) : []).toEqual([]);
  });
});
