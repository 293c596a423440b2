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
import { createRng } from '../lib/rng.ts';
import { abFileOf, quickLike, trial } from '../test-support/ab-records.ts';
import { beyondThreshold } from '../reports/ab-verdict.ts';
import { familyConfidence, isNotEnough, medianInterval } from '../stats/index.ts';

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

/**
 * 8 rounds of 16 slice pairs of one arm, like `ab --quick`; the candidate stalls (no
 * response: status 'stalled', 0 rps, an empty histogram) in `stalls` slices of every round.
 */
function stalling(stalls: number, rounds = 8, side: AbTrial['side'] = 'candidate'): AbTrial[] {
  const out: AbTrial[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < 16; k++) {
      const pair = r * 16 + k;
      const noise = 1 + 0.02 * Math.sin(pair * 1.7);
      for (const s of ['baseline', 'candidate'] as const) {
        const stalled = s === side && k < stalls;
        out.push(
          trial(r, s, stalled ? 0 : 1000 * (s === 'candidate' ? noise : 1), stalled ? 0 : 2 * noise, {
            pair,
            slice: 2 * k + (s === 'baseline' ? 0 : 1),
            ...(stalled
              ? { status: 'stalled', reason: 'no response in 0.095 s', requests: 0, p50Ms: 0, p99Ms: 0 }
              : {}),
          }),
        );
      }
    }
  }
  return out;
}

describe('item 1: stalled slices', () => {
  it.each([
    [4, 0.75],
    [6, 0.625],
    [7, 0.5625],
  ])(
    'a candidate stalling in %i of 16 slices every round is a regression on answered work (×%f), exit 1',
    (stalls, work) => {
      const metrics = judgeAb({ trials: stalling(stalls), bench: [], rounds: 8 });
      const rps = metrics.find((m) => m.key.endsWith('/rps'))!;
      expect(rps.verdict).toBe('regressed');
      expect(rps.median).toBeCloseTo(work, 1);
      expect(rps.stalled).toEqual({ candidate: stalls * 8, baseline: 0 });
      expect(rps.note).toContain(`stalled slices (no response): candidate ${stalls * 8}, baseline 0 of 128`);
      // p95 of a stalled slice is no latency, never a p95 of 0 that reads as an improvement.
      expect(metrics.find((m) => m.key.endsWith('/p95'))!.verdict).not.toBe('improved');
      expect(abExitCode(metrics, [])).toBe(1);
    },
  );

  it('one stalled slice in one round of an A/A stays quiet', () => {
    const ts = stalling(0);
    const i = ts.findIndex((t) => t.side === 'candidate' && t.round === 3);
    ts[i] = { ...ts[i]!, status: 'stalled', rps: 0, requests: 0, p95Ms: 0 };
    const metrics = judgeAb({ trials: ts, bench: [], rounds: 8 });
    expect(metrics.find((m) => m.key.endsWith('/rps'))!.verdict).toBe('no significant change');
    expect(abExitCode(metrics, [])).toBe(0);
  });

  it('a candidate that stops answering (every slice of a round stalled) fails, naming the side and the round', () => {
    const ts = stalling(16).map((t) =>
      t.round < 2 && t.side === 'candidate' ? { ...t, status: 'ok' as const, rps: 1000, requests: 1000, p95Ms: 2 } : t,
    );
    const metrics = judgeAb({ trials: ts, bench: [], rounds: 8 });
    const rps = metrics.find((m) => m.key.endsWith('/rps'))!;
    expect(rps).toMatchObject({
      verdict: 'failed',
      reason: 'candidate answered no request with a 2xx in any slice of round 3 (stalled or erroring)',
    });
    expect(abExitCode(metrics, [])).toBe(1);
  });
});

