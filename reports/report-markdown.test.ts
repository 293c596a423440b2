import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { headlineRows, renderHeadline } from './headline.ts';
import { renderReport } from './report-markdown.ts';
import { capacity, sampleRun } from '../test-support/records.ts';
import { samplePaired } from '../test-support/paired-records.ts';
import { runPairedGain } from './ledger/measure-paired.ts';
import { headlineRecord } from './ledger/measure.ts';
import { pct } from '../lib/format.ts';
import { writeReport } from './write.ts';

describe('headline', () => {
  it('reads each metric from the run, per profile', () => {
    const rows = headlineRows(sampleRun());
    const byId = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(byId.read!.values.tuned!.value).toBe(5000);
    expect(byId.write!.values.untuned!.value).toBe(800);
    expect(byId.p95!.values.tuned!.value).toBe(4);
    expect(byId.users!.values.tuned!.text).toBe('100');
    // Each profile's own maintenance: untuned has none (0 %), tuned's incremental_vacuum gives 35 % back.
    expect(byId.size!.values.untuned!.value).toBe(0);
    expect(byId.size!.values.tuned!.value).toBeCloseTo(-0.35, 9);
    expect(byId.read!.values.consensus!.text).toBe('–');
  });
  it('puts the guide beside our numbers with the change tuned vs untuned, from the paired stage with its interval', () => {
    const run = sampleRun({ paired: samplePaired() });
    const md = renderHeadline(run);
    const gain = (scenario: string, metric: 'rps' | 'p95') => {
      const g = runPairedGain(run, 'tuned-vs-untuned', scenario, metric);
      if ('unavailable' in g) throw new Error(g.unavailable);
      return g;
    };
    const read = gain('read-list', 'rps');
    // Absolute figures from the load trials; the change is the paired estimate and its interval (×1.25 true).
    expect(md).toContain(
      `| read QPS | 100 → 250 (+150 %) | 4,000 | 5,000 | – | ${pct(read.gain - 1, 0)} [${pct(read.low - 1, 0)}, ${pct(read.high - 1, 0)}] |`,
    );
    expect(read.gain).toBeGreaterThan(1.2);
    expect(read.gain).toBeLessThan(1.3);
    // p95 as a change of the latency itself (− is faster): the reciprocal of the gain, 12 -> 4 ms true.
    const p95 = gain('mix-80-20', 'p95');
    expect(md).toContain(
      `| P95 response time | 850 ms → 180 ms (-79 %) | 12 ms | 4 ms | – | ${pct(1 / p95.gain - 1, 0)} [${pct(1 / p95.high - 1, 0)}, ${pct(1 / p95.low - 1, 0)}] |`,
    );
    expect(1 / p95.gain - 1).toBeCloseTo(-2 / 3, 1);
    expect(md).toMatch(
      /'read-list' scenario, 10 connections, median of the load trials; the change: paired slices at 16 connections/,
    );
  });
  it('takes the absolute figures from the paired slices when the load stage did not run', () => {
    const rows = headlineRows(sampleRun({ load: [], paired: samplePaired({ sliceNoise: 0, roundNoise: 0 }) }));
    const read = rows.find((r) => r.id === 'read')!;
    expect(read.values.untuned!.value).toBeCloseTo(4000, 6);
    // Only the headline comparisons' slices count (the pool's one-connection tuned slices are not a headline figure).
    expect(read.values.tuned!.value).toBeCloseTo(5000, 6);
    expect(read.note).toBe("'read-list' scenario, median of the paired slices at 16 connections");
  });
  it('prints no change without an interval: no paired stage, or too few rounds', () => {
    const none = renderHeadline(sampleRun());
    expect(none).toContain(
      '| read QPS | 100 → 250 (+150 %) | 4,000 | 5,000 | – | no interval (sequential trials give no interval of known coverage) |',
    );
    const few = renderHeadline(sampleRun({ paired: samplePaired({ rounds: 5 }) }));
    expect(few).toContain(
      '| read QPS | 100 → 250 (+150 %) | 4,000 | 5,000 | – | no interval (not enough rounds: 5 of the 6 that 95 % needs) |',
    );
  });
});

