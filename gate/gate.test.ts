import { describe, expect, it } from 'vitest';
import {
  auditFailed,
  benchRecord,
  failedArm,
  loadRecord,
  sampleRun,
  withArm,
  withNon2xx,
  withoutProfile,
} from '../test-support/records.ts';
import { withTrials } from '../test-support/trials.ts';
import { renderComparison } from '../reports/gate-markdown.ts';
import {
  COMPARE_CONFIDENCE,
  COMPARE_MIN_TRIALS,
  commonGatingKeys,
  compareMetrics,
  judge,
  judgePoints,
} from './judge.ts';
import { toBencher, toGithubBenchmark } from './export.ts';
import { extractMetrics } from './metrics.ts';
import type { RunResults } from '../lib/records/run.ts';

const metricsOf = (r: RunResults) => extractMetrics({ load: r.load, bench: r.bench, capacity: r.capacity });

/** The same run with every rps and ops/s scaled by `rps` and every latency by `lat`. */
function scaled(run: RunResults, rps: number, lat: number): RunResults {
  const copy = structuredClone(run);
  for (const r of copy.load) {
    for (const t of [...r.trials, ...(r.median ? [r.median] : [])]) {
      t.rps *= rps;
      for (const k of Object.keys(t.latencyMs) as (keyof typeof t.latencyMs)[]) t.latencyMs[k] *= lat;
    }
  }
  for (const b of copy.bench) b.opsPerSec *= rps;
  return copy;
}

describe('judge', () => {
  it('never calls a change inside the threshold a regression', () => {
    expect(judge(0.95, 0.94, 0.96, 'higher', 10)).toBe('no significant change');
  });
  it('needs the interval on the worse side too', () => {
    expect(judge(0.8, 0.6, 1.05, 'higher', 10)).toBe('no significant change');
    expect(judge(0.8, 0.75, 0.85, 'higher', 10)).toBe('regressed');
  });
  it('knows latency is better lower', () => {
    expect(judge(1.3, 1.25, 1.35, 'lower', 10)).toBe('regressed');
    expect(judge(0.7, 0.65, 0.75, 'lower', 10)).toBe('improved');
  });
});

