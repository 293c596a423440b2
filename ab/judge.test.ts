import { describe, expect, it } from 'vitest';
import { AbMetric, type AbBenchSample, type AbTrial } from '../lib/records/ab.ts';
import type { CountedRecord } from '../lib/records/counted.ts';
import { abExitCode, judgeAb, judgePoints, judgeRatios } from './judge.ts';

function trial(round: number, side: AbTrial['side'], rps: number, p95 = 2, extra: Partial<AbTrial> = {}): AbTrial {
  return {
    round,
    pair: round,
    slice: side === 'baseline' ? 0 : 1,
    seq: 0,
    side,
    scenario: 'read-point',
    profile: 'tuned',
    status: 'ok',
    rps,
    requests: Math.round(rps),
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    errorPct: 0,
    p50Ms: 1,
    p95Ms: p95,
    p99Ms: 3,
    durationS: 1,
    ...extra,
  } as AbTrial;
}

/** Eight rounds whose baseline drifts a lot between rounds; the candidate is `ratio` × its pair. */
function pairs(ratio: number, noise: number[] = [0, 0.01, -0.01, 0.005, -0.005, 0.008, -0.008, 0.002]): AbTrial[] {
  const drift = [1000, 1400, 800, 1200, 950, 1300, 700, 1100];
  return drift.flatMap((b, r) => [trial(r, 'baseline', b), trial(r, 'candidate', b * ratio * (1 + noise[r]!))]);
}
const metric = (ts: AbTrial[], key: string, bench: AbBenchSample[] = []) =>
  judgeAb({ trials: ts, bench, rounds: 8 }).find((m) => m.key.endsWith(key))!;

describe('judgeRatios', () => {
  it('regresses only when the median is beyond the threshold and the whole interval is worse', () => {
    expect(judgeRatios(0.88, 0.9, 0.93, 'higher', 5)).toBe('regressed');
    expect(judgeRatios(0.88, 0.9, 1.01, 'higher', 5)).toBe('no significant change');
    expect(judgeRatios(0.96, 0.97, 0.98, 'higher', 5)).toBe('no significant change');
    expect(judgeRatios(1.1, 1.15, 1.2, 'lower', 10)).toBe('regressed');
    expect(judgeRatios(0.8, 0.85, 0.88, 'lower', 10)).toBe('improved');
  });

  it('judges error shares in points', () => {
    expect(judgePoints(0.6, 1, 2, 0.5)).toBe('regressed');
    expect(judgePoints(0, 0, 0, 0.5)).toBe('no significant change');
  });
});

/** Rounds of four slice pairs each: `offsets[r]` shifts every pair of round r (a per-round effect). */
function clustered(offsets: number[], within = [0.01, -0.01, 0.005, -0.005]): AbTrial[] {
  return offsets.flatMap((o, r) =>
    within.flatMap((w, k) => {
      const pair = r * within.length + k;
      return [
        trial(r, 'baseline', 1000, 2, { pair, slice: 2 * k }),
        trial(r, 'candidate', 1000 * (1 + o + w), 2, { pair, slice: 2 * k + 1 }),
      ];
    }),
  );
}

describe('judgeAb with clustered pairs', () => {
  it('widens the interval by the spread between rounds: 32 pairs from 8 rounds are not 32 independent pairs', () => {
    // Every round's pairs agree with each other, but the rounds scatter ±8 % around −6 %.
    const m = judgeAb({
      trials: clustered([-0.14, 0.02, -0.14, 0.02, -0.14, 0.02, -0.06, -0.06]),
      bench: [],
      rounds: 8,
    }).find((x) => x.key.endsWith('/rps'))!;
    expect(m.paired).toHaveLength(32);
    expect(m.method).toBe('cluster-bootstrap');
    expect(m.median!).toBeLessThan(0.952);
    // Pooled as independent pairs the interval would lie below 1 and cry "regressed".
    expect(m.high!).toBeGreaterThan(1);
    expect(m.verdict).toBe('no significant change');
  });

  it('still sees a slowdown every round shares', () => {
    const m = judgeAb({
      trials: clustered([-0.1, -0.09, -0.11, -0.1, -0.1, -0.12, -0.08, -0.1]),
      bench: [],
      rounds: 8,
    }).find((x) => x.key.endsWith('/rps'))!;
    expect(m.verdict).toBe('regressed');
  });
});

