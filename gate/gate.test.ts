import { describe, expect, it } from 'vitest';
import { loadRecord, sampleRun } from '../test-support/records.ts';
import { renderComparison } from '../reports/gate-markdown.ts';
import { compareMetrics, judge } from './judge.ts';
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
  const base = sampleRun();

  it('A/A: the same file gives no significant change anywhere', () => {
    const c = compareMetrics(metricsOf(base), metricsOf(base));
    expect(c.metrics.length).toBeGreaterThan(20);
    expect(c.metrics.every((m) => m.verdict === 'no significant change')).toBe(true);
    expect(c.regressions).toBe(0);
    expect(renderComparison(c)).toContain('no significant change in');
  });

  it('rps 30 % lower and latencies 30 % higher is a regression', () => {
    const c = compareMetrics(metricsOf(base), metricsOf(scaled(base, 0.7, 1.3)), { thresholdPct: 10 });
    const load = c.metrics.filter((m) => m.key.startsWith('load/'));
    expect(load.every((m) => m.verdict === 'regressed')).toBe(true);
    expect(c.regressions).toBeGreaterThan(0);
    const rps = c.metrics.find((m) => m.key === 'load/autocannon/read-list/tuned/single/c10/rps')!;
    expect(rps.change).toBeCloseTo(-0.3, 9);
    expect(rps.method).toBe('bootstrap');
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

describe('exports', () => {
  const m = metricsOf(sampleRun());
  it('splits github-action-benchmark entries by direction', () => {
    const g = toGithubBenchmark(m);
    expect(g.biggerIsBetter.some((e) => e.unit === 'req/s')).toBe(true);
    expect(g.smallerIsBetter.every((e) => e.unit === 'ms')).toBe(true);
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
