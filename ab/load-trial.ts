import type { AbSideName, AbTrial } from '../lib/records/ab.ts';
import type { Pinning } from '../lib/records/environment.ts';
import type { RunConfig } from '../lib/records/run-config.ts';
import type { ServerHandle } from '../lib/server-process.ts';
import { startGenerator } from '../load/engines/autocannon/generator-process.ts';
import { LOAD_DEFAULTS } from '../load/options.ts';
import type { AbArm } from './plan.ts';

function emptyTrial(
  base: Omit<
    AbTrial,
    | 'status'
    | 'rps'
    | 'requests'
    | 'non2xx'
    | 'errors'
    | 'timeouts'
    | 'errorPct'
    | 'p50Ms'
    | 'p95Ms'
    | 'p99Ms'
    | 'durationS'
  >,
  reason: string,
): AbTrial {
  return {
    ...base,
    status: 'failed',
    reason,
    rps: 0,
    requests: 0,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    errorPct: 100,
    p50Ms: 0,
    p95Ms: 0,
    p99Ms: 0,
    durationS: 0,
  };
}

export async function loadTrial(
  opts: { config: RunConfig; signal?: AbortSignal },
  server: ServerHandle | undefined,
  pinning: Pinning,
  planned: { round: number; arm: AbArm; side: AbSideName },
  seq: number,
): Promise<AbTrial> {
  const base = {
    round: planned.round,
    seq,
    side: planned.side,
    scenario: planned.arm.scenario,
    profile: planned.arm.profile,
  };
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) {
    return emptyTrial(base, `server not running${server ? `: ${server.stderrTail().split('\n').pop() ?? ''}` : ''}`);
  }
  const l = opts.config.load;
  const gen = startGenerator(
    {
      url: server.url,
      scenario: planned.arm.scenario,
      scale: opts.config.scale,
      // The same requests for both sides of a pair; new keys every round.
      seed: opts.config.seed + planned.round,
      connections: l.connections,
      warmupS: l.warmupS,
      durationS: l.durationS,
      rate: null,
      resetStats: false,
      timeoutS: LOAD_DEFAULTS.timeoutS,
    },
    {
      ...(pinning.generatorCpu !== null ? { cpu: pinning.generatorCpu } : {}),
      deadlineMs: (l.warmupS + l.durationS + LOAD_DEFAULTS.timeoutS + 20) * 1000,
    },
  );
  const onAbort = () => gen.stop();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const r = await gen.result;
    const m = r.measured;
    const ok2xx = Object.entries(m.statusCodes).reduce((s, [code, n]) => (code.startsWith('2') ? s + n : s), 0);
    const non2xx = m.requests - ok2xx;
    const attempts = m.requests + m.errors + m.timeouts;
    const alive = server.child.exitCode === null && server.child.signalCode === null;
    const failure = opts.signal?.aborted
      ? 'interrupted'
      : !alive
        ? 'server exited mid-trial'
        : m.requests === 0
          ? 'no responses in the measured window'
          : undefined;
    return {
      ...base,
      status: failure ? 'failed' : 'ok',
      ...(failure ? { reason: failure } : {}),
      rps: m.durationS > 0 ? ok2xx / m.durationS : 0,
      requests: m.requests,
      non2xx,
      errors: m.errors,
      timeouts: m.timeouts,
      errorPct: attempts === 0 ? 100 : (100 * (non2xx + m.errors + m.timeouts)) / attempts,
      p50Ms: m.latencyMs.p50,
      p95Ms: m.latencyMs.p95,
      p99Ms: m.latencyMs.p99,
      durationS: m.durationS,
    };
  } catch (err) {
    return emptyTrial(base, (err as Error).message);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
