import { describe, expect, it } from 'vitest';
import { AbMetric, type AbBenchSample, type AbTrial } from '../lib/records/ab.ts';
import { abExitCode, judgeAb, judgePoints, judgeRatios } from './judge.ts';
import { trial } from '../test-support/ab-records.ts';
import { beyondThreshold } from '../reports/ab-verdict.ts';

/** Eight rounds whose baseline drifts a lot between rounds; the candidate is `ratio` × its pair. */
function pairs(ratio: number, noise: number[] = [0, 0.01, -0.01, 0.005, -0.005, 0.008, -0.008, 0.002]): AbTrial[] {
  const drift = [1000, 1400, 800, 1200, 950, 1300, 700, 1100];
  return drift.flatMap((b, r) => [trial(r, 'baseline', b), trial(r, 'candidate', b * ratio * (1 + noise[r]!))]);
}
const metric = (ts: AbTrial[], key: string, bench: AbBenchSample[] = []) =>
  judgeAb({ trials: ts, bench, rounds: 8 }).find((m) => m.key.endsWith(key))!;
describe('judgeRatios', () => {
  it('item 3 (threshold vs interval): regressed when the whole interval is worse AND the estimate passes the threshold', () => {
    expect(judgeRatios(0.88, 0.9, 0.93, 'higher', 5)).toBe('regressed');
    // Real (the interval excludes 1) but the estimate (−3 %) is within 5 %: a small regression, not failed.
    expect(judgeRatios(0.95, 0.97, 0.99, 'higher', 5)).toBe('small regression');
    // The estimate passes 5 % but the interval reaches past 1: not shown either way.
    expect(judgeRatios(0.88, 0.93, 1.01, 'higher', 5)).toBe('no significant change');
    expect(judgeRatios(1.12, 1.15, 1.2, 'lower', 10)).toBe('regressed');
    expect(judgeRatios(1.01, 1.05, 1.2, 'lower', 10)).toBe('small regression');
    expect(judgeRatios(0.8, 0.85, 0.88, 'lower', 10)).toBe('improved');
  });

  it('judges error shares in points', () => {
    expect(judgePoints(0.6, 1, 2, 0.5)).toBe('regressed');
    expect(judgePoints(0.1, 0.3, 2, 0.5)).toBe('small regression');
    expect(judgePoints(0, 0, 0, 0.5)).toBe('no significant change');
  });

  it('item 3: a small regression is shown, not failed; the claim of "beyond" needs the near end beyond too', () => {
    const ts = pairs(0.97, [0, 0.005, -0.005, 0.002, -0.002, 0.004, -0.004, 0.001]);
    const metrics = judgeAb({ trials: ts, bench: [], rounds: 8 });
    const rps = metrics.find((m) => m.key.endsWith('/rps'))!;
    expect(rps.verdict).toBe('small regression');
    expect(abExitCode(metrics, [])).toBe(0);
    expect(beyondThreshold({ low: 0.88, high: 0.93, direction: 'higher', scale: 'ratio', threshold: 5 })).toBe(true);
    expect(beyondThreshold({ low: 0.88, high: 0.97, direction: 'higher', scale: 'ratio', threshold: 5 })).toBe(false);
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
    expect(m.method).toBe('round-sign-test');
    expect(m.rounds).toBe(8);
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

  it('a baseline slice with no 2xx, alone in its round, fails that round: never a ratio, never "no change"', () => {
    const ts = pairs(1);
    ts[4] = { ...ts[4]!, rps: 0, requests: 0 };
    const m = metric(ts, '/rps');
    expect(m.paired.every(Number.isFinite)).toBe(true);
    expect(m).toMatchObject({
      verdict: 'failed',
      reason: 'baseline answered no request with a 2xx in any slice of round 3 (stalled or erroring)',
    });
    expect(m.note).toContain('slices answered only with errors (no 2xx): candidate 0, baseline 1');
    expect(() => AbMetric.array().parse(judgeAb({ trials: ts, bench: [], rounds: 8 }))).not.toThrow();
  });

  it('p95 leaves a slice with no answer out and notes it: a p95 of 0 is no latency, never an improvement', () => {
    const ts = pairs(1, [0, 0, 0, 0, 0, 0, 0, 0]);
    ts[5] = { ...ts[5]!, p95Ms: 0 };
    const m = metric(ts, '/p95');
    expect(m.paired).toHaveLength(7);
    expect(m.paired).not.toContain(0);
    expect(m.note).toBe(
      '1 of 8 pairs left out, a side answered nothing (candidate 1, baseline 0): not counted as no change',
    );
    expect(m.verdict).not.toBe('improved');
  });

  it('a candidate that answered nothing in every slice is failed, not "no change"', () => {
    const ts = pairs(1).map((t) => (t.side === 'candidate' ? { ...t, rps: 0, requests: 0 } : t));
    const m = metric(ts, '/rps');
    expect(m.verdict).toBe('failed');
    expect(m.reason).toBe('candidate answered no request with a 2xx in any slice of round 1 (stalled or erroring)');
    expect(abExitCode(judgeAb({ trials: ts, bench: [], rounds: 8 }), [])).toBe(1);
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
