import { describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LoadTrial } from '../../../lib/records/load.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { K6SummaryError, detectShape, parseK6Summary, readK6Summary } from './ingest.ts';
import { failedThresholds, k6EndpointCounts, k6SummaryToTrial, measuredView } from './ingest-trial.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../k6/fixtures/${name}`, import.meta.url));

describe('real k6 samples', () => {
  it('reads the --summary-export sample: flat keys, `true` in thresholds means FAILED', () => {
    const s = readK6Summary(fixture('summary-export.k6-sample.json'));
    expect(s.shape).toBe('summary-export');
    expect(s.metrics.my_trend!.values['p(95)']).toBe(19.5);
    expect(s.metrics.http_reqs!.values).toMatchObject({ count: 3, rate: 3 });
    expect(s.metrics.checks!.values).toMatchObject({ rate: 0.75, passes: 45, fails: 15 });
    expect(s.thresholds).toEqual(
      expect.arrayContaining([
        { metric: 'checks', expression: 'rate>70', ok: true },
        { metric: 'http_reqs', expression: 'rate<100', ok: false },
        { metric: 'my_trend', expression: 'my_trend<1000', ok: false },
      ]),
    );
    expect(s.checks.map((c) => [c.name, c.passes, c.fails])).toEqual([
      ['check1', 30, 0],
      ['check2', 5, 10],
      ['check3', 10, 5],
    ]);
    expect(s.durationS).toBe(1);
  });

  it('reads the handleSummary sample: typed metrics, {ok} thresholds, checks as arrays', () => {
    const s = readK6Summary(fixture('handle-summary.k6-sample.json'));
    expect(s.shape).toBe('handle-summary');
    expect(s.metrics.my_trend!.type).toBe('trend');
    expect(s.thresholds).toEqual(
      expect.arrayContaining([
        { metric: 'checks', expression: 'rate>70', ok: true },
        { metric: 'my_trend', expression: 'my_trend<1000', ok: false },
        { metric: 'http_reqs', expression: 'rate<100', ok: false },
      ]),
    );
    expect(s.checks.find((c) => c.name === 'check3')).toMatchObject({ path: '::child::check3', passes: 10, fails: 5 });
    expect(s.durationS).toBe(1);
  });

  it('both real samples describe the same run, so they normalise to the same figures', () => {
    const a = readK6Summary(fixture('summary-export.k6-sample.json'));
    const b = readK6Summary(fixture('handle-summary.k6-sample.json'));
    for (const m of ['my_trend', 'http_reqs', 'checks'])
      expect(a.metrics[m]!.values).toMatchObject(b.metrics[m]!.values);
    const ta = k6SummaryToTrial(a, { latencyMetric: 'my_trend' }).trial;
    const tb = k6SummaryToTrial(b, { latencyMetric: 'my_trend' }).trial;
    expect(ta).toEqual(tb);
    expect(ta.latencyMs).toMatchObject({ p50: 15, p90: 19, p95: 19.5, p99: 19.9, max: 20, mean: 15 });
  });

  it('a summary without http_req_duration is refused for a trial, naming the metric', () => {
    const s = readK6Summary(fixture('summary-export.k6-sample.json'));
    expect(() => k6SummaryToTrial(s)).toThrow(/no 'http_req_duration' trend/);
  });
});

describe('hand-made variants', () => {
  it('an HTTP summary export gives a full trial with status codes, errors and timeouts', () => {
    const s = readK6Summary(fixture('summary-export.http.json'));
    const { trial, notes } = k6SummaryToTrial(s);
    expect(LoadTrial.parse(trial)).toEqual(trial);
    expect(trial).toMatchObject({
      requests: 12000,
      rps: 1199.5,
      errors: 10,
      timeouts: 4,
      non2xx: 40,
      throughputBytesPerSec: 599750,
    });
    expect(trial.statusCodes).toEqual({ '200': 11950, '404': 10, '503': 30 });
    expect(trial.latencyMs).toEqual({ mean: 2.1, p50: 1.72, p90: 3.6, p95: 4.9, p99: 12.3, p999: 41.7, max: 88.4 });
    expect(trial.durationS).toBeCloseTo(12000 / 1199.5, 6);
    expect(notes).toEqual([]);
    expect(failedThresholds(s)).toEqual([]);
  });

  it('handleSummary data with a crossed threshold lists it as failed', () => {
    const s = readK6Summary(fixture('handle-summary.http.json'));
    expect(failedThresholds(s)).toEqual(['http_req_duration: p(95)<200']);
    const { trial } = k6SummaryToTrial(s);
    expect(trial).toMatchObject({
      requests: 3000,
      rps: 300,
      durationS: 10,
      non2xx: 10,
      statusCodes: { '201': 2990, '409': 10 },
    });
    expect(trial.latencyMs.p95).toBe(250);
  });

  it('the machine-readable summary: rps from count/duration, missing p99 bounded by max and said so', () => {
    const s = readK6Summary(fixture('machine-readable.json'));
    expect(s.shape).toBe('machine-readable');
    expect(s.thresholds).toBeNull();
    expect(failedThresholds(s)).toBeNull();
    expect(s.k6Version).toBe('2.2.0');
    expect(s.checks).toHaveLength(2);
    const { trial, notes } = k6SummaryToTrial(s);
    expect(trial).toMatchObject({ requests: 4000, rps: 200, durationS: 20, non2xx: 4, throughputBytesPerSec: 100000 });
    expect(trial.latencyMs).toMatchObject({ p50: 1.5, p95: 4.2, p99: 35, p999: 35, max: 35 });
    expect(notes.join('\n')).toMatch(/p99: 'p\(99\)' not in the summary; recorded as the upper bound/);
    expect(notes.join('\n')).toMatch(/rps: computed/);
  });

  it('the machine-readable variant with keys like p95 and passes/fails reads the same way', () => {
    const s = readK6Summary(fixture('machine-readable.p95-keys.json'));
    const { trial } = k6SummaryToTrial(s);
    expect(trial.latencyMs).toMatchObject({ p90: 387.65, p95: 421.32, p99: 445.12, p999: 456.78 });
    expect(trial).toMatchObject({ requests: 1500, rps: 25, non2xx: 30 });
  });
});

