import { describe, expect, it } from 'vitest';
import { AbMetric, type AbBenchSample, type AbFile, type AbTrial } from '../lib/records/ab.ts';
import { renderAbMarkdown } from '../reports/ab-markdown.ts';
import type { CountedRecord } from '../lib/records/counted.ts';
import {
  AB_CONFIDENCE,
  abExitCode,
  judgeAb,
  judgePoints,
  judgeRatios,
  notEnoughRounds,
  tooFewRounds,
} from './judge.ts';

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

  it('a baseline slice that stalled (0 rps) is no ratio: left out and noted, no crash, no verdict change on an A/A', () => {
    const ts = pairs(1);
    ts[4] = { ...ts[4]!, rps: 0, requests: 0 };
    const m = metric(ts, '/rps');
    expect(m.paired).toHaveLength(7);
    expect(m.paired.every(Number.isFinite)).toBe(true);
    expect(m.rounds).toBe(7);
    expect(m.note).toBe(
      '1 of 8 pairs left out, a side answered nothing (candidate 0, baseline 1): not counted as no change',
    );
    expect(m.verdict).toBe('no significant change');
    expect(() => AbMetric.array().parse(judgeAb({ trials: ts, bench: [], rounds: 8 }))).not.toThrow();
  });

  it('a candidate slice that stalled is not a ratio of 0, and both sides stalled is not a ratio of 1: left out and noted', () => {
    const ts = pairs(1);
    ts[5] = { ...ts[5]!, rps: 0, requests: 0 }; // round 2, candidate
    ts[6] = { ...ts[6]!, rps: 0, requests: 0 }; // round 3, both sides
    ts[7] = { ...ts[7]!, rps: 0, requests: 0 };
    expect([ts[5]!.side, ts[6]!.side, ts[7]!.side]).toEqual(['candidate', 'baseline', 'candidate']);
    const m = metric(ts, '/rps');
    expect(m.paired).toHaveLength(6);
    expect(m.pairRounds).toEqual([0, 1, 4, 5, 6, 7]);
    expect(m.paired).not.toContain(0);
    expect(m.note).toBe(
      '2 of 8 pairs left out, a side answered nothing (candidate 1, baseline 0, both 1): not counted as no change',
    );
    // 6 rounds left: still enough for a verdict.
    expect(m.verdict).toBe('no significant change');
  });

  it('a candidate that answered nothing in every slice is failed, not "no change"', () => {
    const ts = pairs(1).map((t) => (t.side === 'candidate' ? { ...t, rps: 0, requests: 0 } : t));
    const m = metric(ts, '/rps');
    expect(m.verdict).toBe('failed');
    expect(m.reason).toMatch(/^no pair has an answer on both sides \(8 of 8 pairs left out.*candidate 8, baseline 0/);
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

/** `rounds` rounds of one pair each, the candidate `ratio` × its baseline with a little noise. */
const roundsOf = (rounds: number, ratio = 1): AbTrial[] =>
  Array.from({ length: rounds }, (_, r) => [
    trial(r, 'baseline', 1000 + 100 * r),
    trial(r, 'candidate', (1000 + 100 * r) * ratio * (1 + (r % 2 ? 0.01 : -0.01) * (r + 1) * 0.1)),
  ]).flat();

describe('rounds, method and coverage', () => {
  it('records the method, the confidence asked and the coverage computed for 8 rounds: 1 − 2/2⁸', () => {
    const m = judgeAb({ trials: roundsOf(8), bench: [], rounds: 8 }).find((x) => x.key.endsWith('/rps'))!;
    expect(m).toMatchObject({ method: 'round-sign-test', confidence: AB_CONFIDENCE, rounds: 8 });
    expect(m.coverage).toBe(1 - 2 / 256);
    // 8 rounds: the only interval reaching 95 % is [min, max] of the round medians.
    expect(m.low).toBe(Math.min(...m.paired));
    expect(m.high).toBe(Math.max(...m.paired));
  });

  it('12 rounds (--full): the coverage is computed for 12, not typed: 1 − 2 · P(Bin(12, ½) ≤ 2)', () => {
    const m = judgeAb({ trials: roundsOf(12), bench: [], rounds: 12 }).find((x) => x.key.endsWith('/rps'))!;
    expect(m.coverage).toBeCloseTo(1 - (2 * (1 + 12 + 66)) / 4096, 12);
    expect(m.rounds).toBe(12);
  });

  it('5 rounds: every gating metric is "not enough rounds" with the reason, no interval, and the A/B exits 2', () => {
    const metrics = judgeAb({ trials: roundsOf(5, 0.8), bench: [], rounds: 5 });
    const m = metrics.find((x) => x.key.endsWith('/rps'))!;
    // A 20 % slowdown, but 5 rounds cannot bound it at 95 %: no verdict, never 'regressed'.
    expect(m).toMatchObject({
      verdict: 'not enough rounds',
      reason: 'not enough rounds: 5 of the 6 that 95 % needs',
      low: null,
      high: null,
      coverage: null,
      rounds: 5,
    });
    expect(m.median).toBeCloseTo(0.8, 1);
    expect(metrics.filter((x) => x.gating).every((x) => x.verdict === 'not enough rounds')).toBe(true);
    expect(abExitCode(metrics, [])).toBe(2);
    expect(notEnoughRounds(metrics)).toBe('not enough rounds: 5 of the 6 that 95 % needs');
    expect(() => AbMetric.array().parse(metrics)).not.toThrow();
  });

  it('6 rounds are enough for a verdict; a failure or a problem still exits 1 before "not enough rounds"', () => {
    expect(abExitCode(judgeAb({ trials: roundsOf(6, 0.8), bench: [], rounds: 6 }), [])).toBe(1);
    expect(abExitCode(judgeAb({ trials: roundsOf(6), bench: [], rounds: 6 }), [])).toBe(0);
    const five = roundsOf(5);
    five[1] = { ...five[1]!, status: 'failed', reason: 'server exited' };
    expect(abExitCode(judgeAb({ trials: five, bench: [], rounds: 5 }), [])).toBe(1);
    expect(abExitCode(judgeAb({ trials: roundsOf(5), bench: [], rounds: 5 }), ['candidate: crashed'])).toBe(1);
  });

  it('tooFewRounds: the reason an A/B planned with too few rounds can give no verdict', () => {
    expect(tooFewRounds(5)).toBe('not enough rounds: 5 of the 6 that 95 % needs');
    expect(tooFewRounds(6)).toBeUndefined();
    expect(tooFewRounds(8)).toBeUndefined();
  });
});

describe('AB.md', () => {
  const abFile = (rounds: number, ratio = 1): AbFile => {
    const metrics = judgeAb({ trials: roundsOf(rounds, ratio), bench: [], rounds });
    return {
      schemaVersion: 3,
      kind: 'ab',
      environment: {} as AbFile['environment'],
      mode: 'quick',
      config: { profiles: ['tuned'], scale: 0.05, load: { connections: 50 } } as AbFile['config'],
      sides: {
        baseline: {
          name: 'baseline',
          dir: '../main',
          gitSha: null,
          branch: null,
          dirty: null,
          configFile: null,
          injectDelayMs: 0,
          injectWork: 0,
        },
        candidate: {
          name: 'candidate',
          dir: '.',
          gitSha: null,
          branch: null,
          dirty: null,
          configFile: null,
          injectDelayMs: 0,
          injectWork: 0,
        },
      },
      orderSeed: 1,
      roundsPlanned: rounds,
      roundsDone: rounds,
      trials: [],
      bench: [],
      counted: { baseline: [], candidate: [] },
      metrics,
      problems: [],
      exitCode: abExitCode(metrics, []),
      wallS: 10,
    };
  };

  it('states the method and the coverage computed for the rounds from the record, never a typed "95 %" interval', () => {
    const md = renderAbMarkdown(abFile(8));
    expect(md).not.toMatch(/exact sign-test interval, 95 %|95 % two-stage bootstrap/);
    expect(md).toContain(
      '[round-sign-test], asked at 95.0 %; coverage computed for the rounds at hand: 99.2 % with 8 rounds',
    );
    expect(md).toMatch(/\| 99\.2 % \|/);
  });

  it('with 5 rounds leads with "no verdict" and the reason, and lists the metrics that cannot be judged', () => {
    const md = renderAbMarkdown(abFile(5, 0.8));
    expect(md.split('\n')[0]).toBe(
      '**A/B: NO VERDICT: 3 gating metric(s) cannot be judged (not enough rounds: 5 of the 6 that 95 % needs)**',
    );
    expect(md).toContain('### Not enough rounds for a verdict');
    expect(md).not.toContain('REGRESSED');
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
    expect(up.find((m) => m.key.endsWith('/instructions'))!).toMatchObject({
      verdict: 'regressed',
      method: 'exact',
      coverage: null,
    });
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
