/**
 * Merges the summaries of several k6 instances that ran the same test at the same time
 * (k6-operator `parallelism`, several machines) into one record.
 *
 * Counts, rates and throughput add up exactly; the mean is request-weighted (exact) and the
 * max is the max (exact). Percentiles CANNOT be merged exactly from summaries: each instance
 * kept only its own p95, not its samples. The merged p95 of the whole run lies between the
 * lowest and the highest instance p95 (true for any quantile of a union), so the record
 * carries the highest as the value (an upper bound) and both ends in `percentileBounds`.
 */
import type { LatencyMs, LoadRecord, LoadTrial } from '../../../lib/records/load.ts';
import { K6SummaryError, type K6Check, type K6Summary } from './ingest.ts';
import { failedThresholds, k6SummaryToTrial } from './ingest-trial.ts';

export interface K6Instance {
  source: string;
  summary: K6Summary;
}

export const PERCENTILE_MERGE_NOTE =
  'percentiles cannot be merged exactly from per-instance summaries: p50..p99.9 are the highest instance value (an upper bound); the exact merged value lies within percentileBounds (min..max over instances). mean (request-weighted) and max are exact; counts and rates are sums.';

const PERCENTILES = ['p50', 'p90', 'p95', 'p99', 'p999'] as const;

export interface MergedK6 {
  trial: LoadTrial;
  perInstance: {
    source: string;
    shape: string;
    trial: LoadTrial;
    failedThresholds: string[] | null;
    notes: string[];
  }[];
  percentileBounds: Record<(typeof PERCENTILES)[number], { min: number; max: number }>;
  checks: K6Check[];
  /** `source: metric: expression` for every threshold an instance crossed. */
  crossed: string[];
  /** Instances whose summary shape carries no thresholds. */
  unjudged: string[];
  vusMax: number | null;
}

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** Merges instance summaries; throws when there are none. */
export function mergeK6Instances(instances: K6Instance[]): MergedK6 {
  if (instances.length === 0) throw new K6SummaryError('no k6 summaries to merge');
  const perInstance = instances.map(({ source, summary }) => {
    const { trial, notes } = k6SummaryToTrial(summary, { source });
    return { source, shape: summary.shape, trial, failedThresholds: failedThresholds(summary), notes };
  });
  const trials = perInstance.map((p) => p.trial);
  const requests = sum(trials.map((t) => t.requests));
  const statusCodes: Record<string, number> = {};
  for (const t of trials)
    for (const [code, n] of Object.entries(t.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;

  const percentileBounds = {} as MergedK6['percentileBounds'];
  const latencyMs = {} as LatencyMs;
  for (const p of PERCENTILES) {
    const vals = trials.map((t) => t.latencyMs[p]);
    percentileBounds[p] = { min: Math.min(...vals), max: Math.max(...vals) };
    latencyMs[p] = percentileBounds[p].max;
  }
  latencyMs.max = Math.max(...trials.map((t) => t.latencyMs.max));
  latencyMs.mean = requests > 0 ? sum(trials.map((t) => t.latencyMs.mean * t.requests)) / requests : 0;

  const checks = new Map<string, K6Check>();
  for (const { summary } of instances) {
    for (const c of summary.checks) {
      const prev = checks.get(c.path);
      checks.set(c.path, prev ? { ...prev, passes: prev.passes + c.passes, fails: prev.fails + c.fails } : { ...c });
    }
  }
  const crossed = perInstance.flatMap((p) => (p.failedThresholds ?? []).map((t) => `${p.source}: ${t}`));
  const unjudged = perInstance.filter((p) => p.failedThresholds === null).map((p) => p.source);
  const vus = instances.map((i) => i.summary.metrics.vus_max?.values.max ?? i.summary.metrics.vus_max?.values.value);
  return {
    trial: {
      requests,
      // The instances ran at the same time, so their rates add up.
      rps: sum(trials.map((t) => t.rps)),
      latencyMs,
      errors: sum(trials.map((t) => t.errors)),
      timeouts: sum(trials.map((t) => t.timeouts)),
      non2xx: sum(trials.map((t) => t.non2xx)),
      statusCodes,
      throughputBytesPerSec: sum(trials.map((t) => t.throughputBytesPerSec)),
      durationS: Math.max(...trials.map((t) => t.durationS)),
    },
    perInstance,
    percentileBounds,
    checks: [...checks.values()],
    crossed,
    unjudged,
    vusMax: vus.every((v) => v !== undefined) ? sum(vus as number[]) : null,
  };
}

/** The merged instances as one load record (engine k6, topology `distributed:N`). */
export function mergedRecord(m: MergedK6, meta: { scenario: string; profile: string; target?: string }): LoadRecord {
  const n = m.perInstance.length;
  return {
    engine: 'k6',
    scenario: meta.scenario,
    profile: meta.profile,
    topology: `distributed:${n}`,
    connections: m.vusMax ?? 0,
    rate: null,
    warmupS: 0,
    status: m.crossed.length ? 'failed' : 'ok',
    ...(m.crossed.length ? { reason: `k6 thresholds crossed (judged per instance): ${m.crossed.join('; ')}` } : {}),
    trials: [m.trial],
    median: m.trial,
    spread: null,
    audit: [],
    auditSkipped: 'imported k6 summaries: the database is not here to audit',
    serverTiming: null,
    pinning: { pinned: false, serverCpu: null, generatorCpu: null, reason: 'imported: ran elsewhere' },
    ...(meta.target ? { target: meta.target } : {}),
    extra: {
      k6: {
        merge: {
          instances: n,
          percentiles: 'upper bound (max over instances)',
          percentileBounds: m.percentileBounds,
          note: PERCENTILE_MERGE_NOTE,
          ...(m.vusMax === null
            ? { connectionsNote: 'vus_max missing from a summary: connections recorded as 0' }
            : {}),
        },
        checks: m.checks,
        thresholdsCrossed: m.crossed,
        ...(m.unjudged.length
          ? { thresholdsUnknown: `no thresholds in the machine-readable summary of: ${m.unjudged.join(', ')}` }
          : {}),
        instances: m.perInstance,
      },
    },
  };
}
