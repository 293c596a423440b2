import type { BenchRecord } from '../lib/records/bench.ts';
import type { CapacityRecord, LoadRecord } from '../lib/records/load.ts';
import type { Direction } from '../lib/stats.ts';

/** One comparable number with the samples behind it and which way is better. */
export interface Metric {
  /** Stable identity across runs, e.g. 'load/autocannon/mixed/tuned/single/c10/p95'. */
  key: string;
  /** Human label. */
  name: string;
  unit: string;
  direction: Direction;
  value: number;
  /** Per-trial values (load), or [value] where only one number exists. */
  samples: number[];
  /** Relative margin of error in percent, when the source gives one instead of samples (tinybench). */
  rmePct?: number;
  /** May fail the gate (with repeated trials): rps and p95, the guide's two numbers. Others are informational. */
  gate?: boolean;
  /** Multiplies the noise threshold for this metric: tail percentiles of short trials move more. Default 1. */
  thresholdFactor?: number;
}

/** Latency percentiles compared, whether each gates, and its threshold factor. */
const LATENCIES = [
  { p: 'p50', gate: false, factor: 1 },
  { p: 'p95', gate: true, factor: 1.5 },
  { p: 'p99', gate: false, factor: 2 },
] as const;

export interface MetricSources {
  load: readonly LoadRecord[];
  bench: readonly BenchRecord[];
  capacity: readonly CapacityRecord[];
}

/** Every comparable metric of a results file: load rps and latency percentiles, bench ops/s, capacity. */
export function extractMetrics(src: MetricSources): Metric[] {
  const out: Metric[] = [];
  for (const r of src.load) {
    if (r.status !== 'ok' || !r.median || r.trials.length === 0) continue;
    const id = `load/${r.engine}/${r.scenario}/${r.profile}/${r.topology}/c${r.connections}${r.rate === null ? '' : `/r${r.rate}`}`;
    const label = `${r.scenario} · ${r.profile} · ${r.engine}${r.topology === 'single' ? '' : ` ${r.topology}`} c${r.connections}`;
    out.push({
      key: `${id}/rps`,
      name: `${label} · rps`,
      unit: 'req/s',
      direction: 'higher',
      value: r.median.rps,
      samples: r.trials.map((t) => t.rps),
      gate: true,
    });
    for (const { p, gate, factor } of LATENCIES) {
      out.push({
        key: `${id}/${p}`,
        name: `${label} · ${p}`,
        unit: 'ms',
        direction: 'lower',
        value: r.median.latencyMs[p],
        samples: r.trials.map((t) => t.latencyMs[p]),
        gate,
        thresholdFactor: factor,
      });
    }
  }
  for (const b of src.bench) {
    if (b.status !== 'ok') continue;
    out.push({
      key: `bench/${b.op}/${b.profile}/ops`,
      name: `${b.op} · ${b.profile} · ops/s`,
      unit: 'ops/s',
      direction: 'higher',
      value: b.opsPerSec,
      samples: [b.opsPerSec],
      rmePct: b.rme,
    });
  }
  for (const c of src.capacity) {
    if (c.status !== 'ok' || c.capacity === null) continue;
    out.push({
      key: `capacity/${c.scenario}/${c.profile}`,
      name: `capacity ${c.scenario} · ${c.profile} (p95 < ${c.sloP95Ms} ms)`,
      unit: 'connections',
      direction: 'higher',
      value: c.capacity,
      samples: [c.capacity],
    });
  }
  return out;
}
