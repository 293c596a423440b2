import { describe, expect, it } from 'vitest';
import { sampleRun, withArm, withNon2xx } from '../test-support/records.ts';
import { withTrials } from '../test-support/trials.ts';
import { renderComparison } from '../reports/gate-markdown.ts';
import { COMPARE_CONFIDENCE, COMPARE_MIN_TRIALS, compareMetrics, judgePoints } from './judge.ts';
import { toBencher, toGithubBenchmark } from './export.ts';
import { extractMetrics } from './metrics.ts';
import type { RunResults } from '../lib/records/run.ts';

const metricsOf = (r: RunResults) => extractMetrics({ load: r.load, bench: r.bench, capacity: r.capacity });

describe('error share', () => {
  const base = withTrials(sampleRun());
  const errorsOf = (c: ReturnType<typeof compareMetrics>, name: string) => c.metrics.find((m) => m.name === name)!;

  it('judgePoints: regressed only beyond the threshold in points and above 0', () => {
    expect(judgePoints(0, 0.6, 0.5)).toBe('regressed');
    expect(judgePoints(0, 0.4, 0.5)).toBe('no significant change');
    expect(judgePoints(1, 1.4, 0.5)).toBe('no significant change');
    expect(judgePoints(0, 0, 0)).toBe('no significant change');
    expect(judgePoints(3, 1, 0.5)).toBe('improved');
  });

  it('is a gating metric per arm, pooled over trials, compared in percentage points', () => {
    const cand = withArm(base, 'write', 'untuned', (a) => withNon2xx(a, 0.05));
    const c = compareMetrics(metricsOf(base), metricsOf(cand));
    const e = errorsOf(c, 'write · untuned · errors');
    expect(e).toMatchObject({ unit: '%', method: 'points', gating: true, verdict: 'regressed', thresholdPct: 0.5 });
    expect(e.candidate).toBeCloseTo(5, 1);
    expect(e.change).toBeCloseTo(5, 1);
    expect(c.regressions).toBe(1);
    expect(errorsOf(c, 'write · untuned · rps').verdict).toBe('no significant change');
  });

  it('the threshold in points is an option', () => {
    const cand = metricsOf(withArm(base, 'write', 'untuned', (a) => withNon2xx(a, 0.01)));
    expect(compareMetrics(metricsOf(base), cand).regressions).toBe(1);
    expect(compareMetrics(metricsOf(base), cand, { errorsThresholdPts: 2 }).regressions).toBe(0);
  });
});

describe('exports', () => {
  const m = metricsOf(sampleRun());
  it('splits github-action-benchmark entries by direction', () => {
    const g = toGithubBenchmark(m);
    expect(g.biggerIsBetter.some((e) => e.unit === 'req/s')).toBe(true);
    expect(g.smallerIsBetter.every((e) => e.unit === 'ms' || e.unit === '%')).toBe(true);
    expect(g.smallerIsBetter.some((e) => e.name === 'write · tuned · errors')).toBe(true);
    expect(g.biggerIsBetter[0]).toMatchObject({
      name: expect.any(String),
      unit: expect.any(String),
      value: expect.any(Number),
    });
  });
  it('writes Bencher Metric Format with throughput and bounds', () => {
    const b = toBencher(m);
    expect(b['load/autocannon/read-list/tuned/single/c10']!.throughput).toEqual({
      value: 5000,
      lower_value: 4900,
      upper_value: 5100,
    });
    expect(b['load/autocannon/read-list/tuned/single/c10']!['latency-p95-ms']!.value).toBe(4);
  });
});

