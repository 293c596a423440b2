import type { TopLevelSpec } from 'vega-lite';
import type { RunResults } from '../../lib/records/run.ts';

/**
 * Chart specs as pure functions of a run (vega-lite). Each returns null when the run has
 * nothing to draw, so a skipped stage yields no empty chart. Rendering is in render.ts.
 */
export interface ChartDef {
  file: string;
  title: string;
  build(run: RunResults): TopLevelSpec | null;
}

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const PROFILE_COLOR = { field: 'profile', type: 'nominal', title: 'profile', scale: { scheme: 'tableau10' } } as const;

function okLoad(run: RunResults) {
  return run.load.filter((r) => r.status === 'ok' && r.median && r.topology === 'single');
}

export const throughputChart: ChartDef = {
  file: 'throughput.svg',
  title: 'Throughput by scenario and profile (median of trials, bars: trial range)',
  build(run) {
    const values = okLoad(run).map((r) => ({
      scenario: `${r.scenario}${r.engine === 'k6' ? ' (k6)' : ''}`,
      profile: r.profile,
      rps: r.median!.rps,
      min: Math.min(...r.trials.map((t) => t.rps)),
      max: Math.max(...r.trials.map((t) => t.rps)),
    }));
    if (values.length === 0) return null;
    return {
      $schema: SCHEMA,
      title: 'Throughput (requests/s, higher is better)',
      data: { values },
      encoding: {
        x: { field: 'scenario', type: 'nominal', title: null },
        xOffset: { field: 'profile' },
        color: PROFILE_COLOR,
      },
      layer: [
        { mark: 'bar', encoding: { y: { field: 'rps', type: 'quantitative', title: 'requests/s' } } },
        {
          mark: { type: 'rule', color: 'black' },
          encoding: { y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } },
        },
      ],
      width: { step: 28 },
      height: 260,
    };
  },
};

export const latencyChart: ChartDef = {
  file: 'latency.svg',
  title: 'Latency percentiles by scenario and profile (median trial)',
  build(run) {
    const values = okLoad(run).flatMap((r) =>
      (['p50', 'p95', 'p99'] as const).map((p) => ({
        scenario: `${r.scenario}${r.engine === 'k6' ? ' (k6)' : ''}`,
        profile: r.profile,
        percentile: p,
        ms: r.median!.latencyMs[p],
      })),
    );
    if (values.length === 0) return null;
    return {
      $schema: SCHEMA,
      title: 'Latency percentiles (ms, lower is better)',
      data: { values },
      facet: { column: { field: 'scenario', type: 'nominal', title: null } },
      spec: {
        mark: 'bar',
        encoding: {
          x: { field: 'percentile', type: 'ordinal', title: null },
          xOffset: { field: 'profile' },
          y: { field: 'ms', type: 'quantitative', title: 'ms' },
          color: PROFILE_COLOR,
        },
        width: { step: 22 },
        height: 220,
      },
      resolve: { scale: { y: 'independent' } },
    };
  },
};

export const capacityChart: ChartDef = {
  file: 'capacity.svg',
  title: 'Capacity curve: concurrency to p95, with the SLO',
  build(run) {
    const ok = run.capacity.filter((c) => c.status === 'ok' && c.curve.length > 0);
    if (ok.length === 0) return null;
    const values = ok.flatMap((c) =>
      c.curve.map((p) => ({
        profile: c.profile,
        connections: p.connections,
        p95: p.p95,
        ok: p.ok ? 'meets SLO' : 'misses SLO',
      })),
    );
    const slo = ok[0]!.sloP95Ms;
    return {
      $schema: SCHEMA,
      title: `p95 by concurrency ('${ok[0]!.scenario}'; SLO p95 < ${slo} ms)`,
      layer: [
        {
          data: { values },
          mark: { type: 'line', point: true },
          encoding: {
            x: {
              field: 'connections',
              type: 'quantitative',
              title: 'concurrent connections (log scale)',
              scale: { type: 'log' },
              axis: { format: '~s' },
            },
            y: { field: 'p95', type: 'quantitative', title: 'p95 (ms)', scale: { type: 'symlog' } },
            color: PROFILE_COLOR,
          },
        },
        {
          data: { values: [{ slo }] },
          mark: { type: 'rule', strokeDash: [4, 4], color: 'firebrick' },
          encoding: { y: { field: 'slo', type: 'quantitative' } },
        },
      ],
      width: 420,
      height: 260,
    };
  },
};

export const ablationChart: ChartDef = {
  file: 'ablation.svg',
  title: 'PRAGMA ablation: effect of each setting alone, per operation',
  build(run) {
    const ok = run.ablation.filter((a) => a.status === 'ok');
    if (ok.length === 0) return null;
    const values = ok.map((a) => ({
      arm: `${a.pragma} · ${a.op}${a.direction === 'disable-on-tuned' ? ' (off on tuned)' : ''}`,
      ratio: Math.max(0.01, 1 + a.change),
      low: Math.max(0.01, 1 + a.spread.low),
      high: Math.max(0.01, 1 + a.spread.high),
      sign: a.change >= 0 ? 'faster' : 'slower',
    }));
    return {
      $schema: SCHEMA,
      title: 'ops/s with one PRAGMA switched ÷ ops/s without (log scale, 1 = no change)',
      data: { values },
      encoding: { y: { field: 'arm', type: 'nominal', title: null, sort: null, axis: { labelLimit: 320 } } },
      layer: [
        {
          mark: { type: 'point', filled: true, size: 50 },
          encoding: {
            x: { field: 'ratio', type: 'quantitative', title: 'arm ÷ base (ops/s)', scale: { type: 'log' } },
            color: {
              field: 'sign',
              type: 'nominal',
              title: null,
              scale: { domain: ['faster', 'slower'], range: ['#4c78a8', '#e45756'] },
            },
          },
        },
        {
          mark: { type: 'rule', color: 'black' },
          encoding: { x: { field: 'low', type: 'quantitative' }, x2: { field: 'high' } },
        },
        {
          data: { values: [{ one: 1 }] },
          mark: { type: 'rule', strokeDash: [4, 4], color: 'gray' },
          encoding: { x: { field: 'one', type: 'quantitative' } },
        },
      ],
      width: 420,
      height: { step: 16 },
    };
  },
};

/** Every chart of REPORT.md, in order. */
export const RUN_CHARTS: readonly ChartDef[] = [throughputChart, latencyChart, capacityChart, ablationChart];
