import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../../../lib/errors.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { parseK6Summary } from './ingest.ts';
import { k6EndpointCounts } from './ingest-trial.ts';
import { K6_INSTALL_HINT, k6ScriptFor, requireK6, runK6Trial, startK6Generator } from './runner.ts';
import { writeK6StandIn } from '../../../test-support/k6-standin.ts';
import { scenarios } from '../../../test-support/catalog.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../k6/fixtures/${name}`, import.meta.url));
const tmp = tempDir('loadlab-k6-');
afterAll(() => tmp.cleanup());
const savedBin = process.env.K6_BIN;
afterEach(() => {
  if (savedBin === undefined) delete process.env.K6_BIN;
  else process.env.K6_BIN = savedBin;
});

let n = 0;
function setup(b: Parameters<typeof writeK6StandIn>[1]) {
  const dir = join(tmp.dir, `case-${n++}`);
  const argvFile = join(dir, 'argv.json');
  mkdirSync(dir, { recursive: true });
  const bin = writeK6StandIn(dir, { argvFile, ...b });
  return { bin, argvFile, summaryPath: join(dir, 'out', 'summary.json') };
}

const base = { script: k6ScriptFor(scenarios('read-point')[0]!), baseUrl: 'http://127.0.0.1:39999', timeoutMs: 15_000 };

describe('runK6Trial with a stand-in k6', () => {
  it('exit 0: runs `k6 run --summary-export=FILE -e BASE_URL=URL -e … SCRIPT` and returns the summary figures', async () => {
    const s = setup({ summary: fixture('summary-export.http.json') });
    const r = await runK6Trial({ ...base, bin: s.bin, summaryPath: s.summaryPath, env: { SCALE: '0.01', SEED: '7' } });
    expect(JSON.parse(readFileSync(s.argvFile, 'utf8'))).toEqual([
      'run',
      `--summary-export=${s.summaryPath}`,
      '-e',
      'BASE_URL=http://127.0.0.1:39999',
      '-e',
      'SCALE=0.01',
      '-e',
      'SEED=7',
      base.script,
    ]);
    expect(r.gate).toMatchObject({ ok: true, exitCode: 0, failedThresholds: [] });
    expect(r.trial).toMatchObject({ requests: 12000, rps: 1199.5, errors: 10, timeouts: 4, non2xx: 40 });
    expect(r.trial.latencyMs.p95).toBe(4.9);
    expect(r.extra).toMatchObject({ shape: 'summary-export', exitCode: 0, stdout: 'stand-in: done' });
  });

  it('exit 99: thresholds crossed is a failed gate with the figures, not an error', async () => {
    const crossed = JSON.parse(readFileSync(fixture('summary-export.http.json'), 'utf8'));
    crossed.metrics.http_req_duration.thresholds['p(95)<200'] = true;
    const file = join(tmp.dir, 'crossed.json');
    writeFileSync(file, JSON.stringify(crossed));
    const s = setup({
      summary: file,
      exitCode: 99,
      stderr: 'level=error msg="thresholds on metrics \'http_req_duration\' have been crossed"\n',
    });
    const r = await runK6Trial({ ...base, bin: s.bin, summaryPath: s.summaryPath });
    expect(r.gate).toEqual({
      ok: false,
      exitCode: 99,
      failedThresholds: ['http_req_duration: p(95)<200'],
      reason: 'k6 thresholds crossed: http_req_duration: p(95)<200',
    });
    expect(r.trial.requests).toBe(12000);
  });

  it('another exit code is an error carrying the tail of k6 stderr', async () => {
    const s = setup({ exitCode: 107, stderr: 'running script\nReferenceError: nope is not defined\n' });
    await expect(runK6Trial({ ...base, bin: s.bin, summaryPath: s.summaryPath })).rejects.toThrow(
      /k6 exited with code 107: .*ReferenceError: nope is not defined/,
    );
  });

  it('exit 0 without a summary file is an error naming the path', async () => {
    const s = setup({});
    await expect(runK6Trial({ ...base, bin: s.bin, summaryPath: s.summaryPath })).rejects.toThrow(
      `wrote no summary at ${s.summaryPath}`,
    );
  });

  it('a malformed summary is an error saying so', async () => {
    const bad = join(tmp.dir, 'bad.json');
    writeFileSync(bad, '{"metrics": {"http_reqs": {"count": "lots"}}}');
    const s = setup({ summary: bad });
    await expect(runK6Trial({ ...base, bin: s.bin, summaryPath: s.summaryPath })).rejects.toThrow(
      /summary is unreadable: .*malformed/,
    );
  });

  it('a k6 that runs past the timeout is stopped and reaped', async () => {
    const s = setup({ summary: fixture('summary-export.http.json'), sleepMs: 60_000 });
    const t0 = Date.now();
    await expect(runK6Trial({ ...base, bin: s.bin, summaryPath: s.summaryPath, timeoutMs: 300 })).rejects.toThrow(
      /k6 did not finish within 0 s/,
    );
    expect(Date.now() - t0).toBeLessThan(10_000);
  });

  it('a missing binary is an error naming it', async () => {
    await expect(
      runK6Trial({ ...base, bin: join(tmp.dir, 'no-such-k6'), summaryPath: join(tmp.dir, 'x.json') }),
    ).rejects.toThrow(/could not start k6/);
  });
});