describe('compareMetrics', () => {
  // Five trials per arm, as the calibration config: enough for the 95 % interval.
  const base = withTrials(sampleRun());

  it('A/A: the same file gives no significant change anywhere', () => {
    const c = compareMetrics(metricsOf(base), metricsOf(base));
    expect(c.metrics.length).toBeGreaterThan(20);
    expect(c.metrics.every((m) => m.verdict === 'no significant change')).toBe(true);
    expect(c.regressions).toBe(0);
    expect(renderComparison(c)).toContain('no significant change in');
  });

  it('rps 30 % lower and latencies 30 % higher is a regression', () => {
    const c = compareMetrics(metricsOf(base), metricsOf(scaled(base, 0.7, 1.3)), { thresholdPct: 10 });
    const load = c.metrics.filter((m) => m.key.startsWith('load/') && !m.key.endsWith('/errors'));
    expect(load.every((m) => m.verdict === 'regressed')).toBe(true);
    expect(c.regressions).toBeGreaterThan(0);
    const rps = c.metrics.find((m) => m.key === 'load/autocannon/read-list/tuned/single/c10/rps')!;
    expect(rps.change).toBeCloseTo(-0.3, 9);
    expect(rps.method).toBe('mann-whitney');
    expect(rps.interval.high).toBeLessThan(0);
  });

  it('a 5 % slowdown stays within the default noise threshold', () => {
    const c = compareMetrics(metricsOf(base), metricsOf(scaled(base, 0.95, 1.05)));
    expect(c.regressions).toBe(0);
  });

  it('a 30 % speed-up is an improvement, not a regression', () => {
    const c = compareMetrics(metricsOf(base), metricsOf(scaled(base, 1.3, 0.7)));
    expect(c.regressions).toBe(0);
    expect(c.improvements).toBeGreaterThan(0);
  });

  it('shows microbenchmark and capacity slowdowns without failing the gate (no run-to-run interval)', () => {
    const slow = structuredClone(base);
    for (const b of slow.bench) b.opsPerSec *= 0.6;
    for (const c of slow.capacity) c.capacity = (c.capacity ?? 0) / 2;
    const c = compareMetrics(metricsOf(base), metricsOf(slow));
    expect(c.regressions).toBe(0);
    expect(c.informationalRegressions).toBe(base.bench.length + base.capacity.length);
    expect(
      c.metrics.filter((m) => m.key.startsWith('bench/')).every((m) => m.verdict === 'regressed' && !m.gating),
    ).toBe(true);
    expect(renderComparison(c)).toContain('no gating regression');
  });

  it('gates on rps and p95 only; p95 gets 1.5x the threshold, p50/p99 are informational', () => {
    const c = compareMetrics(metricsOf(base), metricsOf(scaled(base, 1, 1.12)), { thresholdPct: 10 });
    expect(c.regressions).toBe(0);
    const p95 = c.metrics.find((m) => m.key === 'load/autocannon/read-list/tuned/single/c10/p95')!;
    expect(p95).toMatchObject({ thresholdPct: 15, gating: true, verdict: 'no significant change' });
    const p50 = c.metrics.find((m) => m.key === 'load/autocannon/read-list/tuned/single/c10/p50')!;
    expect(p50).toMatchObject({ gating: false, verdict: 'regressed' });
    expect(c.informationalRegressions).toBeGreaterThan(0);
  });

  it('lists metrics present on one side only instead of failing', () => {
    const extra = sampleRun({ load: [...base.load, loadRecord('new', 'tuned', [1, 2, 3], [1, 1, 1])] });
    const c = compareMetrics(metricsOf(base), metricsOf(extra));
    expect(c.onlyInCandidate).toContain('load/autocannon/new/tuned/single/c10/rps');
  });
});

