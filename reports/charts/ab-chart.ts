import type { TopLevelSpec } from 'vega-lite';
import type { AbFile } from '../../lib/records/ab.ts';

/** The chart beside AB.md: its file names (SVG, and PNG for a PR comment). */
export const AB_CHART = { svg: 'ab-changes.svg', png: 'ab-changes.png' } as const;

/**
 * Every gating metric with an interval as a paired change, "+ is better" (throughput up,
 * p95 down), the interval as a line, the estimate as a dot, its verdict as the colour, the
 * thresholds as dashed rules: what a pull-request comment should show. Error shares (points)
 * and exact counters are left to the table. null when no metric has an interval. Pure.
 */
export function abChangesChart(ab: AbFile): TopLevelSpec | null {
  const values = ab.metrics
    .filter((m) => m.gating && m.scale === 'ratio' && m.method !== 'exact' && m.median !== null && m.low !== null)
    .map((m) => {
      // As a gain: candidate better is positive, whichever way the metric points.
      const gain = (v: number) => (m.direction === 'higher' ? v - 1 : 1 / v - 1);
      const [a, b] = [gain(m.low!), gain(m.high!)].sort((x, y) => x - y);
      return {
        metric: m.name,
        change: gain(m.median!),
        low: a,
        high: b,
        threshold: -m.threshold / 100,
        verdict: m.verdict,
      };
    });
  if (values.length === 0) return null;
  const thresholds = [...new Set(values.map((v) => v.threshold))];
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Candidate against baseline, paired',
      subtitle: '+ is better; lines: intervals; dashed: thresholds',
    },
    data: { values },
    encoding: {
      y: { field: 'metric', type: 'nominal', title: null, sort: null, axis: { labelLimit: 260 } },
    },
    layer: [
      {
        data: { values: [{ x: 0 }] },
        mark: { type: 'rule', color: '#888' },
        encoding: { x: { field: 'x', type: 'quantitative' } },
      },
      {
        data: { values: thresholds.map((x) => ({ x })) },
        mark: { type: 'rule', color: 'firebrick', strokeDash: [4, 4] },
        encoding: { x: { field: 'x', type: 'quantitative' } },
      },
      {
        mark: { type: 'rule', strokeWidth: 2 },
        encoding: {
          x: { field: 'low', type: 'quantitative', title: 'change (+ is better)', axis: { format: '+.0%' } },
          x2: { field: 'high' },
          color: { field: 'verdict', type: 'nominal', title: 'verdict', scale: VERDICT_COLOURS },
        },
      },
      {
        mark: { type: 'point', filled: true, size: 60, opacity: 1 },
        encoding: {
          x: { field: 'change', type: 'quantitative' },
          color: { field: 'verdict', type: 'nominal', scale: VERDICT_COLOURS },
        },
      },
    ],
    width: 340,
    height: { step: 18 },
  };
}

const VERDICT_COLOURS = {
  domain: ['regressed', 'small regression', 'no significant change', 'improved'],
  range: ['#c62828', '#ef6c00', '#546e7a', '#2e7d32'],
};
