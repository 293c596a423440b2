import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { CLI_BIN } from '../lib/server-process.ts';
import { COMMANDS, EXIT_INTERNAL, main, reportError } from './cli.ts';

/**
 * Every command, given a user mistake (a bad flag, a missing file, a corrupt results or
 * summary file, an invalid config), prints one line `error: …`, exits 2 and writes nothing.
 */

const tmp = tempDir('loadlab-cli-errors-');
afterAll(() => tmp.cleanup());

interface Outcome {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in this process (main() never throws or exits), capturing what it writes. */
async function loadlab(args: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const out = vi
    .spyOn(process.stdout, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi
    .spyOn(process.stderr, 'write')
    .mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const debug = process.env.LOADLAB_DEBUG;
  delete process.env.LOADLAB_DEBUG;
  try {
    const code = await main(args);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    if (debug !== undefined) process.env.LOADLAB_DEBUG = debug;
  }
}

/** Runs the cases one after another (they share the captured stdout/stderr). */
async function runAll(cases: string[][]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const c of cases) out.push(await loadlab(c));
  return out;
}

/** The same through a real process, for a couple of cases: exit code and stderr as a shell sees them. */
function spawned(args: string[]): Outcome {
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function problems(args: string[], r: Outcome): string[] {
  const lines = r.stderr.trimEnd().split('\n');
  const p: string[] = [];
  if (r.code !== 2) p.push(`exit ${r.code}`);
  if (!/^error: \S/.test(r.stderr)) p.push(`stderr does not start with 'error: '`);
  if (lines.length !== 1) p.push(`${lines.length} stderr lines`);
  return p.length ? [`loadlab ${args.join(' ')}: ${p.join(', ')} — ${JSON.stringify(r.stderr.slice(0, 300))}`] : [];
}

describe('every command refuses a bad flag with one line and exit 2', () => {
  const names = Object.keys(COMMANDS);
  let outcomes: Outcome[] = [];
  beforeAll(async () => {
    outcomes = await runAll(names.map((n) => [n, '--no-such-flag']));
  }, 120_000);

  it.each(names.map((n, i) => [n, i] as const))('%s --no-such-flag', (name, i) => {
    const r = outcomes[i]!;
    expect(problems([name, '--no-such-flag'], r)).toEqual([]);
    expect(r.stderr).toMatch(/no-such-flag/);
    expect(r.stdout).toBe('');
  });
});

const MISSING = join(tmp.dir, 'does-not-exist.json');
const MISSING_DB = join(tmp.dir, 'does-not-exist.sqlite');
const OUT = join(tmp.dir, 'out');

function fixtures() {
  mkdirSync(tmp.dir, { recursive: true });
  const corrupt = join(tmp.dir, 'truncated.json');
  writeFileSync(corrupt, '{"schemaVersion": 1, "kind": "run", "records": [');
  const wrongShape = join(tmp.dir, 'wrong-shape.json');
  writeFileSync(wrongShape, JSON.stringify({ hello: 'world', records: 3 }));
  const text = join(tmp.dir, 'notes.sqlite');
  writeFileSync(text, 'this is not a database, just some text that is long enough to have a header');
  const badConfig = join(tmp.dir, 'bad-config.json');
  writeFileSync(badConfig, JSON.stringify({ profiles: 'tuned', connections: -5, nonsense: true }));
  const garbageConfig = join(tmp.dir, 'garbage-config.json');
  writeFileSync(garbageConfig, 'profiles = [tuned');
  return { corrupt, wrongShape, text, badConfig, garbageConfig };
}

/** File-taking cases per command; commands not registered (yet) are skipped. */
function fileCases(): { command: string; args: string[]; writes?: string }[] {
  const f = fixtures();
  const cases: { command: string; args: string[]; writes?: string }[] = [
    { command: 'serve', args: ['--db', MISSING_DB, '--profile', 'tuned'] },
    { command: 'serve', args: ['--db', f.text, '--profile', 'tuned'] },
    { command: 'report', args: [MISSING, '--out', OUT], writes: OUT },
    { command: 'report', args: [f.corrupt, '--out', OUT], writes: OUT },
    { command: 'report', args: [f.wrongShape, '--out', OUT], writes: OUT },
    { command: 'compare', args: [MISSING, MISSING] },
    { command: 'compare', args: [f.corrupt, f.wrongShape, '--markdown', join(OUT, 'cmp.md')], writes: OUT },
    { command: 'trend', args: [MISSING, '--out', OUT], writes: OUT },
    { command: 'trend', args: [f.corrupt, f.wrongShape, '--out', OUT], writes: OUT },
    { command: 'import-k6', args: [MISSING, '--json-out', join(OUT, 'k6.json')], writes: OUT },
    { command: 'import-k6', args: [f.corrupt, '--json-out', join(OUT, 'k6.json')], writes: OUT },
    { command: 'import-k6', args: [f.wrongShape, '--json-out', join(OUT, 'k6.json')], writes: OUT },
    { command: 'info', args: [MISSING_DB] },
    { command: 'tune', args: [MISSING_DB, '--queries', MISSING, '--out', OUT], writes: OUT },
    { command: 'tune', args: [f.text, '--queries', MISSING, '--out', OUT], writes: OUT },
    { command: 'info', args: [f.text] },
    { command: 'explain', args: [MISSING_DB, '--sql', 'SELECT 1'] },
    { command: 'explain', args: [f.text, '--sql', 'SELECT 1'] },
    { command: 'maintain', args: [MISSING_DB, '--analyze'] },
    { command: 'maintain', args: [f.text, '--analyze'] },
    { command: 'optimize', args: [MISSING_DB, '--profile', 'tuned'] },
    { command: 'optimize', args: [f.text, '--profile', 'tuned'] },
    { command: 'backup', args: [MISSING_DB, '--dir', OUT], writes: OUT },
    { command: 'backup', args: [f.text, '--dir', OUT], writes: OUT },
    { command: 'restore', args: [MISSING_DB, join(OUT, 'restored.sqlite')], writes: OUT },
    { command: 'restore', args: [f.text, join(OUT, 'restored.sqlite')], writes: OUT },
    { command: 'run', args: ['--config', MISSING, '--out', OUT], writes: OUT },
    { command: 'run', args: ['--config', f.garbageConfig, '--out', OUT], writes: OUT },
    { command: 'run', args: ['--config', f.badConfig, '--out', OUT], writes: OUT },
    {
      command: 'bench',
      args: ['--db', MISSING_DB, '--queries', MISSING, '--json-out', join(OUT, 'b.json')],
      writes: OUT,
    },
    { command: 'durability', args: ['--profile', 'no-such-profile', '--json-out', join(OUT, 'd.json')], writes: OUT },
    {
      command: 'overload',
      args: ['--profile', 'tuned', '--connections', '0', '--json-out', join(OUT, 'o.json')],
      writes: OUT,
    },
    { command: 'overload', args: ['--scenario', 'no-such-scenario'] },
  ];
  return cases.filter((c) => c.command in COMMANDS);
}

describe('every command refuses a missing file, a corrupt results/summary file or an invalid config', () => {
  it('with one line, exit 2, and nothing written', { timeout: 120_000 }, async () => {
    const cases = fileCases();
    expect(cases.length).toBeGreaterThan(0);
    const outcomes = await runAll(cases.map((c) => [c.command, ...c.args]));
    const wrong: string[] = [];
    cases.forEach((c, i) => {
      wrong.push(...problems([c.command, ...c.args], outcomes[i]!));
      if (c.writes && existsSync(c.writes) && readdirSync(c.writes).length > 0)
        wrong.push(`loadlab ${c.command} ${c.args.join(' ')}: wrote ${readdirSync(c.writes).join(', ')}`);
    });
    expect(wrong).toEqual([]);
  });

  it('the same holds for a real process (exit code and stderr as a shell sees them)', () => {
    for (const args of [
      ['durability', '--cycles', 'many'],
      ['serve', '--db', MISSING_DB, '--profile', 'tuned'],
    ]) {
      const r = spawned(args);
      expect(problems(args, r)).toEqual([]);
    }
  });
});

describe('a crash is not a verdict', () => {
  it('an internal error exits 3 (not 1, a failed gate) with one line, the stack only with LOADLAB_DEBUG', () => {
    const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect(reportError(new TypeError("Cannot read properties of undefined (reading 'rps')"))).toBe(EXIT_INTERNAL);
      expect(EXIT_INTERNAL).toBe(3);
      expect(err.mock.calls.map((c) => String(c[0])).join('')).toBe(
        "error: Cannot read properties of undefined (reading 'rps')\n",
      );
    } finally {
      err.mockRestore();
    }
  });
});