describe("the suite scripts' own summaries (warm-up excluded)", () => {
  it('takes the {phase:measure} submetrics and recomputes rates over the measured window', () => {
    const s = readK6Summary(fixture('summary-export.phased.json'));
    const { trial, notes } = k6SummaryToTrial(s, { windowS: 10 });
    expect(trial).toMatchObject({
      requests: 1000,
      rps: 100,
      durationS: 10,
      errors: 0,
      timeouts: 0,
      non2xx: 1,
      throughputBytesPerSec: 20000,
    });
    expect(trial.statusCodes).toEqual({ '201': 999, '503': 1 });
    expect(trial.latencyMs).toEqual({ mean: 2.5, p50: 2, p90: 4, p95: 6, p99: 15, p999: 35, max: 40 });
    expect(notes).toEqual([]);
    expect(k6EndpointCounts(s, ['POST /contents'])).toEqual({
      'POST /contents': { sent: 1200, answered: 1200, ok2xx: 1199 },
    });
  });

  it('without the window length, rates fall back to the whole run and say so', () => {
    const { trial, notes } = k6SummaryToTrial(readK6Summary(fixture('summary-export.phased.json')));
    expect(trial.requests).toBe(1000);
    expect(trial.rps).toBeCloseTo(1000 / (1201 / 100.08), 6);
    expect(notes[0]).toMatch(/window length unknown/);
  });

  it('a summary without phase submetrics has no measured view', () => {
    expect(measuredView(readK6Summary(fixture('summary-export.http.json')), 10)).toBeNull();
  });
});

describe('anything else is refused with one clear line', () => {
  const cases: [string, unknown, RegExp][] = [
    ['an autocannon result', { latency: { p50: 1 }, requests: { average: 3 } }, /not a k6 summary/],
    ['an array', [1, 2], /not a k6 summary/],
    [
      'a metric with a string value',
      { metrics: { http_reqs: { count: 'many' } } },
      /summary-export file but is malformed \(metrics\.http_reqs\.count/,
    ],
    [
      'a typed metric without values',
      { metrics: { http_reqs: { type: 'counter', values: { count: 'x' } } } },
      /handle-summary file but is malformed/,
    ],
    [
      'a machine-readable summary of schema 2',
      { version: '2.0.0', results: { metrics: [] }, config: { duration: 1 } },
      /expected schema version 1\.x/,
    ],
  ];
  it.each(cases)('%s', (_label, json, message) => {
    expect(() => parseK6Summary(json, 'x.json')).toThrow(K6SummaryError);
    expect(() => parseK6Summary(json, 'x.json')).toThrow(message);
  });

  it('a file that is not JSON names the file', () => {
    const tmp = tempDir();
    try {
      const file = join(tmp.dir, 'summary.json');
      writeFileSync(file, 'k6 crashed');
      expect(() => readK6Summary(file)).toThrow(`${file}: not valid JSON`);
      expect(() => readK6Summary(join(tmp.dir, 'missing.json'))).toThrow(/cannot read \(ENOENT\)/);
    } finally {
      tmp.cleanup();
    }
  });

  it('detectShape tells the three shapes apart', () => {
    expect(detectShape({ version: '1.0.0', results: {} })).toBe('machine-readable');
    expect(detectShape({ metrics: { a: { type: 'trend', values: {} } } })).toBe('handle-summary');
    expect(detectShape({ metrics: { a: { count: 1 } } })).toBe('summary-export');
    expect(detectShape('text')).toBeNull();
  });
});
