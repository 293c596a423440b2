import Database from 'better-sqlite3';
import { execFile } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CLI_BIN } from '../../lib/server-process.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { parseBudget } from './tune.ts';

describe('tune --budget', () => {
  it('reads seconds, minutes and both', () => {
    expect(parseBudget('60s')).toBe(60);
    expect(parseBudget('5m')).toBe(300);
    expect(parseBudget('1m30s')).toBe(90);
    expect(parseBudget('90')).toBe(90);
    expect(parseBudget('1h')).toBe(3600);
  });

  it('refuses anything else with the form it expects', () => {
    for (const bad of ['', 'five', '5 minutes', '-3m', 'm', '1.5m'])
      expect(() => parseBudget(bad)).toThrow(/--budget: expected a duration such as 60s, 5m or 1m30s/);
  });
});

describe('tune --counted', () => {
  it('without strace on PATH: one line naming what to install, exit 2, nothing written', async () => {
    const tmp = tempDir('loadlab-tune-counted-cli-');
    try {
      const db = join(tmp.dir, 'a.sqlite');
      new Database(db).exec('CREATE TABLE t (id INTEGER PRIMARY KEY)').close();
      writeFileSync(join(tmp.dir, 'q.sql'), 'SELECT * FROM t;\n');
      const out = join(tmp.dir, 'out');
      const r = await promisify(execFile)(
        process.execPath,
        [CLI_BIN, 'tune', db, '--queries', join(tmp.dir, 'q.sql'), '--counted', '--out', out],
        // A PATH with neither strace nor valgrind (node is started by its full path).
        { env: { PATH: tmp.dir }, cwd: tmp.dir },
      ).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('error: --counted needs strace on PATH (apt-get install valgrind strace)\n');
      expect(existsSync(out)).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('tune --serve', () => {
  it('refuses incomplete or remote service flags with one line, exit 2, before any work', async () => {
    const tmp = tempDir('loadlab-tune-serve-cli-');
    try {
      const db = join(tmp.dir, 'a.sqlite');
      new Database(db).exec('CREATE TABLE t (id INTEGER PRIMARY KEY)').close();
      writeFileSync(join(tmp.dir, 'q.sql'), 'SELECT * FROM t;\n');
      writeFileSync(join(tmp.dir, 's.json'), JSON.stringify({ name: 's', requests: [{ path: '/' }] }));
      const run = (...extra: string[]) =>
        promisify(execFile)(process.execPath, [CLI_BIN, 'tune', db, '--queries', 'q.sql', '--out', 'out', ...extra], {
          cwd: tmp.dir,
        }).then(
          () => ({ code: 0, stderr: '' }),
          (e: { code: number; stderr: string }) => ({ code: e.code, stderr: e.stderr }),
        );
      expect(await run('--serve', 'node app.js')).toEqual({
        code: 2,
        stderr: "error: --serve needs --scenario-file FILE: your service's requests\n",
      });
      expect(await run('--scenario-file', 's.json')).toEqual({
        code: 2,
        stderr: 'error: --scenario-file and --target go with --serve CMD: tune starts your service itself\n',
      });
      expect(
        await run('--serve', 'node app.js', '--scenario-file', 's.json', '--target', 'http://10.1.2.3:{port}'),
      ).toEqual({
        code: 2,
        stderr:
          "error: --target: tune starts your service on this machine: the host must be loopback, got '10.1.2.3'\n",
      });
      expect(await run('--serve', 'node app.js', '--scenario-file', 'missing.json')).toMatchObject({ code: 2 });
      expect(existsSync(join(tmp.dir, 'out'))).toBe(false);
    } finally {
      tmp.cleanup();
    }
  });
});
