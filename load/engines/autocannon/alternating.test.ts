import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestStream, builtinScenario } from '../../scenarios.ts';
import { runAlternating } from './alternating.ts';

/** A tiny HTTP server (not the fixture) that notes which side each request reached, in arrival order. */
function side(name: 'baseline' | 'candidate', log: { side: string; path: string }[], status = 200) {
  const server = createServer((req, res) => {
    log.push({ side: name, path: req.url ?? '' });
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  });
  return server;
}

const listen = (s: Server) =>
  new Promise<string>((resolve) =>
    s.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(s.address() as AddressInfo).port}`)),
  );

describe('runAlternating (two real HTTP servers, real autocannon)', () => {
  const log: { side: string; path: string }[] = [];
  const a = side('baseline', log);
  const b = side('candidate', log, 503);
  let urls: { baseline: string; candidate: string };
  beforeAll(async () => {
    urls = { baseline: await listen(a), candidate: await listen(b) };
  });
  afterAll(() => {
    a.close();
    b.close();
  });

  it('loads one side at a time, slice by slice in the planned order, the same requests on both sides', async () => {
    const order = ['baseline', 'candidate', 'candidate', 'baseline'] as const;
    const r = await runAlternating({
      urls,
      scenario: 'read-point',
      scale: 0.01,
      seed: 7,
      connections: 1,
      warmupS: 0,
      settleS: 0.03,
      measureS: 0.1,
      order: [...order],
      timeoutS: 5,
    });
    expect(r.stoppedEarly).toBe(false);
    expect(r.slices.map((s) => s.side)).toEqual(order);
    for (const s of r.slices) {
      expect(s.durationS).toBeGreaterThan(0.09);
      expect(s.durationS).toBeLessThan(0.2);
      expect(s.requests).toBeGreaterThan(0);
    }
    // 2xx only: the candidate answers 503, so its slices have requests but no 2xx.
    expect(r.slices.filter((s) => s.side === 'baseline').every((s) => s.ok2xx === s.requests)).toBe(true);
    expect(r.slices.filter((s) => s.side === 'candidate').every((s) => s.ok2xx === 0)).toBe(true);
    // Arrivals form one contiguous run per slice: A, then B (two slices back to back), then A.
    const runs = log.map((x) => x.side).filter((s, i, all) => i === 0 || s !== all[i - 1]);
    expect(runs).toEqual(['baseline', 'candidate', 'baseline']);
    // Each side drew the same request sequence from the same seed.
    const stream = createRequestStream(builtinScenario('read-point')!, 0.01, 7);
    const expected = Array.from({ length: 50 }, () => stream.next().path);
    for (const s of ['baseline', 'candidate']) {
      const paths = log.filter((x) => x.side === s).map((x) => x.path);
      expect(paths.slice(0, 20)).toEqual(expected.slice(0, 20));
    }
  }, 30_000);

  it('stops when told and says so', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 150);
    const r = await runAlternating(
      {
        urls,
        scenario: 'read-point',
        scale: 0.01,
        seed: 1,
        connections: 1,
        warmupS: 0,
        settleS: 0.03,
        measureS: 0.1,
        order: ['baseline', 'candidate', 'baseline', 'candidate', 'baseline', 'candidate'],
        timeoutS: 5,
      },
      controller.signal,
    );
    expect(r.stoppedEarly).toBe(true);
    expect(r.slices.length).toBeLessThan(6);
  }, 30_000);
});
