import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN } from '../../lib/server-process.ts';
import { BenchFile } from '../../lib/records/bench.ts';
import { tempDir } from '../../test-support/temp-dir.ts';

const tmp = tempDir('loadlab-bench-cli-');
afterAll(() => tmp.cleanup());

function loadlab(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI_BIN, 'bench', ...args], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('loadlab bench', () => {
  it.each([
    [['--db', 'x.sqlite'], /--db and --queries go together/],
    [['--ops', 'point-read,nope'], /unknown operation 'nope'/],
    [['--profiles', 'tuned,fast'], /unknown profile 'fast'/],
    [['--time', '0'], /--time must be at least 10/],
    [['--toggles', 'wal'], /--toggles needs --ablation/],
    [['--ablation', '--toggles', 'wal,journal'], /unknown ablation toggle 'journal'/],
    [['--db', 'missing.sqlite', '--queries', 'q.sql'], /database not found: missing.sqlite/],
    [
      ['--json-out', '/proc/loadlab-bench.json', '--ops', 'point-read'],
      /cannot write --json-out \/proc\/loadlab-bench.json/,
    ],
  ])('%j is a one-line usage error with exit 2', (args, message) => {
    const r = loadlab(...args, '--data-dir', tmp.dir);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('prints the table and writes a valid JSON file', () => {
    const out = join(tmp.dir, 'bench.json');
    const r = loadlab(
      '--scale',
      '0.005',
      '--time',
      '15',
      '--ops',
      'point-read,insert-autocommit',
      '--profiles',
      'untuned,tuned',
      '--json-out',
      out,
      '--data-dir',
      tmp.dir,
      '--quiet',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/point-read\s+tuned\s+[\d,.]+/);
    expect(r.stdout).toContain('vs untuned');
    const file = BenchFile.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(file.records.map((x) => `${x.op}/${x.profile}/${x.status}`)).toEqual([
      'point-read/untuned/ok',
      'point-read/tuned/ok',
      'insert-autocommit/untuned/ok',
      'insert-autocommit/tuned/ok',
    ]);
    expect(file.environment.filesystem).not.toBe('');
  });
});
