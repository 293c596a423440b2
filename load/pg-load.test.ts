import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN } from '../lib/server-process.ts';
import { LoadFile } from '../lib/records/load.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { runPgTests } from '../test-support/pg.ts';

const tmp = tempDir('loadlab-pg-load-');
afterAll(() => tmp.cleanup());

/** Command lines of running processes that mention `needle` (postgres shows its -D data directory). */
function processesMentioning(needle: string): string[] {
  const out: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(needle)) out.push(`${pid}: ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

describe.skipIf(!runPgTests())('load --engine-db postgres', () => {
  it('runs read, write and mix on a cluster it starts, audits the writes, and leaves no postgres process', () => {
    // The command's temporary directory (its cluster lives there) is ours alone: a process
    // still naming it afterwards is one this command left behind.
    const own = join(tmp.dir, 'tmp');
    spawnSync('mkdir', [own]);
    chmodSync(tmp.dir, 0o755);
    chmodSync(own, 0o777);
    const json = join(tmp.dir, 'pg.json');
    const r = spawnSync(
      process.execPath,
      [
        CLI_BIN,
        'load',
        '--scenario',
        'read-point,write,mix-80-20',
        '--engine-db',
        'postgres',
        '--scale',
        '0.005',
        '--duration',
        '1',
        '--warmup',
        '0.3',
        '--trials',
        '1',
        '--connections',
        '4',
        '--data-dir',
        join(tmp.dir, 'data'),
        '--json-out',
        json,
      ],
      { encoding: 'utf8', env: { ...process.env, TMPDIR: own }, timeout: 180_000 },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(processesMentioning(own)).toEqual([]);
    expect(readdirSync(own).filter((f) => f.startsWith('loadlab-pg-'))).toEqual([]);
    const file = LoadFile.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(file.records.map((x) => `${x.scenario}/${x.profile}/${x.status}`)).toEqual([
      'read-point/pg-tuned/ok',
      'write/pg-tuned/ok',
      'mix-80-20/pg-tuned/ok',
    ]);
    for (const rec of file.records) {
      expect(rec.median?.rps ?? 0).toBeGreaterThan(0);
      const pg = (rec.extra as { postgres?: { seedVerified: boolean; server: string } }).postgres;
      expect(pg?.seedVerified).toBe(true);
      expect(pg?.server).toBe('throwaway cluster');
    }
    // Writes were checked one by one against PostgreSQL, and amcheck verified the indexes.
    const write = file.records.find((x) => x.scenario === 'write')!;
    expect(write.audit[0]?.ok).toBe(true);
    expect(write.audit[0]?.checked).toBeGreaterThan(0);
    expect(write.audit[0]?.integrity).toBe('ok');
  }, 200_000);

  it('refuses what does not apply, with one line and exit 2', () => {
    for (const [args, msg] of [
      [['--engine-db', 'oracle'], /--engine-db must be sqlite or postgres/],
      [['--engine-db', 'postgres', '--profile', 'tuned'], /unknown PostgreSQL profile 'tuned'/],
      [['--engine-db', 'postgres', '--topology', 'readers:2'], /SQLite topology/],
      [['--pg-url', 'postgres://u@127.0.0.1:5/x'], /--pg-url needs --engine-db postgres/],
      [['--engine-db', 'postgres', '--pg-url', 'postgres://u@192.0.2.1:5432/x'], /not loopback/],
    ] as const) {
      const r = spawnSync(process.execPath, [CLI_BIN, 'load', '--scenario', 'read-point', ...args], {
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(2);
      expect(r.stderr).toMatch(msg);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });
});
