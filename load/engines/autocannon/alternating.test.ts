import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestStream, builtinScenario } from '../../scenarios.ts';
import {
  cannotSlice,
  littleMs,
  MAX_DRAIN_S,
  MAX_JUDGED_STRETCH,
  MAX_STRETCH,
  runAlternating,
  sliceSizing,
} from './alternating.ts';

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

describe('slices as long as the answers need (sliceSizing)', () => {
  const SLICE = { settleS: 0.03, measureS: 0.095 };
  const sample = (p95Ms: number | null, answers: number, windowS = 0.15) => ({ p95Ms, answers, windowS });
  it('leaves fast arms alone: no stretch, no drain (the calibrated --quick slices)', () => {
    // ab --quick's slowest arm here: mix-80-20, p95 34 ms, ~3,000 answers/s at 50 connections.
    expect(sliceSizing(sample(34, 450), 50, SLICE)).toMatchObject({ stretch: 1, drainS: 0 });
    expect(sliceSizing(sample(62.5, 450), 50, SLICE)).toMatchObject({ stretch: 1, drainS: 0 });
    // Nothing to size from: no warm-up, or a warm-up with no answer (the slices show the stall).
    expect(sliceSizing(null, 50, SLICE)).toEqual({ stretch: 1, drainS: 0, meanMs: null });
    expect(sliceSizing(sample(null, 0), 50, SLICE)).toEqual({ stretch: 1, drainS: 0, meanMs: null });
  });

  it('stretches to twice the p95 and drains when the p95 does not fit', () => {
    const s = sliceSizing(sample(135, 300), 100, SLICE);
    expect(s.stretch).toBeCloseTo(2.16, 5);
    expect(s.drainS).toBe(2); // mean wait 50 ms: the shortest drain
    // Not capped here: the block caps at MAX_STRETCH, and a baseline needing more than
    // MAX_JUDGED_STRETCH is refused (cannotSlice).
    expect(sliceSizing(sample(60_000, 300), 100, SLICE).stretch).toBe(960);
  });

  it("sees an arm slower than the window through Little's law, not the few fast answers' p95", () => {
    // untuned mix-80-20 at scale 1, 100 connections, as first sized here: a window of 0.15 s
    // saw 9 answers with a p95 of 500 ms, although a request waits 100 × 0.15 / 9 = 1.7 s on
    // average (requests that interleave all finish about together).
    const w = sample(500, 9);
    expect(littleMs(100, w)).toBeCloseTo(1667, 0);
    const s = sliceSizing(w, 100, SLICE);
    expect(s.stretch).toBeCloseTo(26.7, 1); // twice the mean wait: 3.3 s slices
    expect(s.stretch).toBeGreaterThan(MAX_JUDGED_STRETCH); // … more than a baseline may need: refused
    expect(s.drainS).toBeCloseTo(5, 5); // three mean waits
    // Few answers at a low rate: stretched until the window expects MIN_ANSWERS (8 answers
    // at 20/s in a 0.095 s window: 4.2×) when that is the longest need.
    const sparse = sliceSizing({ p95Ms: 20, answers: 20, windowS: 1 }, 2, SLICE);
    expect(sparse.stretch).toBeCloseTo(4.21, 2);
    expect(sparse.drainS).toBe(2);
    expect(sliceSizing(sample(20, 3), 100, SLICE).drainS).toBe(MAX_DRAIN_S);
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
    // With one, the slices are stretched (twice the p95 of 200 ms: 3.2×; 8 answers expected in
    // the window at 4 connections / 0.2 s: 4.2× or more), drained, and every one counts answers.
    const sized = await block(0.6);
    expect(sized.stretch).toBeGreaterThan(3);
    expect(sized.stretch).toBeLessThan(8); // 4-8 answers fall in the 0.3 s window: 4.2-8.4×
    expect(sized.drainS).toBe(2);
    for (const s of sized.slices) {
      expect(s.requests).toBeGreaterThan(0);
      expect(s.durationS).toBeGreaterThan(0.095 * 3);
    }
  }, 30_000);
});

describe('one slow warm-up window is a hiccup, not a slow arm', () => {
  /** Answers after 200 ms during the first 0.35 s after its first request, at once after that. */
  const hiccup = () => {
    let until = 0;
    return createServer((_req, res) => {
      until ||= performance.now() + 350;
      setTimeout(
        () => {
          res.writeHead(200, { 'content-type': 'application/json' });
          res.end('{"ok":true}');
        },
        performance.now() < until ? 200 : 0,
      );
    });
  };
  const servers = [hiccup(), hiccup()];
  afterAll(() => servers.forEach((s) => s.close()));

  it('a second window that sees the arm fast keeps the slices as asked, with no drain', async () => {
    const urls = { baseline: await listen(servers[0]!), candidate: await listen(servers[1]!) };
    const r = await runAlternating({
      urls,
      scenario: 'read-point',
      scale: 0.01,
      seed: 7,
      connections: 4,
      warmupS: 0.3, // the first window (0.15-0.3 s) sees only 200 ms answers
      settleS: 0.03,
      measureS: 0.095,
      order: ['baseline', 'candidate'],
      timeoutS: 5,
    });
    expect(r).toMatchObject({ stretch: 1, drainS: 0 });
    for (const s of r.slices) expect(s.durationS).toBeLessThan(0.11);
  }, 30_000);
});

describe('a baseline too slow to slice is refused, a slow candidate is measured', () => {
  it('cannotSlice: only the baseline decides, beyond half the largest stretch', () => {
    const sized = (stretch: number) => ({ stretch, drainS: 2, meanMs: 1450 });
    expect(cannotSlice(sized(MAX_JUDGED_STRETCH), 100, 0.125)).toBeUndefined();
    expect(cannotSlice(undefined, 100, 0.125)).toBeUndefined();
    expect(cannotSlice(sized(23.2), 100, 0.125)).toBe(
      'the baseline is too slow to slice at 100 connections (a request waits 1.45 s on average, its slices would ' +
        'need 2.9 s; at most 2.0 s are judged): fewer connections or a lighter scenario',
    );
  });

  /** A server that answers every request after `ms`. */
  const after = (ms: number) =>
    createServer((_req, res) => {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      }, ms);
    });
  const servers = { slow: after(1000), fast: after(0) };
  let url: { slow: string; fast: string };
  beforeAll(async () => {
    url = { slow: await listen(servers.slow), fast: await listen(servers.fast) };
  });
  afterAll(() => Object.values(servers).forEach((s) => s.close()));
  const block = (urls: { baseline: string; candidate: string }) =>
    runAlternating({
      urls,
      scenario: 'read-point',
      scale: 0.01,
      seed: 7,
      connections: 2,
      // One sizing window of 1.2 s after 1.2 s of settling: each connection answers once (1 s waits).
      warmupS: 2.4,
      settleS: 0.03,
      measureS: 0.095,
      order: ['baseline', 'candidate'],
      timeoutS: 5,
    });

  it('answers taking 1 s at 2 connections on the baseline: no slice runs, the reason is returned', async () => {
    const r = await block({ baseline: url.slow, candidate: url.fast });
    expect(r.slices).toEqual([]);
    expect(r.refused).toMatch(/^the baseline is too slow to slice at 2 connections \(a request waits 1\.\d\d s/);
  }, 30_000);

  it('the same slowness on the candidate alone is measured: the slices run (and show it)', async () => {
    const r = await block({ baseline: url.fast, candidate: url.slow });
    expect(r.refused).toBeUndefined();
    expect(r.slices).toHaveLength(2);
    expect(r.stretch).toBe(MAX_STRETCH);
  }, 60_000);
});