describe('independent trials: method, computed coverage, and too few trials', () => {
  const rpsKey = 'load/autocannon/read-list/tuned/single/c10/rps';

  it('needs 4 trials a side at 95 % (computed from the Mann–Whitney distribution)', () => {
    expect(COMPARE_CONFIDENCE).toBe(0.95);
    expect(COMPARE_MIN_TRIALS).toBe(4);
  });

  it('records the method, the confidence and the coverage computed for 5 and 5 trials: 1 − 2 · 4/252', () => {
    const five = withTrials(sampleRun());
    const c = compareMetrics(metricsOf(five), metricsOf(five));
    const rps = c.metrics.find((m) => m.key === rpsKey)!;
    expect(rps).toMatchObject({ method: 'mann-whitney', confidence: 0.95, n: { baseline: 5, candidate: 5 } });
    // P(U ≤ 2) for 5 and 5 is (1 + 1 + 2)/C(10, 5): the interval drops the 3 extreme differences each side.
    expect(rps.coverage).toBeCloseTo(1 - (2 * 4) / 252, 12);
  });

  it('4 and 4 trials: the widest interval, coverage 1 − 2/70', () => {
    const four = withTrials(sampleRun(), 4);
    const rps = compareMetrics(metricsOf(four), metricsOf(four)).metrics.find((m) => m.key === rpsKey)!;
    expect(rps.coverage).toBeCloseTo(1 - 2 / 70, 12);
  });

  it('3 trials a side: rps and p95 cannot be judged, with the reason; they are not counted as compared', () => {
    const three = sampleRun();
    // Even a 30 % slowdown gets no verdict from 3 trials: the widest interval covers 90 %.
    const slow = structuredClone(three);
    for (const r of slow.load) for (const t of [...r.trials, r.median!]) t.rps *= 0.7;
    const c = compareMetrics(metricsOf(three), metricsOf(slow));
    const rps = c.unjudged.find((u) => u.key === rpsKey)!;
    expect(rps).toMatchObject({
      verdict: 'cannot be judged',
      reason: 'not enough trials: 3 and 3, where 95 % needs 4 on each side',
      gating: true,
      method: 'mann-whitney',
    });
    expect(c.metrics.find((m) => m.key === rpsKey)).toBeUndefined();
    expect(c.regressions).toBe(0);
    expect(c.judgedGating).toBe(0);
    // Still judged by their own rules: the error share (points) and the microbenchmarks (margins of error).
    expect(c.metrics.some((m) => m.method === 'points' && m.gating)).toBe(true);
    expect(c.metrics.some((m) => m.method === 'rme' && !m.gating)).toBe(true);
    const text = renderComparison(c, { format: 'text' });
    expect(text).toContain(
      'cannot be judged: read-list · tuned · rps: not enough trials: 3 and 3, where 95 % needs 4 on each side',
    );
    expect(text).toMatch(/; 12 gating metric\(s\) cannot be judged/);
  });

  it('states the method and the computed coverage in the report, never a typed bootstrap 95 %', () => {
    const five = withTrials(sampleRun());
    const text = renderComparison(compareMetrics(metricsOf(five), metricsOf(five)));
    expect(text).not.toMatch(/bootstrap/);
    expect(text).toContain(
      '[mann-whitney], asked at 95.0 %; coverage computed for the samples at hand: 96.8 % with 5 and 5 samples',
    );
    expect(text).toContain("tinybench: the two means' margins of error (4 metric(s))");
  });

  it('a capacity swept once is one number: method "none", shown and never gating', () => {
    const c = compareMetrics(metricsOf(sampleRun()), metricsOf(sampleRun()));
    const cap = c.metrics.find((m) => m.key.startsWith('capacity/'))!;
    expect(cap).toMatchObject({ method: 'none', gating: false, coverage: null, confidence: null });
  });
});

describe('tinybench margins of error', () => {
  it('an rme of 100 % or more leaves the interval unbounded above, never negative', () => {
    const m = (rmePct: number) => ({
      key: 'bench/x/tuned/ops',
      name: 'x',
      unit: 'ops/s',
      direction: 'higher' as const,
      value: 100,
      samples: [100],
      rmePct,
    });
    const c = compareMetrics([m(120)], [m(120)]);
    expect(c.metrics[0]!.interval.low).toBe(-1);
    expect(c.metrics[0]!.interval.high).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('item 9: a degraded arm is left out of the verdict', () => {
  const five = withTrials(sampleRun());
  const key = 'load/autocannon/read-list/tuned/single/c10';
  const degrade = (run: RunResults, why: string) => {
    const d = structuredClone(run);
    const arm = d.load.find((r) => r.scenario === 'read-list' && r.profile === 'tuned')!;
    arm.status = 'degraded';
    arm.reason = why;
    for (const t of arm.trials) t.rps *= 0.5;
    return d;
  };

  it('a candidate arm degraded where the baseline was not is a regression of rps and p95, with the reason', () => {
    const c = compareMetrics(metricsOf(five), metricsOf(degrade(five, '13.6 % of requests failed')));
    expect(c.uncompared.find((u) => u.key === `${key}/rps`)).toMatchObject({
      verdict: 'regressed',
      reason: "candidate arm degraded (13.6 % of requests failed); the baseline's was not",
    });
    expect(c.regressions).toBeGreaterThanOrEqual(2);
    expect(c.metrics.find((m) => m.key === `${key}/rps`)).toBeUndefined();
    // The error share is still judged on its own.
    expect(c.metrics.find((m) => m.key === `${key}/errors`)).toBeDefined();
  });

  it('both arms degraded: rps cannot be judged, naming both reasons', () => {
    const base = degrade(five, '2.0 % of requests failed');
    const c = compareMetrics(metricsOf(base), metricsOf(degrade(five, '3.1 % of requests failed')));
    expect(c.unjudged.find((u) => u.key === `${key}/rps`)).toMatchObject({
      verdict: 'cannot be judged',
      reason: 'both arms degraded (baseline: 2.0 % of requests failed; candidate: 3.1 % of requests failed)',
    });
  });
});
