import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN } from '../lib/server-process.ts';
import { COMMAND_GROUPS, COMMANDS } from './cli.ts';
import { tempDir } from '../test-support/temp-dir.ts';

function loadlab(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('loadlab CLI', () => {
  it('--help lists every command', () => {
    const r = loadlab('--help');
    expect(r.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(r.stdout).toContain(name);
  });

  it.each(Object.keys(COMMANDS))('%s --help prints its usage', (name) => {
    const r = loadlab(name, '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^usage: loadlab ${name}`));
  });

  it('an unknown command or flag is one line on stderr and exit 2', () => {
    for (const r of [
      loadlab('frobnicate'),
      loadlab('seed', '--nope'),
      loadlab('seed', '--out', 'x.sqlite', '--profile', 'nope'),
    ]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^error: /);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('the command list is grouped, the main job first, every command in exactly one group', () => {
    const listed = COMMAND_GROUPS.flatMap((g) => g.commands);
    expect([...listed].sort()).toEqual(Object.keys(COMMANDS).sort());
    expect(new Set(listed).size).toBe(listed.length);
    const r = loadlab('--help');
    const body = r.stdout.slice(r.stdout.indexOf('the main job:'));
    expect(body.split('\n')[1]).toMatch(/^ {2}run +The main job/);
    for (const g of COMMAND_GROUPS) expect(r.stdout).toContain(`\n${g.title}:\n`);
  });

  it("'loadlab help run' is run's help; a bare 'loadlab' prints the help and exits 0", () => {
    const help = loadlab('help', 'run');
    expect(help.code).toBe(0);
    expect(help.stdout).toBe(loadlab('run', '--help').stdout);
    const bare = loadlab();
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(/^usage: loadlab <command> \[options\]/);
    expect(bare.stderr).toBe('');
  });

  it('a flag missing its value is one line naming it, at the end or before another flag; --versio gets a did-you-mean', () => {
    for (const r of [loadlab('seed', '--profile', 'tuned', '--out'), loadlab('seed', '--out', '--profile', 'tuned')]) {
      expect(r.code).toBe(2);
      expect(r.stderr).toBe('error: --out needs a value\n');
    }
    const v = loadlab('--versio');
    expect(v.code).toBe(2);
    expect(v.stderr).toBe("error: unknown option '--versio' (did you mean '--version'?)\n");
  });

  it('serve refuses a file that is not SQLite, without a stack trace', () => {
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 'notes.txt');
      writeFileSync(file, 'this is not a database, just some text that is long enough');
      const r = loadlab('serve', '--db', file, '--profile', 'tuned');
      expect(r.code).toBe(2);
      expect(r.stderr).toBe(`error: not an SQLite database: ${file}\n`);
    } finally {
      tmp.cleanup();
    }
  });

  it('profiles --json lists the three profiles with their PRAGMAs', () => {
    const r = loadlab('profiles', '--json');
    expect(r.code).toBe(0);
    const profiles = JSON.parse(r.stdout);
    expect(profiles.map((p: any) => p.name)).toEqual(['untuned', 'tuned', 'consensus']);
    expect(profiles[1].pragmas).toMatchObject({
      journal_mode: 'wal',
      synchronous: 1,
      cache_size: -64000,
      mmap_size: 268435456,
    });
  });
});
