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
      title: 'Throughput (requests/s, higher is better; lines: trial range)',
      data: { values },
      encoding: {
        x: { field: 'scenario', type: 'nominal', title: null, axis: { labelAngle: 0 } },
        xOffset: { field: 'profile', sort: PROFILE_ORDER },
        color: PROFILE_COLOR,
      },
      // A log axis: untuned's tens of requests/s and tuned's tens of thousands both readable
      // (a linear axis set by the largest hides the largest effect). Points, not bars: a bar
      // on a log axis has no zero to start from.
      layer: [
        {
          mark: { type: 'rule', color: '#333', strokeWidth: 1.5 },
          encoding: {
            y: { field: 'min', type: 'quantitative', scale: { type: 'log' } },
            y2: { field: 'max' },
          },
        },
        {
          mark: { type: 'point', filled: true, size: 90, opacity: 1 },
          encoding: {
            y: { field: 'rps', type: 'quantitative', title: 'requests/s (log scale)', scale: { type: 'log' } },
          },
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
      // Small multiples, three to a row: seven scenarios side by side were 2,500 px wide.
      facet: { field: 'scenario', type: 'nominal', title: null },
      columns: 3,
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

/** Which way an ablation arm switched its setting, as the heatmap's panel title. */
function armPanel(a: { direction: string }): string {
  return a.direction === 'disable-on-tuned' ? 'switched off in tuned' : 'switched on in untuned';
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
        setting: a.pragma,
        arm: armPanel(a),
        op: a.op,
        // log2 of the ratio: symmetric, ×2 and ÷2 the same distance from "no change".
        log2: Math.max(-3, Math.min(3, Math.log2(ratio))),
        label: ns ? `${pctText} n.s.` : pctText,
      };
    });
    // One panel per direction, settings across and operations down: fits 800 px (1,600 px
    // as the report's 2× PNG) with every operation's name whole.
    const panel = (arm: string) => ({
      title: { text: arm, anchor: 'start' as const, fontSize: 12 },
      transform: [{ filter: { field: 'arm', equal: arm } }],
      encoding: {
        x: { field: 'setting', type: 'nominal' as const, title: null, axis: { labelAngle: 0, orient: 'top' as const } },
        y: { field: 'op', type: 'nominal' as const, title: null, sort: null, axis: { labelLimit: 260 } },
      },
      layer: [
        {
          mark: 'rect' as const,
          encoding: {
            color: {
              field: 'log2',
              type: 'quantitative' as const,
              title: 'change',
              scale: { scheme: 'redblue', domain: [-3, 3], domainMid: 0 },
              // The legend in percent, not log₂: −3 … +3 is −88 % … +700 %.
              legend: { values: [-3, -2, -1, 0, 1, 2, 3], labelExpr: "format(pow(2, datum.value) - 1, '+.0%')" },
            },
          },
        },
        {
          mark: { type: 'text' as const, fontSize: 10 },
          encoding: {
            text: { field: 'label', type: 'nominal' as const },
            color: { condition: { test: 'abs(datum.log2) > 1.8', value: 'white' }, value: 'black' },
          },
        },
      ],
      width: { step: 72 },
      height: { step: 20 },
    });
    const arms = [...new Set(values.map((v) => v.arm))].sort().reverse(); // "switched on …" first
    return {
      $schema: SCHEMA,
      title: {
        text: 'ops/s with one setting switched ÷ without it',
        subtitle: 'colour on a log scale; white = no change',
      },
      data: { values },
      vconcat: arms.map(panel),
      resolve: { scale: { color: 'shared' } },
    } as TopLevelSpec;
  },
};

/** Every chart of REPORT.md, in order. */
export const RUN_CHARTS: readonly ChartDef[] = [throughputChart, latencyChart, capacityChart, ablationChart];
