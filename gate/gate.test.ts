import { describe, expect, it } from 'vitest';
import {
  auditFailed,
  benchRecord,
  failedArm,
  loadRecord,
  sampleRun,
  withArm,
  withoutProfile,
} from '../test-support/records.ts';
import { withTrials } from '../test-support/trials.ts';
import { renderComparison } from '../reports/gate-markdown.ts';
import { commonGatingKeys, compareMetrics, judge } from './judge.ts';
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