describe('judgeAb', () => {
  it('pairs by round, so drift between rounds does not hide a 10 % slowdown', () => {
    const m = metric(pairs(0.9), '/rps');
    expect(m.verdict).toBe('regressed');
    expect(m.median).toBeCloseTo(0.9, 1);
    expect(m.paired).toHaveLength(8);
  });

  it('stays quiet on an A/A with the same drift', () => {
    expect(metric(pairs(1), '/rps').verdict).toBe('no significant change');
    expect(abExitCode(judgeAb({ trials: pairs(1), bench: [], rounds: 8 }), [])).toBe(0);
  });

  it('a baseline slice that stalled (0 rps) is a valid, finite pair: no crash, no verdict change on an A/A', () => {
    const ts = pairs(1);
    ts[4] = { ...ts[4]!, rps: 0, requests: 0 };
    const m = metric(ts, '/rps');
    expect(m.paired.every(Number.isFinite)).toBe(true);
    expect(m.verdict).toBe('no significant change');
    expect(() => AbMetric.array().parse(judgeAb({ trials: ts, bench: [], rounds: 8 }))).not.toThrow();
  });

  it('a failed candidate trial makes the metric failed (exit 1), never dropped', () => {
    const ts = pairs(1);
    ts[3] = { ...ts[3]!, status: 'failed', reason: 'audit: 2 acknowledged writes lost' };
    const m = metric(ts, '/rps');
    expect(m.verdict).toBe('failed');
    expect(m.reason).toContain('candidate: audit');
    expect(abExitCode(judgeAb({ trials: ts, bench: [], rounds: 8 }), [])).toBe(1);
  });

  it('a candidate that answers with errors regresses on the error share', () => {
    const ts = pairs(1).map((t) => (t.side === 'candidate' ? { ...t, errorPct: 3, non2xx: 30 } : t));
    expect(metric(ts, '/errors').verdict).toBe('regressed');
  });

  it('judges microbenchmarks paired by round too, shown but not gating; a failed one still fails the gate', () => {
    const bench: AbBenchSample[] = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((r) => [
      {
        round: r,
        seq: 0,
        side: 'baseline' as const,
        op: 'point-read',
        profile: 'tuned',
        status: 'ok' as const,
        opsPerSec: 1e5 + r * 1e4,
        rme: 1,
      },
      {
        round: r,
        seq: 0,
        side: 'candidate' as const,
        op: 'point-read',
        profile: 'tuned',
        status: 'ok' as const,
        opsPerSec: (1e5 + r * 1e4) * 0.8,
        rme: 1,
      },
    ]);
    const m = metric(pairs(1), 'point-read/tuned/ops', bench);
    expect(m.verdict).toBe('regressed');
    expect(m.gating).toBe(false);
    expect(abExitCode(judgeAb({ trials: pairs(1), bench, rounds: 8 }), [])).toBe(0);
    const crashed = bench.map((b) =>
      b.side === 'candidate' && b.round === 3 ? { ...b, status: 'failed' as const, reason: 'bench crashed' } : b,
    );
    expect(abExitCode(judgeAb({ trials: pairs(1), bench: crashed, rounds: 8 }), [])).toBe(1);
  });
});

describe('exact counters in the A/B', () => {
  const rec = (instructionsPerOp: number, fsyncPerOp: number): CountedRecord => ({
    op: 'insert-autocommit',
    profile: 'tuned',
    status: 'ok',
    n: 200,
    batch: 1,
    writes: true,
    instructionsPerOp,
    fsyncPerOp,
    writeCallsPerOp: 7,
    writeBytesPerOp: 15_000,
    readCallsPerOp: 0,
    readBytesPerOp: 0,
    totals: { n: null, twoN: null },
    effective: {},
    tools: { valgrind: null, strace: null, node: 'v20', sqlite: null },
    nodeFlags: [],
    wallMs: 1,
  });
  const judge = (b: ReturnType<typeof rec>, c: ReturnType<typeof rec>) =>
    judgeAb({ trials: [], bench: [], rounds: 0, counted: { baseline: [b], candidate: [c] } });

  it('a 2 % instruction rise regresses at the 1 % threshold; equal counts do not', () => {
    const up = judge(rec(46_750, 0.015), rec(46_750 * 1.02, 0.015));
    expect(up.find((m) => m.key.endsWith('/instructions'))!.verdict).toBe('regressed');
    expect(abExitCode(judge(rec(46_750, 0.015), rec(46_750, 0.015)), [])).toBe(0);
  });

  it('a side without counts is a failed metric, not a pass', () => {
    const failed = { ...rec(1, 1), status: 'failed' as const, reason: 'valgrind crashed', instructionsPerOp: null };
    const m = judgeAb({
      trials: [],
      bench: [],
      rounds: 0,
      counted: { baseline: [rec(1, 1)], candidate: [failed] },
    });
    expect(m.every((x) => x.verdict === 'failed')).toBe(true);
  });
});
