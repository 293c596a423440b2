import { Bench } from 'tinybench';

export interface MeasureOptions {
  /** Time budget of the measured phase, ms. */
  timeMs: number;
  /** Minimum measured iterations (tinybench runs until both the time and this count are met). */
  minIterations?: number;
  /** Warm-up budget, ms (default a quarter of timeMs, at most 250). */
  warmupMs?: number;
  /** False: no warm-up at all (the short ABBA tasks of the ablation, warmed once before their rounds). */
  warmup?: boolean;
}

export const MEASURE_DEFAULTS = { minIterations: 10, warmupIterations: 3, maxWarmupMs: 250 } as const;

export type Measurement =
  | {
      ok: true;
      /** Sustained rate: 1000 / mean latency (ms). Not tinybench's throughput.mean. */
      opsPerSec: number;
      latencyUs: { mean: number; p50: number; p75: number; p99: number };
      /** Relative margin of error of the mean latency, percent. */
      rme: number;
      samples: number;
    }
  | { ok: false; reason: string };

const US = 1000;

/** Times one synchronous function with tinybench and returns the sustained rate and latency percentiles. */
export async function measure(name: string, fn: () => void, opts: MeasureOptions): Promise<Measurement> {
  const bench = new Bench({
    time: opts.timeMs,
    iterations: opts.minIterations ?? MEASURE_DEFAULTS.minIterations,
    warmupTime: opts.warmupMs ?? Math.min(MEASURE_DEFAULTS.maxWarmupMs, opts.timeMs / 4),
    warmupIterations: MEASURE_DEFAULTS.warmupIterations,
    warmup: opts.warmup ?? true,
    throws: false,
  });
  bench.add(name, fn, { async: false });
  let task;
  try {
    [task] = await bench.run();
  } catch (err) {
    return { ok: false, reason: errorText(err) };
  }
  const result = task?.result;
  if (!result) return { ok: false, reason: 'tinybench returned no task' };
  if (result.state === 'errored') return { ok: false, reason: errorText(result.error) };
  if (result.state !== 'completed') return { ok: false, reason: `tinybench task ${result.state}` };
  const l = result.latency;
  if (!(l.mean > 0)) return { ok: false, reason: `mean latency ${l.mean} ms: below the timer resolution` };
  return {
    ok: true,
    opsPerSec: 1000 / l.mean,
    latencyUs: { mean: l.mean * US, p50: l.p50 * US, p75: l.p75 * US, p99: l.p99 * US },
    rme: Number.isFinite(l.rme) ? l.rme : 100,
    samples: l.samplesCount,
  };
}

export function errorText(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!;
}