describe('item 1: slices answered only with errors', () => {
  const erroring = (slices: number) =>
    stalling(0).map((t) =>
      t.side === 'candidate' && t.slice % 32 < 2 * slices
        ? { ...t, rps: 0, requests: 50, non2xx: 50, errorPct: 100, p95Ms: 1 }
        : t,
    );

  it('count as lost work in their round: a candidate failing 6 of 16 slices with 5xx regresses (exit 1)', () => {
    const metrics = judgeAb({ trials: erroring(6), bench: [], rounds: 8 });
    const rps = metrics.find((m) => m.key.endsWith('/rps'))!;
    expect(rps.verdict).toBe('regressed');
    expect(rps.median).toBeCloseTo(0.625, 1);
    expect(rps.note).toContain('slices answered only with errors (no 2xx): candidate 48, baseline 0');
    expect(abExitCode(metrics, [])).toBe(1);
  });

  it('a candidate with no 2xx in a whole round fails, naming the round', () => {
    const metrics = judgeAb({ trials: erroring(16), bench: [], rounds: 8 });
    expect(metrics.find((m) => m.key.endsWith('/rps'))!.reason).toBe(
      'candidate answered no request with a 2xx in any slice of round 1 (stalled or erroring)',
    );
    expect(abExitCode(metrics, [])).toBe(1);
  });
});

describe('item 2: both sides failing', () => {
  it('two sides that answer nothing (unreachable targets) fail, exit 1: never 0/0 = no change', () => {
    const dead = (t: AbTrial): AbTrial => ({
      ...t,
      status: 'stalled',
      rps: 0,
      requests: 0,
      errors: 40,
      errorPct: 100,
      p95Ms: 0,
    });
    const metrics = judgeAb({ trials: stalling(0).map(dead), bench: [], rounds: 8 });
    expect(metrics.find((m) => m.key.endsWith('/rps'))).toMatchObject({
      verdict: 'failed',
      reason: 'both sides answered no request with a 2xx in any slice of round 1 (stalled or erroring)',
    });
    expect(abExitCode(metrics, [])).toBe(1);
  });

  it('a baseline that answers nothing fails too, whatever the candidate did', () => {
    const metrics = judgeAb({ trials: stalling(16, 8, 'baseline'), bench: [], rounds: 8 });
    expect(metrics.find((m) => m.key.endsWith('/rps'))!.reason).toBe(
      'baseline answered no request with a 2xx in any slice of round 1 (stalled or erroring)',
    );
    expect(abExitCode(metrics, [])).toBe(1);
  });
});

/** `rounds` rounds of one pair each, the candidate `ratio` × its baseline with a little noise. */
const roundsOf = (rounds: number, ratio = 1): AbTrial[] =>
  Array.from({ length: rounds }, (_, r) => [
    trial(r, 'baseline', 1000 + 100 * r),
    trial(r, 'candidate', (1000 + 100 * r) * ratio * (1 + (r % 2 ? 0.01 : -0.01) * (r + 1) * 0.1)),
  ]).flat();

