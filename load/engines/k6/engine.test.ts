import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_BIN } from '../../../lib/server-process.ts';
import { LoadFile } from '../../../lib/records/load.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { writeK6StandIn, type StandInBehaviour } from '../../../test-support/k6-standin.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../k6/fixtures/${name}`, import.meta.url));
const tmp = tempDir('loadlab-k6-engine-');
afterAll(() => tmp.cleanup());

let n = 0;
/** `loadlab load --engine k6` with K6_BIN naming a stand-in (or nothing); returns the exit, output and LoadFile. */
function loadWithK6(scenario: string, standIn: StandInBehaviour | null, extra: string[] = []) {
  const dir = join(tmp.dir, `run-${n++}`);
  mkdirSync(dir, { recursive: true });
  const bin = standIn ? writeK6StandIn(dir, { argvFile: join(dir, 'argv.json'), ...standIn }) : join(dir, 'no-k6-here');
  const out = join(dir, 'load.json');
  const args = [
    'load',
    '--engine',
    'k6',
    '--scenario',
    scenario,
    '--profile',
    'tuned',
    '--scale',
    '0.005',
    '--duration',
    '1',
    '--warmup',
    '0',
  ];
  const r = spawnSync(
    process.execPath,
    [CLI_BIN, ...args, '--trials', '1', '--no-pin', '--data-dir', join(dir, 'data'), '--json-out', out, ...extra],
    {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, K6_BIN: bin },
    },
  );
  const file = () => LoadFile.parse(JSON.parse(readFileSync(out, 'utf8')));
  const argv = () => JSON.parse(readFileSync(join(dir, 'argv.json'), 'utf8')) as string[];
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, file, argv };
}

describe('loadlab load --engine k6', () => {
  it('without k6: exit 2 and one line saying how to install it or set K6_BIN', () => {
    const r = loadWithK6('read-point', null);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^error: k6 not found: install k6 .* or set K6_BIN/);
  });

  it('a stand-in k6 that exits 0: the record carries the summary figures, engine k6', () => {
    const r = loadWithK6('read-point', { summary: fixture('summary-export.phased.json') });
    expect(r.code, r.stderr).toBe(0);
    const argv = r.argv();
    expect(argv[0]).toBe('run');
    expect(argv[1]).toMatch(/^--summary-export=/);
    expect(argv[3]).toMatch(/^BASE_URL=http:\/\/127\.0\.0\.1:\d+$/);
    expect(argv.at(-1)).toMatch(/load\/k6\/read-point\.ts$/);
    const [record] = r.file().records;
    expect(record).toMatchObject({ engine: 'k6', scenario: 'read-point', profile: 'tuned', status: 'ok' });
    // rps counts 2xx only: 999 of the 1000 measured answers were 201, one a 503.
    expect(record!.median).toMatchObject({ requests: 1000, rps: 999, durationS: 1, non2xx: 1 });
    expect(record!.median!.latencyMs.p95).toBe(6);
    expect(JSON.stringify(record!.extra)).toContain('"shape":"summary-export"');
  });

  it('a stand-in k6 that exits 99: a failed gate naming the thresholds, not a crash; the figures stay in the trial', () => {
    const r = loadWithK6('read-point', { summary: fixture('handle-summary.http.json'), exitCode: 99 });
    expect(r.code, r.stderr).toBe(1);
    const [record] = r.file().records;
    expect(record!.status).toBe('failed');
    expect(record!.reason).toMatch(/k6 thresholds crossed: http_req_duration: p\(95\)<200/);
    expect(record!.trials[0]).toMatchObject({ requests: 3000, status: 'failed' });
    expect(record!.trials[0]!.latencyMs.p95).toBe(250);
  });

  it('the write audit runs on k6 trials too: acknowledged writes that never reached the database fail it', () => {
    const r = loadWithK6('write', { summary: fixture('summary-export.phased.json') });
    expect(r.code, r.stderr).toBe(1);
    const [record] = r.file().records;
    expect(record!.audit[0]).toMatchObject({ acked: 1199, rows: 0, lost: 1199, ok: false });
    expect(record!.reason).toMatch(/acknowledged write\(s\) lost/);
  });

  it('another k6 exit code fails the trial with k6 stderr in the reason', () => {
    const r = loadWithK6('read-point', { exitCode: 107, stderr: 'GoError: the script crashed\n' });
    expect(r.code).toBe(1);
    expect(r.file().records[0]!.reason).toMatch(/k6 exited with code 107: GoError: the script crashed/);
  });
});
