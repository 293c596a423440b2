import { describe, expect, it } from 'vitest';
import { AbMetric, type AbBenchSample, type AbFile, type AbTrial } from '../lib/records/ab.ts';
import { renderAbMarkdown } from '../reports/ab-markdown.ts';
import type { CountedRecord } from '../lib/records/counted.ts';
import { abExitCode, judgeAb, notEnoughRounds, tooFewRounds } from './judge.ts';
import { createRng } from '../lib/rng.ts';
import { abFileOf, quickLike, trial } from '../test-support/ab-records.ts';
import { familyConfidence, isNotEnough, medianInterval } from '../stats/index.ts';

/** Eight rounds whose baseline drifts a lot between rounds; the candidate is `ratio` × its pair. */
function pairs(ratio: number, noise: number[] = [0, 0.01, -0.01, 0.005, -0.005, 0.008, -0.008, 0.002]): AbTrial[] {
  const drift = [1000, 1400, 800, 1200, 950, 1300, 700, 1100];
  return drift.flatMap((b, r) => [trial(r, 'baseline', b), trial(r, 'candidate', b * ratio * (1 + noise[r]!))]);
}
const metric = (ts: AbTrial[], key: string, bench: AbBenchSample[] = []) =>
  judgeAb({ trials: ts, bench, rounds: 8 }).find((m) => m.key.endsWith(key))!;
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
