import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CLI_BIN } from '../lib/server-process.ts';
import { AbFile } from '../lib/records/ab.ts';
import { tempDir } from '../test-support/temp-dir.ts';

const tmp = tempDir('loadlab-ab-targets-');

/**
 * A small service: answers every request, the slow one after `delayMs`; with `stallAfterMs`
 * it stops answering that long after it started (requests are read and never answered).
 */
function service(delayMs: number, stallAfterMs = Infinity): Promise<{ server: Server; url: string }> {
  const started = Date.now();
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (Date.now() - started > stallAfterMs) return;
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    ),
  );
}

async function loadlab(...args: string[]) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI_BIN, ...args], {
      cwd: tmp.dir,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

let fast: { server: Server; url: string };
let slow: { server: Server; url: string };
beforeAll(async () => {
  fast = await service(0);
  slow = await service(3);
  writeFileSync(
    join(tmp.dir, 'svc.json'),
    JSON.stringify({ name: 'svc', params: { id: { range: [1, 100] } }, requests: [{ path: '/items/{id}' }] }),
  );
  // Small rounds: 6 rounds of 0.5 s per side (4 pairs each), 4 connections.
  writeFileSync(
    join(tmp.dir, 'small.json'),
    JSON.stringify({ load: { connections: 4, durationS: 0.5, warmupS: 0.1, trials: 6 } }),
  );
  // The same rounds without a warm-up: a warm-up of a side that answers nothing measures it
  // again and again up to MAX_SIZING_S (~10 s a round, ~60 s over 6 rounds) and then sizes
  // nothing (sliceSizing without an answer: the slices show the stall), so the stalled
  // slices and the verdict on them are the same without it.
  writeFileSync(
    join(tmp.dir, 'cold.json'),
    JSON.stringify({ load: { connections: 4, durationS: 0.5, warmupS: 0, trials: 6 } }),
  );
});
afterAll(async () => {
  for (const s of [fast, slow]) s.server.closeAllConnections();
  await Promise.all([fast, slow].map((s) => new Promise((r) => s.server.close(r))));
  tmp.cleanup();
});

describe('ab against two running services (--baseline-target, --candidate-target, --scenario-file)', () => {
  it('alternates the same requests between them and flags the slower candidate (exit 1)', async () => {
    const out = join(tmp.dir, 'ab');
    const r = await loadlab(
      'ab',
      '--baseline-target',
      fast.url,
      '--candidate-target',
      slow.url,
      '--scenario-file',
      'svc.json',
      '--config',
      'small.json',
      '--out',
      out,
      '--order-seed',
      '1',
    );
    expect(r.code, r.stderr).toBe(1);
    const ab = AbFile.parse(JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8')));
    expect(ab.sides.baseline.dir).toBe(`${fast.url}/`);
    expect(ab.bench).toEqual([]);
    expect(ab.problems).toEqual([]);
    const rps = ab.metrics.find((m) => m.key === 'ab/svc/external/rps')!;
    expect(rps.verdict).toBe('regressed');
    expect(readFileSync(join(out, 'AB.md'), 'utf8')).toMatch(/svc/);
  }, 120_000);

  it('item 1: a candidate whose service stops answering after 2 s exits 1, naming the stalled arm', async () => {
    const stalling = await service(0, 2000);
    try {
      const out = join(tmp.dir, 'ab-stall');
      const r = await loadlab(
        'ab',
        '--baseline-target',
        fast.url,
        '--candidate-target',
        stalling.url,
        '--scenario-file',
        'svc.json',
        '--config',
        'cold.json',
        '--out',
        out,
        '--order-seed',
        '1',
      );
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(
        /^ab: FAILED: .*svc · external · rps \(2xx\): candidate answered no request with a 2xx in any slice of round \d/,
      );
      const ab = AbFile.parse(JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8')));
      expect(ab.trials.some((t) => t.side === 'candidate' && t.status === 'stalled')).toBe(true);
      expect(ab.trials.some((t) => t.side === 'baseline' && t.status === 'stalled')).toBe(false);
    } finally {
      stalling.server.closeAllConnections();
      await new Promise((r) => stalling.server.close(r));
    }
  }, 120_000);

  it('item 2: two unreachable targets exit 1: a side that answers nothing is a failure, never "no change"', async () => {
    // Two ports nobody listens on: every connection is refused on both sides.
    const gone = await service(0);
    const url = gone.url;
    await new Promise((r) => gone.server.close(r));
    const out = join(tmp.dir, 'ab-gone');
    const r = await loadlab(
      'ab',
      '--baseline-target',
      url,
      '--candidate-target',
      url.replace(/:(\d+)$/, (_, p: string) => `:${Number(p) === 65535 ? 65534 : Number(p) + 1}`),
      '--scenario-file',
      'svc.json',
      '--config',
      'small.json',
      '--out',
      out,
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/^ab: FAILED: .*both sides answered no request with a 2xx/);
  }, 120_000);

  it('refuses half a pair of targets, a target without a scenario file, and targets beside checkouts: exit 2, one line', async () => {
    const half = await loadlab('ab', '--baseline-target', fast.url, '--scenario-file', 'svc.json');
    expect(half).toMatchObject({ code: 2, stderr: 'error: --baseline-target and --candidate-target go together\n' });
    const noFile = await loadlab('ab', '--baseline-target', fast.url, '--candidate-target', slow.url);
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toMatch(/^error: --baseline-target needs --scenario-file FILE/);
    const both = await loadlab('ab', '.', '.', '--baseline-target', fast.url, '--candidate-target', slow.url);
    expect(both).toMatchObject({ code: 2, stderr: 'error: give two checkouts or two targets, not both\n' });
    const remote = await loadlab(
      'ab',
      '--baseline-target',
      'http://192.0.2.1:80',
      '--candidate-target',
      slow.url,
      '--scenario-file',
      'svc.json',
    );
    expect(remote.code).toBe(2);
    expect(remote.stderr).toMatch(/not loopback/);
  }, 60_000);
});
