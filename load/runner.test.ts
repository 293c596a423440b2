import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoadRecord } from '../lib/records/load.ts';
import { liveChildren } from '../lib/server-process.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { runLoad, type LoadProgress } from './runner.ts';
import { profiles, scenarios } from '../test-support/catalog.ts';

const tmp = tempDir('loadlab-runner-');
afterAll(() => tmp.cleanup());

describe('runLoad end to end (tiny DB, 1 s)', () => {
  it('measures a read and a write scenario against a real server and audits the writes', async () => {
    const events: LoadProgress[] = [];
    const records = await runLoad(
      {
        scenarios: scenarios('read-point', 'write'),
        profiles: profiles('tuned'),
        scale: 0.005,
        durationS: 1,
        warmupS: 0.5,
        trials: 1,
        connections: 4,
        dataDir: tmp.dir,
      },
      { onProgress: (e) => events.push(e) },
    );
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(LoadRecord.parse(r)).toBeTruthy();
      expect(r.status, r.reason).toBe('ok');
      expect(r.median!.requests).toBeGreaterThan(50);
      expect(r.median!.statusCodes['404'] ?? 0).toBe(0);
      expect(r.median!.latencyMs.p50).toBeGreaterThan(0);
      expect(r.median!.latencyMs.p50).toBeLessThanOrEqual(r.median!.latencyMs.p99);
      expect(r.serverTiming!.requests).toBeGreaterThan(0);
    }
    const [read, write] = records;
    expect(read!.audit).toEqual([]);
    expect(write!.audit).toHaveLength(1);
    expect(write!.audit[0]!.ok).toBe(true);
    expect(write!.audit[0]!.acked).toBeGreaterThan(50);
    expect(write!.audit[0]!.lost).toBe(0);
    expect(write!.audit[0]!.integrity).toBe('ok');
    expect(events.filter((e) => e.kind === 'seed')).toHaveLength(1);
    expect(liveChildren()).toBe(0);
  });
});

describe('runLoad with --engine k6 (a stand-in k6 binary: the suite never fakes k6 in product code)', () => {
  it('runs the same lifecycle and records engine k6 with its extras', async () => {
    const { writeK6StandIn } = await import('../test-support/k6-standin.ts');
    const { fileURLToPath } = await import('node:url');
    const saved = process.env.K6_BIN;
    process.env.K6_BIN = writeK6StandIn(tmp.dir, {
      summary: fileURLToPath(new URL('./k6/fixtures/summary-export.phased.json', import.meta.url)),
    });
    try {
      const [record] = await runLoad({
        engine: 'k6',
        scenarios: scenarios('read-point'),
        profiles: profiles('tuned'),
        scale: 0.005,
        durationS: 1,
        warmupS: 0,
        trials: 1,
        connections: 2,
        dataDir: tmp.dir,
      });
      expect(record!.engine).toBe('k6');
      expect(record!.trials).toHaveLength(1);
      expect(record!.trials[0]!.requests).toBeGreaterThan(0);
      expect((record!.extra!.engineByTrial as unknown[]).length).toBe(1);
      expect(liveChildren()).toBe(0);
    } finally {
      if (saved === undefined) delete process.env.K6_BIN;
      else process.env.K6_BIN = saved;
    }
  });
});

describe('runLoad when an arm cannot start', () => {
  it('records a failed arm per scenario when seeding fails, and does not throw', async () => {
    const { writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const notADir = join(tmp.dir, 'a-file');
    writeFileSync(notADir, 'x');
    const records = await runLoad({
      scenarios: scenarios('ceiling', 'write'),
      profiles: profiles('tuned'),
      scale: 0.005,
      durationS: 1,
      trials: 1,
      dataDir: join(notADir, 'data'),
    });
    expect(records.map((r) => [r.scenario, r.status])).toEqual([
      ['ceiling', 'failed'],
      ['write', 'failed'],
    ]);
    expect(records[0]!.reason).toMatch(/seeding failed/);
    expect(liveChildren()).toBe(0);
  });
});

describe('item 9: a built-in arm over its error budget is degraded, not ok', () => {
  it('a server that fails a tenth of read-point requests gives status "degraded" with the counts', async () => {
    let n = 0;
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        n++;
        if (n % 10 === 0) res.writeHead(500).end('{"error":"boom"}');
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":1}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const [record] = await runLoad({
        scenarios: scenarios('read-point'),
        profiles: profiles('tuned'),
        target: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        durationS: 1,
        warmupS: 0.2,
        trials: 1,
        connections: 4,
        dataDir: tmp.dir,
      });
      expect(record!.status).toBe('degraded');
      expect(record!.reason).toMatch(
        /^(9|10|11)\.\d % of requests failed \(non-2xx \d+, errors 0, timeouts 0 of \d+ attempts\), over the 1 % a built-in arm allows/,
      );
      expect(LoadRecord.parse(record)).toBeTruthy();
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }, 60_000);
});
