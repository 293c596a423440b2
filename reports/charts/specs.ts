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
/** Profiles in the order every chart uses: before, after, then the rest. */
export const PROFILE_ORDER = ['untuned', 'tuned', 'consensus'];

const PROFILE_COLOR = {
  field: 'profile',
  type: 'nominal',
  title: 'profile',
  sort: PROFILE_ORDER,
  scale: { scheme: 'tableau10' },
} as const;

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
        x: { field: 'scenario', type: 'nominal', title: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'profile', sort: PROFILE_ORDER },
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
          x: { field: 'percentile', type: 'ordinal', title: null, axis: { labelAngle: 0 } },
          xOffset: { field: 'profile', sort: PROFILE_ORDER },
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
      c.curve
        .filter((p) => p.p95 > 0)
        .map((p) => ({
          profile: c.profile,
          connections: p.connections,
          p95: p.p95,
          ok: p.ok ? 'meets SLO' : 'misses SLO',
        })),
    );
    const slo = ok[0]!.sloP95Ms;
    const levels = [...new Set(values.map((v) => v.connections))].sort((a, b) => a - b);
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
              // Ticks at the levels tried: a log axis has no 0, and the default ticks skip them.
              axis: { values: levels, format: 'd', labelAngle: 0 },
            },
            // Log, not symlog: a symlog axis draws a "0" tick far below the data.
            y: { field: 'p95', type: 'quantitative', title: 'p95 (ms, log scale)', scale: { type: 'log' } },
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

/** A setting and its arm as the heatmap's row label. */
function armLabel(a: { pragma: string; direction: string }): string {
  return a.direction === 'disable-on-tuned' ? `${a.pragma} off (in tuned)` : `${a.pragma} on (in untuned)`;
}

export const ablationChart: ChartDef = {
  file: 'ablation.svg',
  title: 'PRAGMA ablation: effect of each setting alone, per operation (heatmap)',
  build(run) {
    const ok = run.ablation.filter((a) => a.status === 'ok' && Number.isFinite(a.change) && a.change > -1);
    if (ok.length === 0) return null;
    const values = ok.map((a) => {
      const ratio = 1 + a.change;
      const ns = a.spread.low <= 0 && a.spread.high >= 0;
      const pctText = `${a.change >= 0 ? '+' : '−'}${Math.abs(Math.round(a.change * 100))} %`;
      return {
        setting: armLabel(a),
        op: a.op,
        // log2 of the ratio: symmetric, ×2 and ÷2 the same distance from "no change".
        log2: Math.max(-3, Math.min(3, Math.log2(ratio))),
        label: ns ? `${pctText} n.s.` : pctText,
      };
    });
    return {
      $schema: SCHEMA,
      title: 'ops/s with one setting switched ÷ without (colour: log scale, white = no change)',
      data: { values },
      encoding: {
        x: { field: 'op', type: 'nominal', title: null, axis: { labelAngle: 0, labelLimit: 130 } },
        y: { field: 'setting', type: 'nominal', title: null, sort: null, axis: { labelLimit: 220 } },
      },
      layer: [
        {
          mark: 'rect',
          encoding: {
            color: {
              field: 'log2',
              type: 'quantitative',
              title: 'log₂(arm ÷ base)',
              scale: { scheme: 'redblue', domain: [-3, 3], domainMid: 0 },
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 10 },
          encoding: {
            text: { field: 'label', type: 'nominal' },
            color: { condition: { test: 'abs(datum.log2) > 1.8', value: 'white' }, value: 'black' },
          },
        },
      ],
      width: { step: 118 },
      height: { step: 26 },
    };
  },
};

/** Every chart of REPORT.md, in order. */
export const RUN_CHARTS: readonly ChartDef[] = [throughputChart, latencyChart, capacityChart, ablationChart];