describe('finding k6', () => {
  it('K6_BIN naming a stand-in that answers `version` is used', () => {
    const s = setup({});
    process.env.K6_BIN = s.bin;
    expect(requireK6()).toEqual({ bin: s.bin, version: 'k6 v0.0.0-standin (test double)' });
  });

  it('without k6 the error is a usage error saying how to install it or set K6_BIN', () => {
    process.env.K6_BIN = join(tmp.dir, 'nothing-here');
    expect(() => requireK6()).toThrow(UsageError);
    expect(() => requireK6()).toThrow(K6_INSTALL_HINT);
    expect(K6_INSTALL_HINT).toMatch(/install k6.*or set K6_BIN/);
  });

  it('every scenario script path exists', () => {
    expect(existsSync(k6ScriptFor(scenarios('mix-80-20')[0]!))).toBe(true);
  });
});

describe('per-endpoint counts for the write audit', () => {
  it('come from http_reqs{name:…} submetrics; null when they are missing', () => {
    const s = parseK6Summary({
      metrics: {
        http_reqs: { count: 100, rate: 10 },
        'http_reqs{name:POST /contents}': { count: 60, rate: 6 },
        'http_reqs{name:POST /contents,expected_response:true}': { count: 57, rate: 5.7 },
        'http_reqs{name:POST /contents,status:0}': { count: 2, rate: 0.2 },
      },
    });
    expect(k6EndpointCounts(s, ['POST /contents'])).toEqual({
      'POST /contents': { sent: 60, answered: 58, ok2xx: 57 },
    });
    expect(k6EndpointCounts(s, ['POST /contents', 'POST /audio-generations'])).toBeNull();
  });
});

describe('startK6Generator: k6 in place of the autocannon generator', () => {
  const config = {
    url: 'http://127.0.0.1:39999/',
    scenario: 'write',
    scale: 0.005,
    seed: 42,
    connections: 8,
    warmupS: 2,
    durationS: 10,
    rate: null,
    resetStats: true,
    timeoutS: 5,
  };

  it('passes the trial settings as -e variables and returns the measured window as a GeneratorResult', async () => {
    const s = setup({ summary: fixture('summary-export.phased.json') });
    process.env.K6_BIN = s.bin;
    const run = startK6Generator(config, {
      deadlineMs: 15_000,
      summaryDir: join(tmp.dir, 'gen'),
      scenario: scenarios('write')[0]!,
    });
    const r = await run.result;
    const argv = JSON.parse(readFileSync(s.argvFile, 'utf8')) as string[];
    const envs = argv.filter((_, i) => argv[i - 1] === '-e');
    expect(envs).toEqual(
      expect.arrayContaining([
        'BASE_URL=http://127.0.0.1:39999',
        'SCALE=0.005',
        'SEED=42',
        'DURATION=10s',
        'WARMUP=2s',
        'EXECUTOR=vus',
        'VUS=8',
        'REQUEST_TIMEOUT=5s',
      ]),
    );
    expect(argv.at(-1)).toBe(k6ScriptFor(scenarios('write')[0]!));
    expect(r.measured).toMatchObject({
      requests: 1000,
      durationS: 10,
      statusCodes: { '201': 999, '503': 1 },
      bytes: 200000,
    });
    expect(r.measured.latencyMs.p95).toBe(6);
    expect(r.byEndpoint).toEqual({ 'POST /contents': { sent: 1200, answered: 1200, ok2xx: 1199 } });
    expect(r.engine).toMatchObject({ name: 'k6', extra: { shape: 'summary-export', exitCode: 0 } });
    expect(r.engine!.gateFailure).toBeUndefined();
  });

  it('--rate becomes a constant-arrival-rate run; exit 99 is a gate failure next to valid figures', async () => {
    const s = setup({ summary: fixture('summary-export.phased.json'), exitCode: 99 });
    process.env.K6_BIN = s.bin;
    const r = await startK6Generator(
      { ...config, rate: 300 },
      { deadlineMs: 15_000, summaryDir: join(tmp.dir, 'gen'), scenario: scenarios('write')[0]! },
    ).result;
    const argv = JSON.parse(readFileSync(s.argvFile, 'utf8')) as string[];
    expect(argv).toEqual(expect.arrayContaining(['EXECUTOR=rate', 'RATE=300', 'VUS=8', 'MAX_VUS=8']));
    expect(r.measured.requests).toBe(1000);
    expect(r.engine!.gateFailure).toMatch(/^k6 thresholds crossed/);
  });
});
