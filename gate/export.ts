import type { Metric } from './metrics.ts';

/** github-action-benchmark's custom tool entry (customBiggerIsBetter / customSmallerIsBetter). */
export interface GithubBenchmarkEntry {
  name: string;
  unit: string;
  value: number;
  range?: string;
  extra?: string;
}

/** Metrics with a figure: a failed arm has none to chart. */
const measured = (metrics: readonly Metric[]) => metrics.filter((m) => m.failure === undefined);

/**
 * The two github-action-benchmark inputs: one file per tool, because the action takes
 * one `tool` per step. Range is the spread of the trials when there are several. Failed
 * arms are left out (no figure).
 */
export function toGithubBenchmark(metrics: readonly Metric[]): {
  biggerIsBetter: GithubBenchmarkEntry[];
  smallerIsBetter: GithubBenchmarkEntry[];
} {
  const entry = (m: Metric): GithubBenchmarkEntry => {
    const e: GithubBenchmarkEntry = { name: m.name, unit: m.unit, value: m.value };
    if (m.rmePct !== undefined) e.range = `± ${m.rmePct.toFixed(2)}%`;
    else if (m.samples.length > 1) e.range = `${Math.min(...m.samples)} … ${Math.max(...m.samples)}`;
    if (m.samples.length > 1) e.extra = `${m.samples.length} trials`;
    return e;
  };
  return {
    biggerIsBetter: measured(metrics)
      .filter((m) => m.direction === 'higher')
      .map(entry),
    smallerIsBetter: measured(metrics)
      .filter((m) => m.direction === 'lower')
      .map(entry),
  };
}

/** Bencher Metric Format: { benchmark: { measure: { value, lower_value?, upper_value? } } }. Failed arms are left out. */
export type BencherMetricFormat = Record<
  string,
  Record<string, { value: number; lower_value?: number; upper_value?: number }>
>;

export function toBencher(metrics: readonly Metric[]): BencherMetricFormat {
  const out: BencherMetricFormat = {};
  for (const m of measured(metrics)) {
    const cut = m.key.lastIndexOf('/');
    const benchmark = m.key.slice(0, cut);
    const measure = measureSlug(m.key.slice(cut + 1), m.unit);
    const v: { value: number; lower_value?: number; upper_value?: number } = { value: m.value };
    if (m.rmePct !== undefined) {
      v.lower_value = m.value * (1 - m.rmePct / 100);
      v.upper_value = m.value * (1 + m.rmePct / 100);
    } else if (m.samples.length > 1) {
      v.lower_value = Math.min(...m.samples);
      v.upper_value = Math.max(...m.samples);
    }
    (out[benchmark] ??= {})[measure] = v;
  }
  return out;
}

/** Bencher measure slugs: its built-in 'throughput' and 'latency' where they fit. */
function measureSlug(last: string, unit: string): string {
  if (last === 'rps' || last === 'ops') return 'throughput';
  if (unit === 'ms') return `latency-${last}-ms`;
  return last;
}
