import { afterAll, describe, expect, it, vi } from 'vitest';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { tempDir } from '../../test-support/temp-dir.ts';
import { ScenarioFile } from '../../lib/records/scenario-file.ts';
import { main } from '../cli.ts';

const tmp = tempDir('loadlab-init-');
afterAll(() => tmp.cleanup());

async function loadlab(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((c) => ((stdout += String(c)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((c) => ((stderr += String(c)), true));
  try {
    return { code: await main(args), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

describe('loadlab init', () => {
  it('writes the three starter files, each valid, and never overwrites without --force', async () => {
    const dir = join(tmp.dir, 'app');
    mkdirSync(dir);
    const r = await loadlab('init', '--dir', dir);
    expect(r.code, r.stderr).toBe(0);
    const workflow = readFileSync(join(dir, '.github/workflows/perf.yml'), 'utf8');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(validateWorkflow(workflow).errors).toEqual([]);
    } finally {
      warn.mockRestore();
    }
    expect(ScenarioFile.safeParse(JSON.parse(readFileSync(join(dir, 'loadlab.scenario.json'), 'utf8'))).success).toBe(
      true,
    );
    expect(readFileSync(join(dir, 'loadlab.config.ts'), 'utf8')).toContain("from 'sqlite-loadlab'");

    writeFileSync(join(dir, 'loadlab.config.ts'), '// mine\n');
    const again = await loadlab('init', '--dir', dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: .*already exist: nothing written \(--force overwrites\)\n$/);
    expect(readFileSync(join(dir, 'loadlab.config.ts'), 'utf8')).toBe('// mine\n');
    expect((await loadlab('init', '--dir', dir, '--force')).code).toBe(0);
    expect(readFileSync(join(dir, 'loadlab.config.ts'), 'utf8')).toContain('defineConfig');
  });

  it('refuses a directory that does not exist', async () => {
    const r = await loadlab('init', '--dir', join(tmp.dir, 'nope'));
    expect(r).toMatchObject({ code: 2 });
    expect(r.stderr).toMatch(/--dir: .* is not a directory/);
  });
});
