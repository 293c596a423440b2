import type { BenchRecord } from '../lib/records/bench.ts';
import type { CountedRecord } from '../lib/records/counted.ts';
import type { CapacityRecord, LoadRecord } from '../lib/records/load.ts';
import { errorPct, pooledErrorPct } from '../load/aggregate.ts';
import type { Direction } from '../stats/index.ts';
import { loadArmFailure, recordFailure } from './arm-failures.ts';

/** One comparable number with the samples behind it and which way is better. */
export interface Metric {
  /** Stable identity across runs, e.g. 'load/autocannon/mixed/tuned/single/c10/p95'. */
  key: string;
  /** Human label, e.g. 'write · tuned · rps' (engine, topology and rate only when not the default). */
  name: string;
  unit: string;
  direction: Direction;
  /** The figure; NaN when the arm failed (see `failure`). */
  value: number;
  /** Per-trial values (load), or [value] where only one number exists; empty when the arm failed. */
  samples: number[];
  /**
   * What the samples are, when they are repeated measurements of the run: its load trials, or
   * its capacity sweeps. Those are compared as independent samples (stats/unpaired.ts), and
   * too few of them give no verdict. Absent: a single figure per run.
   */
  sampleUnit?: 'trials' | 'sweeps';
  /** Relative margin of error in percent, when the source gives one instead of samples (tinybench). */
  rmePct?: number;
  /** May fail the gate: rps and p95 (with repeated trials) and the error share. Others are informational. */
  gate?: boolean;
  /** Multiplies the noise threshold for this metric: tail percentiles of short trials move more. Default 1. */
  thresholdFactor?: number;
  /**
   * How a change is judged: 'ratio' (default: candidate / baseline against a percentage
   * threshold) or 'points' (a share in percent: candidate − baseline, in percentage points).
   */
  scale?: 'ratio' | 'points';
  /** An exact count (instructions, syscalls): no interval, judged against the counted threshold. */
  exact?: boolean;
  /** Set when the arm behind the metric failed or its write audit did: why, in one line. There is then no figure. */
  failure?: string;
  /** Set when the arm was degraded (a built-in arm over its error budget): shown, never judged. */
  degraded?: string;
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
  /** Exact cost counters (`bench --counted`). */
  counted?: readonly CountedRecord[];
}

/** Exact counters compared per operation: all gate, lower is better. */
const COUNTERS = [
  { field: 'instructionsPerOp', id: 'instructions', label: 'instructions/op', unit: 'instructions' },
  { field: 'fsyncPerOp', id: 'fsync', label: 'fsync/op', unit: 'fsync' },
  { field: 'writeBytesPerOp', id: 'write-bytes', label: 'bytes written/op', unit: 'B' },
] as const;

/** 'write · tuned', with the engine, topology and open-loop rate when they are not the defaults. */
function armLabel(r: LoadRecord): string {
  const parts = [r.scenario, r.profile];
  if (r.engine !== 'autocannon') parts.push(r.engine);
  if (r.topology !== 'single') parts.push(r.topology);
  if (r.rate !== null) parts.push(`${r.rate} req/s`);
  return parts.join(' · ');
}

/**
 * Every comparable metric of a results file: load rps, latency percentiles and error share,
 * bench ops/s, capacity. A failed arm (or one whose write audit failed) is carried as failed
 * metrics with the reason, never dropped: the gate must see it. Skipped arms give nothing.
 */
export function extractMetrics(src: MetricSources): Metric[] {
  const out: Metric[] = [];
  const failed = (m: Omit<Metric, 'value' | 'samples'>, failure: string): Metric => ({
    ...m,
    value: Number.NaN,
    samples: [],
    failure,
  });
  for (const r of src.load) {
    if (r.status === 'skipped') continue;
    const id = `load/${r.engine}/${r.scenario}/${r.profile}/${r.topology}/c${r.connections}${r.rate === null ? '' : `/r${r.rate}`}`;
    const label = armLabel(r);
    const failure = loadArmFailure(r);
    const rps = {
      key: `${id}/rps`,
      name: `${label} · rps`,
      unit: 'req/s',
      direction: 'higher',
      gate: true,
      sampleUnit: 'trials',
    } as const;
    const errors = {
      key: `${id}/errors`,
      name: `${label} · errors`,
      unit: '%',
      direction: 'lower',
      gate: true,
      scale: 'points',
    } as const;
    const latency = (p: (typeof LATENCIES)[number]) =>
      ({
        key: `${id}/${p.p}`,
        name: `${label} · ${p.p}`,
        unit: 'ms',
        direction: 'lower',
        gate: p.gate,
        thresholdFactor: p.factor,
        sampleUnit: 'trials',
      }) as const;
    if (failure !== undefined || !r.median || r.trials.length === 0) {
      const why = failure ?? 'no measurement';
      out.push(failed(rps, why), ...LATENCIES.map((p) => failed(latency(p), why)), failed(errors, why));
      continue;
    }
    const median = r.median;
    // A degraded arm's throughput and latency measured an overloaded server: cannot be judged.
    const degraded = r.status === 'degraded' ? { degraded: r.reason ?? 'degraded' } : {};
    out.push({ ...rps, ...degraded, value: median.rps, samples: r.trials.map((t) => t.rps) });
    for (const p of LATENCIES)
      out.push({
        ...latency(p),
        ...degraded,
        value: median.latencyMs[p.p],
        samples: r.trials.map((t) => t.latencyMs[p.p]),
      });
    out.push({ ...errors, value: pooledErrorPct(r.trials), samples: r.trials.map(errorPct) });
  }
  for (const b of src.bench) {
    if (b.status === 'skipped') continue;
    const m = {
      key: `bench/${b.op}/${b.profile}/ops`,
      name: `${b.op} · ${b.profile} · ops/s`,
      unit: 'ops/s',
      direction: 'higher',
    } as const;
    const failure = recordFailure(b);
    out.push(
      failure !== undefined ? failed(m, failure) : { ...m, value: b.opsPerSec, samples: [b.opsPerSec], rmePct: b.rme },
    );
  }
  for (const r of src.counted ?? []) {
    if (r.status === 'skipped') continue;
    for (const k of COUNTERS) {
      const m = {
        key: `counted/${r.op}/${r.profile}/${k.id}`,
        name: `${r.op} · ${r.profile} · ${k.label}`,
        unit: k.unit,
        direction: 'lower',
        gate: true,
        exact: true,
      } as const;
      const value = r[k.field];
      if (r.status === 'failed' || value === null) {
        if (k.id !== 'instructions' || r.status === 'failed') out.push(failed(m, r.reason ?? 'not counted'));
        continue;
      }
      out.push({ ...m, value, samples: [value] });
    }
  }
  for (const c of src.capacity) {
    if (c.status === 'skipped') continue;
    const m = {
      key: `capacity/${c.scenario}/${c.profile}`,
      name: `capacity ${c.scenario} · ${c.profile} (p95 < ${c.sloP95Ms} ms)`,
      unit: 'connections',
      direction: 'higher',
      sampleUnit: 'sweeps',
    } as const;
    const failure = recordFailure(c);
    out.push(
      failure !== undefined || c.capacity === null
        ? failed(m, failure ?? `no level met the SLO (p95 < ${c.sloP95Ms} ms, errors < ${c.maxErrorPct} %)`)
        : {
            ...m,
            value: c.capacity,
            // Every sweep's capacity when the sweep was repeated.
            samples: c.sweeps ? c.sweeps.flatMap((w) => (w.capacity === null ? [] : [w.capacity])) : [c.capacity],
          },
    );
  }
  return out;
}
