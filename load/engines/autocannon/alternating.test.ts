import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestStream, builtinScenario } from '../../scenarios.ts';
import { MAX_STRETCH, runAlternating, sliceStretch } from './alternating.ts';

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

describe('slices as long as the answers need (sliceStretch)', () => {
  it('leaves slices alone while the warm-up p95 fits twice in one, stretches them beyond, caps the stretch', () => {
    expect(sliceStretch(34, 0.15, 0.125)).toBe(1); // ab --quick's slowest arm here (mix-80-20 p95)
    expect(sliceStretch(62.5, 0.15, 0.125)).toBe(1);
    expect(sliceStretch(135, 0.15, 0.125)).toBeCloseTo(2.16, 5);
    expect(sliceStretch(null, 0.15, 0.125)).toBe(1); // no answer: nothing to size from, the slices show the stall
    expect(sliceStretch(60_000, 0.15, 0.125)).toBe(MAX_STRETCH);
    expect(sliceStretch(135, 0, 0.125)).toBe(1); // no warm-up, nothing to size from
  });

  /** Two servers that answer every request after `ms`. */
  const slow = (ms: number) =>
    createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }, ms);
    });
  const servers = [slow(200), slow(200)];
  let urls: { baseline: string; candidate: string };
  beforeAll(async () => {
    urls = { baseline: await listen(servers[0]!), candidate: await listen(servers[1]!) };
  });
  afterAll(() => servers.forEach((s) => s.close()));
  const block = (warmupS: number) =>
    runAlternating({
      urls,
      scenario: 'read-point',
      scale: 0.01,
      seed: 7,
      connections: 4,
      warmupS,
      settleS: 0.03,
      measureS: 0.095,
      order: ['baseline', 'candidate', 'candidate', 'baseline'],
      timeoutS: 5,
    });

  it('answers slower than a 0.125 s slice: unsized slices see none, sized ones see them on both sides', async () => {
    // Without a warm-up to size from, every request of a slice ends after its window: nothing counted.
    const blind = await block(0);
    expect(blind.stretch).toBe(1);
    expect(blind.slices.map((s) => s.requests)).toEqual([0, 0, 0, 0]);
    // With one, the slices are made twice the warm-up p95 (200 ms here) and every one counts answers.
    const sized = await block(0.6);
    expect(sized.stretch).toBeGreaterThan(3);
    expect(sized.stretch).toBeLessThan(4);
    for (const s of sized.slices) {
      expect(s.requests).toBeGreaterThan(0);
      expect(s.durationS).toBeGreaterThan(0.095 * 3);
    }
  }, 30_000);
});
