import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../test-support/temp-dir.ts';
import { sampleRun } from '../../test-support/records.ts';
import { main } from '../cli.ts';

describe('loadlab compare', () => {
  let dir: string;
  let cleanup: () => void;
  let out: string[];
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    out = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    cleanup();
  });

  const write = (name: string, value: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };

  it('A/A: a file against itself exits 0 with "no significant change"', async () => {
    const f = write('a.json', sampleRun());
    expect(await main(['compare', f, f, '--markdown', join(dir, 'summary.md')])).toBe(0);
    expect(out.join('')).toContain('no significant change in');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('## loadlab compare');
  });

  it('rps 30 % lower and latency 30 % higher exits 1', async () => {
    const base = sampleRun();
    const slow = structuredClone(base);
    for (const r of slow.load)
      for (const t of [...r.trials, r.median!]) {
        t.rps *= 0.7;
        for (const k of Object.keys(t.latencyMs) as (keyof typeof t.latencyMs)[]) t.latencyMs[k] *= 1.3;
      }
    expect(await main(['compare', write('b.json', base), write('c.json', slow)])).toBe(1);
    expect(out.join('')).toMatch(/metrics regressed beyond ±15 %/);
  });

  it('writes github-action-benchmark and Bencher exports', async () => {
    const f = write('a.json', sampleRun());
    expect(await main(['compare', f, f, '--export', 'github', join(dir, 'gh.json')])).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'gh.json'), 'utf8'))[0]).toHaveProperty('unit');
    expect(JSON.parse(readFileSync(join(dir, 'gh.smaller.json'), 'utf8'))[0].unit).toBe('ms');
    expect(await main(['compare', f, f, '--export', 'bencher', join(dir, 'b.json')])).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'))).length).toBeGreaterThan(0);
  });

  it('is a usage error (exit 2) for bad input', async () => {
    const f = write('a.json', sampleRun());
    expect(await main(['compare', f, join(dir, 'missing.json')])).toBe(2);
    expect(await main(['compare', f, write('x.json', { kind: 'nope' })])).toBe(2);
    expect(await main(['compare', f, write('y.json', { ...sampleRun(), load: [{ scenario: 1 }] })])).toBe(2);
    expect(await main(['compare', f, f, '--export', 'csv', 'z'])).toBe(2);
    expect(await main(['compare', f, f, '--threshold', 'ten'])).toBe(2);
    expect(out.join('')).toContain('error: ');
  });
});