describe('failed and missing arms (no silent passes)', () => {
  const base = sampleRun();
  const key = (scenario: string, profile: string, m: string) =>
    `load/autocannon/${scenario}/${profile}/single/c10/${m}`;

  it('extractMetrics carries a failed arm as failed metrics with the reason, not dropped', () => {
    const m = metricsOf(withArm(base, 'write', 'tuned', (a) => auditFailed(a, 3)));
    const rps = m.find((x) => x.key === key('write', 'tuned', 'rps'))!;
    expect(rps).toMatchObject({ failure: 'audit: 3 acknowledged writes lost', gate: true, samples: [] });
    expect(Number.isNaN(rps.value)).toBe(true);
    expect(m.filter((x) => x.failure !== undefined).map((x) => x.key.split('/').pop())).toEqual([
      'rps',
      'p50',
      'p95',
      'p99',
      'errors',
    ]);
  });

  it('a failed write audit counts even on a record marked ok', () => {
    const m = metricsOf(withArm(base, 'write', 'tuned', (a) => ({ ...auditFailed(a, 1), status: 'ok' })));
    expect(m.find((x) => x.key === key('write', 'tuned', 'rps'))!.failure).toBe('audit: 1 acknowledged write lost');
  });

  it('a candidate arm that failed is a regression of each gating metric, with the reason', () => {
    const cand = withArm(base, 'write', 'tuned', (a) => failedArm(a, 'trial 2: server exited\nstack…'));
    const c = compareMetrics(metricsOf(base), metricsOf(cand));
    expect(c.regressions).toBe(3);
    expect(c.uncompared.filter((u) => u.verdict === 'regressed').map((u) => u.name)).toEqual([
      'write · tuned · rps',
      'write · tuned · p95',
      'write · tuned · errors',
    ]);
    expect(c.uncompared[0]!.reason).toBe('candidate arm failed (trial 2: server exited)');
    expect(c.uncompared.find((u) => u.name === 'write · tuned · p50')).toMatchObject({
      verdict: 'not compared',
      gating: false,
    });
  });

  it('a gating metric missing from the candidate is a regression', () => {
    const c = compareMetrics(metricsOf(base), metricsOf(withoutProfile(base, 'untuned')));
    expect(c.regressions).toBe(9);
    expect(c.uncompared).toContainEqual({
      key: key('write', 'untuned', 'rps'),
      name: 'write · untuned · rps',
      reason: 'missing in candidate',
      verdict: 'regressed',
      gating: true,
    });
  });

  it('a failed baseline arm is shown, not held against a measured candidate', () => {
    const broken = withArm(base, 'write', 'tuned', (a) => failedArm(a, 'seeding failed: disk full'));
    const c = compareMetrics(metricsOf(broken), metricsOf(base));
    expect(c.regressions).toBe(0);
    expect(c.uncompared.find((u) => u.name === 'write · tuned · rps')).toMatchObject({
      verdict: 'not compared',
      reason: 'baseline arm failed (seeding failed: disk full): nothing to compare the candidate with',
    });
  });

  it('a candidate arm failing where the baseline failed too, or that the baseline lacks, still regresses', () => {
    const broken = withArm(base, 'write', 'tuned', (a) => failedArm(a, 'boom'));
    expect(compareMetrics(metricsOf(broken), metricsOf(broken)).regressions).toBe(3);
    const extra = sampleRun({ load: [...base.load, failedArm(loadRecord('new', 'tuned', [1], [1]), 'boom')] });
    const c = compareMetrics(metricsOf(base), metricsOf(extra));
    expect(c.regressions).toBe(3);
    expect(c.uncompared[0]!.reason).toBe('candidate arm failed (boom); not in baseline');
  });

  it('a failed microbenchmark is shown as not compared and does not gate', () => {
    const cand = sampleRun({
      bench: [
        ...base.bench.slice(1),
        benchRecord('get-campaign', 'untuned', 1, { status: 'failed', reason: 'SQLITE_BUSY' }),
      ],
    });
    const c = compareMetrics(metricsOf(base), metricsOf(cand));
    expect(c.regressions).toBe(0);
    expect(c.uncompared).toEqual([
      expect.objectContaining({ key: 'bench/get-campaign/untuned/ops', verdict: 'not compared', gating: false }),
    ]);
  });

  it('skipped arms give no metric, so a skipped candidate arm is "missing in candidate"', () => {
    const cand = withArm(base, 'read-list', 'tuned', (a) => ({ ...a, status: 'skipped', reason: 'interrupted' }));
    const c = compareMetrics(metricsOf(base), metricsOf(cand));
    expect(c.uncompared.find((u) => u.name === 'read-list · tuned · rps')!.reason).toBe('missing in candidate');
  });

  it('commonGatingKeys: none when the files share no load arm', () => {
    const other = sampleRun({ load: [loadRecord('read-point', 'tuned', [1, 2, 3], [1, 1, 1])] });
    expect(commonGatingKeys(metricsOf(base), metricsOf(other))).toEqual([]);
    expect(commonGatingKeys(metricsOf(base), metricsOf(base))).toHaveLength(18);
  });

  it('the renderer puts every gating regression reason before the table', () => {
    const cand = withArm(base, 'write', 'tuned', (a) => auditFailed(a, 3));
    const text = renderComparison(compareMetrics(metricsOf(base), metricsOf(cand)), { format: 'text' });
    expect(text.split('\n')[0]).toBe(
      'regressed: write · tuned · rps: candidate arm failed (audit: 3 acknowledged writes lost)',
    );
    expect(text).toContain('3 gating metric(s) failed or missing in the candidate');
  });

  it('exports leave failed arms out', () => {
    const m = metricsOf(withArm(base, 'write', 'tuned', (a) => auditFailed(a, 3)));
    expect(toGithubBenchmark(m).biggerIsBetter.some((e) => e.name === 'write · tuned · rps')).toBe(false);
    expect(toBencher(m)['load/autocannon/write/tuned/single/c10']).toBeUndefined();
  });
});

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