/** Like `ab --quick`: four arms whose rps, p95 and error share all vary, so 12 gating metrics can reject. */
describe('rounds, method and coverage', () => {
  it('item 4: 12 gating metrics are one family: each interval asked at 1 − 0.1/12, and 8 rounds reach it with [min, max]', () => {
    const metrics = judgeAb({ trials: quickLike(8), bench: [], rounds: 8 });
    const gating = metrics.filter((x) => x.gating);
    expect(gating).toHaveLength(12);
    for (const m of gating) {
      expect(m).toMatchObject({ method: 'round-sign-test', familySize: 12, rounds: 8 });
      expect(m.confidence).toBeCloseTo(1 - 0.1 / 12, 12);
      expect(m.coverage).toBe(1 - 2 / 256);
      expect(m.low).toBe(Math.min(...m.roundValues));
      expect(m.high).toBe(Math.max(...m.roundValues));
    }
    expect(abExitCode(metrics, [])).toBe(0);
  });

  it('item 4: a metric that cannot reject (every round tied at no change) is not counted in the family', () => {
    const m = judgeAb({ trials: roundsOf(8), bench: [], rounds: 8 });
    // p95 is 2 ms and the error share 0 on both sides in every round: only rps can reject.
    expect(m.find((x) => x.key.endsWith('/rps'))).toMatchObject({ familySize: 1, confidence: 0.9 });
  });

  it('12 rounds (--full): the coverage is computed for 12, not typed', () => {
    const m = judgeAb({ trials: quickLike(12), bench: [], rounds: 12 }).find((x) => x.key.endsWith('/rps'))!;
    // 1 − 0.1/12 = 99.17 %: [x(2), x(11)] covers 1 − 2·13/4096 = 99.37 %.
    expect(m.coverage).toBeCloseTo(1 - (2 * 13) / 4096, 12);
    expect(m.rounds).toBe(12);
  });

  it('7 rounds for 12 gating metrics: "not enough rounds" with the reason, no interval, and the A/B exits 2', () => {
    const metrics = judgeAb({ trials: quickLike(7, 0.8), bench: [], rounds: 7 });
    const m = metrics.find((x) => x.key.endsWith('read-point/tuned/rps'))!;
    // A 20 % slowdown, but 7 rounds cannot bound 12 metrics at once: no verdict, never 'regressed'.
    expect(m).toMatchObject({
      verdict: 'not enough rounds',
      reason: 'not enough rounds: 7 of the 8 that 99.2 % needs',
      low: null,
      high: null,
      coverage: null,
      rounds: 7,
    });
    expect(m.median).toBeCloseTo(0.8, 1);
    expect(metrics.filter((x) => x.gating).every((x) => x.verdict === 'not enough rounds')).toBe(true);
    expect(abExitCode(metrics, [])).toBe(2);
    expect(notEnoughRounds(metrics)).toBe('not enough rounds: 7 of the 8 that 99.2 % needs');
    expect(() => AbMetric.array().parse(metrics)).not.toThrow();
  });

  it('one arm needs 6 rounds; a failure or a problem still exits 1 before "not enough rounds"', () => {
    expect(abExitCode(judgeAb({ trials: roundsOf(6, 0.8), bench: [], rounds: 6 }), [])).toBe(1);
    expect(abExitCode(judgeAb({ trials: roundsOf(6), bench: [], rounds: 6 }), [])).toBe(0);
    const five = roundsOf(4);
    five[1] = { ...five[1]!, status: 'failed', reason: 'server exited' };
    expect(abExitCode(judgeAb({ trials: five, bench: [], rounds: 4 }), [])).toBe(1);
    expect(abExitCode(judgeAb({ trials: roundsOf(4), bench: [], rounds: 4 }), ['candidate: crashed'])).toBe(1);
  });

  it('tooFewRounds: the reason an A/B planned with too few rounds for its arms can give no verdict', () => {
    expect(tooFewRounds(7, 4)).toBe('not enough rounds: 7 of the 8 that 99.2 % needs');
    expect(tooFewRounds(8, 4)).toBeUndefined();
    expect(tooFewRounds(5, 1)).toBe('not enough rounds: 5 of the 6 that 96.7 % needs');
    expect(tooFewRounds(6, 1)).toBeUndefined();
    // --full: 12 arms, 36 metrics at 1 − 0.1/36 need 10 rounds.
    expect(tooFewRounds(9, 12)).toBe('not enough rounds: 9 of the 10 that 99.7 % needs');
    expect(tooFewRounds(12, 12)).toBeUndefined();
  });

  it('item 4: simulated A/A runs shaped like --full (36 metrics, 12 rounds) alarm in at most 5 % of runs; 95 % per metric would alarm in far more', () => {
    const rng = createRng(23);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
    let family = 0;
    let perMetric = 0;
    const runs = 2000;
    for (let i = 0; i < runs; i++) {
      const values = Array.from({ length: 36 }, () => Array.from({ length: 12 }, () => Math.exp(0.03 * normal())));
      const alarm = (confidence: number) =>
        values.some((v) => {
          const ci = medianInterval(v, confidence);
          return !isNotEnough(ci) && ci.high < 1;
        });
      if (alarm(familyConfidence(36))) family++;
      if (alarm(0.95)) perMetric++;
    }
    expect(family / runs).toBeLessThanOrEqual(0.05);
    expect(perMetric / runs).toBeGreaterThan(0.3);
  });
});

