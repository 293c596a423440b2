import { median } from '../stats/basic.ts';
import type { LoadRecord, LoadTrial } from '../lib/records/load.ts';
import type { GeneratorResult } from './engines/autocannon/generator.ts';

/**
 * A trial record from the generator's measured window. `rps` is throughput: successful (2xx)
 * responses per second, so a server answering fast with 503s does not look fast; `requests`
 * counts every response. Only when the generator gave no status codes at all is `rps` every
 * response per second (nothing to tell them apart by).
 */
export function trialFromResult(r: GeneratorResult, failure?: string): LoadTrial {
  const m = r.measured;
  const non2xx = Object.entries(m.statusCodes).reduce((s, [code, n]) => (code.startsWith('2') ? s : s + n), 0);
  const ok2xx = Object.keys(m.statusCodes).length > 0 ? successes(m.statusCodes) : m.requests;
  const d = m.durationS;
  return {
    requests: m.requests,
    rps: d > 0 ? ok2xx / d : 0,
    latencyMs: m.latencyMs,
    errors: m.errors,
    timeouts: m.timeouts,
    non2xx,
    statusCodes: m.statusCodes,
    throughputBytesPerSec: d > 0 ? m.bytes / d : 0,
    durationS: d,
    ...(m.reads
      ? {
          reads: {
            rps: d > 0 ? m.reads.ok2xx / d : 0,
            requests: m.reads.requests,
            non2xx: m.reads.requests - m.reads.ok2xx,
            latencyMs: m.reads.latencyMs,
          },
        }
      : {}),
    status: failure ? 'failed' : 'ok',
    ...(failure ? { reason: failure } : {}),
  };
}

/** Responses with a 2xx status. */
export function successes(statusCodes: Record<string, number>): number {
  return Object.entries(statusCodes).reduce((s, [code, n]) => (code.startsWith('2') ? s + n : s), 0);
}

/** The one median of the project (stats/basic.ts): every caller here passes a non-empty list. */
export { median };

/** The median of the trials, field by field (so it need not be any one trial). */
export function medianTrial(trials: LoadTrial[]): LoadTrial | null {
  if (trials.length === 0) return null;
  const m = (f: (t: LoadTrial) => number) => median(trials.map(f));
  const codes = new Set(trials.flatMap((t) => Object.keys(t.statusCodes)));
  const statusCodes: Record<string, number> = {};
  for (const c of codes) statusCodes[c] = Math.round(m((t) => t.statusCodes[c] ?? 0));
  return {
    requests: Math.round(m((t) => t.requests)),
    rps: m((t) => t.rps),
    latencyMs: medianLatency(trials.map((t) => t.latencyMs)),
    errors: Math.round(m((t) => t.errors)),
    timeouts: Math.round(m((t) => t.timeouts)),
    non2xx: Math.round(m((t) => t.non2xx)),
    statusCodes,
    throughputBytesPerSec: m((t) => t.throughputBytesPerSec),
    durationS: m((t) => t.durationS),
    ...(trials.every((t) => t.reads) ? { reads: medianReads(trials.map((t) => t.reads!)) } : {}),
  };
}

/** The read figures of several trials, field by field. */
function medianReads(reads: NonNullable<LoadTrial['reads']>[]): NonNullable<LoadTrial['reads']> {
  const m = (f: (r: NonNullable<LoadTrial['reads']>) => number) => median(reads.map(f));
  return {
    rps: m((r) => r.rps),
    requests: Math.round(m((r) => r.requests)),
    non2xx: Math.round(m((r) => r.non2xx)),
    latencyMs: medianLatency(reads.map((r) => r.latencyMs)),
  };
}

/** Latency summaries' median, percentile by percentile. */
function medianLatency(xs: LoadTrial['latencyMs'][]): LoadTrial['latencyMs'] {
  const m = (f: (l: LoadTrial['latencyMs']) => number) => median(xs.map(f));
  return {
    mean: m((l) => l.mean),
    p50: m((l) => l.p50),
    p90: m((l) => l.p90),
    p95: m((l) => l.p95),
    p99: m((l) => l.p99),
    p999: m((l) => l.p999),
    max: m((l) => l.max),
  };
}

/** Min and max of rps and p95 over the trials. */
export function spreadOf(trials: LoadTrial[]): LoadRecord['spread'] {
  if (trials.length === 0) return null;
  const rps = trials.map((t) => t.rps);
  const p95 = trials.map((t) => t.latencyMs.p95);
  return {
    rps: { min: Math.min(...rps), max: Math.max(...rps) },
    p95: { min: Math.min(...p95), max: Math.max(...p95) },
  };
}

/** Index of the trial whose rps is closest to the median (its server timing represents the arm). */
export function medianTrialIndex(trials: LoadTrial[]): number {
  if (trials.length === 0) return -1;
  const target = median(trials.map((t) => t.rps));
  let best = 0;
  trials.forEach((t, i) => {
    if (Math.abs(t.rps - target) < Math.abs(trials[best]!.rps - target)) best = i;
  });
  return best;
}

/** Errors as a percentage of all attempts (responses + connection errors + timeouts); non-2xx count as errors. */
export function errorPct(t: LoadTrial): number {
  return pooledErrorPct([t]);
}

/** `errorPct` over several trials taken together (every attempt weighs the same). */
export function pooledErrorPct(trials: readonly LoadTrial[]): number {
  const bad = trials.reduce((s, t) => s + t.errors + t.timeouts + t.non2xx, 0);
  const all = trials.reduce((s, t) => s + t.requests + t.errors + t.timeouts, 0);
  return all === 0 ? 100 : (100 * bad) / all;
}