describe('renderReport', () => {
  it('has every section, the context header and chart links', () => {
    const md = renderReport(sampleRun(), { charts: [{ path: 'charts/throughput.svg', title: 'Throughput' }] });
    for (const heading of [
      '## 1. Before/after',
      '## 2. Claims ledger',
      '### PRAGMA ablation',
      '### Load scenarios',
      '### DB share of request cost',
      '### Capacity',
      '## 4. Charts',
      '## 5. Environment and method',
    ]) {
      expect(md).toContain(heading);
    }
    expect(md).toContain('| git SHA | abc1234def |');
    expect(md).toContain('![Throughput](charts/throughput.svg)');
    // Answer first: the computed recommendation opens the report, with the quick caveat.
    expect(md.indexOf('## Recommendation (computed from this run)')).toBeLessThan(md.indexOf('## 1. Before/after'));
    expect(md).toMatch(/\*\*Quick run: indicative figures only\*\*.*npx loadlab run --full/);
    expect(md).toMatch(/- \*\*Paid off here:\*\* /);
    // The detailed tables are collapsed.
    expect(md).toMatch(/<details><summary>Microbenchmarks[^<]*<\/summary>\n\n### PRAGMA ablation/);
    expect(md).toContain('stage k6 skipped: k6 not found');
  });
  it('states the capacity method the run used: bisection steps and repeated sweeps when configured', () => {
    const base = sampleRun();
    const plain = renderReport(
      { ...base, config: { ...base.config, capacity: { ...base.config.capacity, refine: 0, sweeps: 1 } } },
      { charts: [] },
    );
    expect(plain).toMatch(/stopping at the first level that misses; capacity = /);
    const full = renderReport(
      { ...base, config: { ...base.config, capacity: { ...base.config.capacity, refine: 3, sweeps: 3 } } },
      { charts: [] },
    );
    expect(full).toMatch(
      /misses, then 3 bisection steps between the last passing and the first failing level; the sweep repeated 3 times/,
    );
  });
  it('shows a failed stage as data, not a crash', () => {
    const run = sampleRun({
      load: [],
      stages: [{ name: 'load', status: 'failed', reason: 'server did not start', startedAt: null, durationS: 1 }],
    });
    const md = renderReport(run, { charts: [] });
    expect(md).toContain('stage load failed: server did not start');
    expect(md).toContain('_No load results in this run._');
  });
});

describe('writeReport', () => {
  it('writes REPORT.md and one SVG per chart', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const w = await writeReport(sampleRun(), dir);
      expect(w.chartErrors).toEqual([]);
      expect(w.charts.map((c) => c.slice(dir.length + 1))).toEqual([
        'charts/throughput.svg',
        'charts/latency.svg',
        'charts/capacity.svg',
        'charts/ablation.svg',
      ]);
      expect(readFileSync(join(dir, 'charts', 'capacity.svg'), 'utf8')).toMatch(
        /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/,
      );
      expect(existsSync(join(dir, 'REPORT.md'))).toBe(true);
    } finally {
      cleanup();
    }
  });
});

/** untuned fails at 50 connections; tuned meets the SLO at every level tried (100 is only a lower bound). */
function tunedPassedEveryLevel() {
  return sampleRun({
    capacity: [
      capacity('untuned', 25, [
        [10, 50],
        [25, 150],
        [50, 400],
      ]),
      capacity('tuned', 100, [
        [10, 5],
        [50, 20],
        [100, 60],
      ]),
    ],
  });
}

describe('headline capacity bounds', () => {
  it('says "at least" when tuned passed every level, and nothing when untuned did too', async () => {
    const bounded = tunedPassedEveryLevel();
    expect(renderHeadline(bounded)).toContain('| concurrent users | 50 → 200 (+300 %) | 25 | 100+ | – | ≥ +300 % |');
    const both = sampleRun({
      capacity: [
        capacity('untuned', 100, [
          [10, 5],
          [100, 60],
        ]),
        capacity('tuned', 100, [
          [10, 5],
          [100, 50],
        ]),
      ],
    });
    expect(renderHeadline(both)).toContain('| concurrent users | 50 → 200 (+300 %) | 100+ | 100+ | – | – |');
  });

  it('says each figure once: capacity and VACUUM agree between the headline, section 3 and the ledger', async () => {
    const run = tunedPassedEveryLevel();
    const md = renderReport(run, { charts: [] });
    // Capacity: tuned passed every level tried, so "100+" in the headline and section 3.
    expect(md).toContain('| concurrent users | 50 → 200 (+300 %) | 25 | 100+ |');
    expect(md).toContain("- **tuned** ('mix-80-20', p95 < 200 ms, errors < 1 %): 100+ connections (met the SLO");
    expect(md).not.toMatch(/capacity 100 connections/);
    // One capacity table for every profile.
    expect(md.match(/\| profile \| connections \| rps \| p95 \|/g)).toHaveLength(1);
    // VACUUM: tuned's own maintenance, −35 %, in the headline and the ledger alike; no "+" gain.
    const headline = md.split('\n').find((l) => l.startsWith('| DB file size after churn'))!;
    const ledger = md.split('\n').find((l) => l.startsWith('| VACUUM'))!;
    expect(headline).toContain('(−35 %)');
    expect(ledger).toContain('| −35.0 % |');
  });
});

describe('item 9: degraded arms in REPORT.md', () => {
  it('are named at the top, shown as degraded in the load table, and read by no verdict (headline, charts)', () => {
    const run = sampleRun();
    const arm = run.load.find((r) => r.scenario === 'read-list' && r.profile === 'tuned')!;
    arm.status = 'degraded';
    arm.reason = '13.6 % of requests failed (non-2xx 136, errors 0, timeouts 0 of 1000 attempts)';
    const md = renderReport(run, { charts: [] });
    expect(md).toContain('**Degraded arms, left out of every verdict**');
    expect(md).toContain('- read-list · tuned · single · c10: 13.6 % of requests failed');
    expect(md).toContain('| degraded: 13.6 % of requests failed');
    expect(headlineRecord(run, 'read-list', 'tuned')).toBeUndefined();
  });
});
