import type { AbSideName, AbTrial } from '../lib/records/ab.ts';
import type { Pinning } from '../lib/records/environment.ts';
import type { RunConfig } from '../lib/records/run-config.ts';
import type { ServerHandle } from '../lib/server-process.ts';
import { blockBoundS, SLICE, slicesPerSide, type SliceResult } from '../load/engines/autocannon/alternating.ts';
import { startAlternating } from '../load/engines/autocannon/generator-process.ts';
import { LOAD_DEFAULTS } from '../load/options.ts';
import type { PlannedBlock } from './plan.ts';

/** The slice of load/engines/autocannon/alternating.ts (its measurement is there), under ab's names. */
export const AB_SLICE = SLICE;
export { slicesPerSide };

type Place = Pick<AbTrial, 'round' | 'pair' | 'slice' | 'seq' | 'side' | 'scenario' | 'profile'>;

function failedTrial(place: Place, reason: string): AbTrial {
  return {
    ...place,
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

function trialOf(place: Place, s: SliceResult | undefined, failure: string | undefined): AbTrial {
  if (!s) return failedTrial(place, failure ?? 'slice did not run');
  const attempts = s.requests + s.errors + s.timeouts;
  const reason = failure ?? (s.durationS === 0 ? 'the slice was not measured' : undefined);
  // A slice that ran and got no answer in its window (a hung server, refused connections) is
  // a stalled slice: it answered no work. The judge counts it as 0 to throughput, never as a
  // slice with no errors and a p95 of 0.
  const stalled = !reason && s.requests === 0;
  return {
    ...place,
    status: reason ? 'failed' : stalled ? 'stalled' : 'ok',
    ...(reason ? { reason } : stalled ? { reason: `no response in ${s.durationS.toFixed(3)} s` } : {}),
    rps: s.durationS > 0 ? s.ok2xx / s.durationS : 0,
    requests: s.requests,
    non2xx: s.requests - s.ok2xx,
    errors: s.errors,
    timeouts: s.timeouts,
    errorPct: attempts === 0 ? 0 : (100 * (s.requests - s.ok2xx + s.errors + s.timeouts)) / attempts,
    p50Ms: s.latencyMs.p50,
    p95Ms: s.latencyMs.p95,
    p99Ms: s.latencyMs.p99,
    durationS: s.durationS,
  };
}

/** A slice the block did not run: its baseline is too slow to be judged by slices. */
function refusedTrial(place: Place, reason: string): AbTrial {
  return { ...failedTrial(place, reason), status: 'refused', errorPct: 0 };
}

/** Every slice of a block that was refused (now, or in an earlier round: `reason`). */
export function refusedBlock(block: PlannedBlock, seqStart: number, reason: string): AbTrial[] {
  return placesOf(block, seqStart).map((p) => refusedTrial(p, reason));
}

/** Where one side's load goes: a server this A/B started, or a service already running (--baseline-target). */
export interface AbEndpoint {
  url: string;
  alive(): boolean;
  /** Why it is not alive (the server's last stderr line), or ''. */
  lastWords(): string;
}

/** A server this A/B started, as an endpoint. */
export function serverEndpoint(s: ServerHandle): AbEndpoint {
  return {
    url: s.url,
    alive: () => s.child.exitCode === null && s.child.signalCode === null,
    lastWords: () => s.stderrTail().split('\n').pop() ?? '',
  };
}

/** A service already running: the A/B cannot see it die, only its answers (errors fail the slices). */
export function targetEndpoint(url: string): AbEndpoint {
  return { url, alive: () => true, lastWords: () => '' };
}

const alive = (s: AbEndpoint | undefined): boolean => s !== undefined && s.alive();

/** Where every slice of a block sits in the run. */
function placesOf(block: PlannedBlock, seqStart: number): Place[] {
  const pairsPerRound = block.order.length / 2;
  return block.order.map((side, i) => ({
    round: block.round,
    pair: block.round * pairsPerRound + Math.floor(i / 2),
    slice: i,
    seq: seqStart + i,
    side,
    scenario: block.arm.scenario,
    profile: block.arm.profile,
  }));
}

/**
 * One arm's block in one round: one generator process alternates the load between the two
 * sides' servers slice by slice (plan order), one side at a time. Returns one record per
 * slice, failed ones included (a dead server, a generator that crashed): never throws.
 */
export async function loadBlock(
  opts: { config: RunConfig; signal?: AbortSignal; scenarioFile?: string },
  servers: Record<AbSideName, AbEndpoint | undefined>,
  pinning: Pinning,
  block: PlannedBlock,
  seqStart: number,
  warmupS: number,
): Promise<AbTrial[]> {
  const places = placesOf(block, seqStart);
  const dead = (['baseline', 'candidate'] as const).filter((side) => !alive(servers[side]));
  if (dead.length > 0) {
    const why = (side: AbSideName) => {
      const s = servers[side];
      if (!s) return `${side} server not running`;
      return alive(s) ? `${side} server not running` : `${side} server not running: ${s.lastWords()}`;
    };
    return places.map((p) => failedTrial(p, why(dead.includes(p.side) ? p.side : dead[0]!)));
  }
  const l = opts.config.load;
  const run = startAlternating(
    {
      urls: { baseline: servers.baseline!.url, candidate: servers.candidate!.url },
      scenario: block.arm.scenario,
      ...(opts.scenarioFile ? { scenarioFile: opts.scenarioFile } : {}),
      scale: opts.config.scale,
      // The same requests for both sides; new keys every round.
      seed: opts.config.seed + block.round,
      connections: l.connections,
      warmupS,
      settleS: AB_SLICE.settleS,
      measureS: AB_SLICE.measureS,
      order: block.order,
      timeoutS: LOAD_DEFAULTS.timeoutS,
    },
    {
      ...(pinning.generatorCpu !== null ? { cpu: pinning.generatorCpu } : {}),
      deadlineMs: (blockBoundS(block.order.length, warmupS, LOAD_DEFAULTS.timeoutS) + 20) * 1000,
    },
  );
  const onAbort = () => run.stop();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const r = await run.result;
    if (r.refused && !opts.signal?.aborted) return places.map((p) => refusedTrial(p, r.refused!));
    return places.map((p, i) => {
      const s = r.slices[i];
      const failure = opts.signal?.aborted
        ? 'interrupted'
        : !alive(servers[p.side])
          ? 'server exited mid-block'
          : undefined;
      return trialOf(p, s, failure);
    });
  } catch (err) {
    return places.map((p) => failedTrial(p, (err as Error).message));
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