describe('AB.md', () => {
  const abFile = (rounds: number, ratio = 1, trials = quickLike(rounds, ratio)): AbFile => abFileOf(trials, rounds);

  it('states the method, the family and the coverage computed for the rounds from the record, never a typed "95 %"', () => {
    const md = renderAbMarkdown(abFile(8));
    expect(md).toContain('[round-sign-test], asked at 99.2 % (gating metrics: Bonferroni over 12 metric(s)');
    expect(md).toContain('coverage computed for the rounds at hand: 99.2 % with 8 rounds (12 metric(s))');
    expect(md).toMatch(/\| 99\.2 % \|/);
  });

  it('item 6: a pass states its interval and confidence: the largest regression the run could have missed', () => {
    const ab = abFile(8);
    const first = renderAbMarkdown(ab).split('\n')[0]!;
    // The widest worse end over the 12 gating intervals, and the family-wise coverage 1 − 12/256.
    const worst = Math.max(
      ...ab.metrics
        .filter((m) => m.gating && m.scale === 'ratio')
        .map((m) => (m.direction === 'higher' ? 1 - m.low! : m.high! - 1)),
    );
    expect(first).toMatch(/^\*\*A\/B: no significant regression: no regression larger than /);
    expect(first).toContain(`larger than ${(worst * 100).toFixed(1)} %`);
    expect(first).toContain('family-wise 95.3 % over 12 gating metric(s)');
  });

  it('item 6: a regression leads with its interval and confidence; improvements are counted from the gating metrics only', () => {
    const slow = abFile(8, 0.8);
    const first = renderAbMarkdown(slow).split('\n')[0]!;
    expect(first).toMatch(
      /^\*\*A\/B: REGRESSED: \d+ regression\(s\): read-point · tuned · rps \(2xx\) −20\.\d % \[−2\d\.\d % … −1\d\.\d %\], beyond 5 %/,
    );
    expect(first).toContain('(family-wise 95.3 % over 12 gating metric(s))');
    // A microbenchmark (shown, not gating) that improved is not counted as an improvement of the gate.
    const bench = [0, 1, 2, 3, 4, 5, 6, 7].flatMap((r) =>
      (['baseline', 'candidate'] as const).map((side) => ({
        round: r,
        seq: 0,
        side,
        op: 'point-read',
        profile: 'tuned',
        status: 'ok' as const,
        opsPerSec: side === 'candidate' ? 2e5 : 1e5,
        rme: 1,
      })),
    );
    const ab = abFile(8);
    ab.metrics = judgeAb({ trials: quickLike(8), bench, rounds: 8 });
    expect(ab.metrics.find((m) => m.key.includes('/bench/'))!.verdict).toBe('improved');
    expect(renderAbMarkdown(ab).split('\n')[0]).not.toContain('improvement');
  });

  it('with 7 rounds for 12 metrics leads with "no verdict" and the reason, and lists the metrics that cannot be judged', () => {
    const md = renderAbMarkdown(abFile(7, 0.8));
    expect(md.split('\n')[0]).toBe(
      '**A/B: NO VERDICT: 12 gating metric(s) cannot be judged (not enough rounds: 7 of the 8 that 99.2 % needs)**',
    );
    expect(md).toContain('### Not enough rounds for a verdict');
    expect(md).not.toContain('REGRESSED');
  });

  it('item 5: counters asked for and not made are said in AB.md, and the A/B exits 2', () => {
    const ab = abFile(8);
    ab.notMeasured = ['baseline: exact counters not made: valgrind not found (apt-get install valgrind strace)'];
    ab.exitCode = abExitCode(ab.metrics, [], ab.notMeasured);
    expect(ab.exitCode).toBe(2);
    const md = renderAbMarkdown(ab);
    expect(md.split('\n')[0]).toBe(
      '**A/B: NOT MEASURED: baseline: exact counters not made: valgrind not found (apt-get install valgrind strace)**',
    );
    expect(md).toContain('### Asked for and not measured (exit 2)');
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

  it('a counter where the baseline had none (an fsync added) regresses, with no infinite ratio in the record', () => {
    const m = judge(rec(46_750, 0), rec(46_750, 0.5)).find((x) => x.key.endsWith('/fsync'))!;
    expect(m).toMatchObject({
      verdict: 'regressed',
      median: null,
      reason: 'candidate 0.5 fsync/op where the baseline had none',
    });
    expect(() => AbMetric.parse(m)).not.toThrow();
    expect(JSON.stringify(m)).not.toContain('null,null');
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
