import type { LoadRecord } from '../../lib/records/load.ts';
import type { RunResults } from '../../lib/records/run.ts';
import { median, ratioOfMediansInterval } from '../../stats/index.ts';
import { ms, num, pct, share, us } from '../../lib/format.ts';
import type { Measurement } from './measure.ts';
import { POOL_PROFILE, WAL_AFTER, WAL_BEFORE } from '../../lib/records/concurrency-arms.ts';

/** The pool and WAL claims, from the run's concurrency stage (run/concurrency.ts). Pure. */
const okArm = (r: LoadRecord) => r.status === 'ok' && r.trials.some((t) => t.status !== 'failed');
const goodTrials = (r: LoadRecord) => r.trials.filter((t) => t.status !== 'failed');

function arm(run: RunResults, scenario: string, profile: string, topology: string): LoadRecord | undefined {
  return run.concurrency.find(
    (r) => r.scenario === scenario && r.profile === profile && r.topology === topology && okArm(r),
  );
}

/** N of the stage's readers:N arms (they all use one N), or null. */
function pooledN(run: RunResults): number | null {
  for (const r of run.concurrency) {
    const m = /^readers:(\d+)$/.exec(r.topology);
    if (m) return Number(m[1]);
  }
  return null;
}

/** Where the pool ran, from the run's own environment and records: cores, pinning. */
function coresText(run: RunResults, rec: LoadRecord): string {
  const cores = run.environment.cores;
  return rec.pinning.pinned
    ? `server pinned to CPU ${rec.pinning.serverCpu} of ${cores}`
    : `${cores} core${cores === 1 ? '' : 's'} shared by the server and the load generator`;
}

/**
 * The guide's pool claim (QueuePool: many connections in one process): tuned as one process
 * (one connection) vs readers:N (N reader connections in the same process), same load.
 * cluster:N (N processes) is shown beside it, not chosen from after the fact.
 */
export function measurePool(run: RunResults): Measurement {
  const scenario = run.config.concurrency.readScenario;
  const n = pooledN(run);
  if (run.concurrency.length === 0 || n === null)
    return { unavailable: 'the concurrency stage did not run (concurrency.enabled is false, or it was skipped)' };
  const single = arm(run, scenario, POOL_PROFILE, 'single');
  const pooled = arm(run, scenario, POOL_PROFILE, `readers:${n}`);
  if (!single || !pooled)
    return { unavailable: `no successful '${scenario}' arm on ${POOL_PROFILE} ${!single ? 'single' : `readers:${n}`}` };
  const rps = (r: LoadRecord) => goodTrials(r).map((t) => t.rps);
  const ci = ratioOfMediansInterval(rps(single), rps(pooled));
  const cluster = arm(run, scenario, POOL_PROFILE, `cluster:${n}`);
  const clusterText = cluster
    ? `; cluster:${n} ${num(median(rps(cluster)))} rps (${pct(median(rps(cluster)) / median(rps(single)) - 1, 0)})`
    : '';
  return {
    gain: ci.ratio,
    low: ci.low,
    high: ci.high,
    benchmark: `autocannon '${scenario}' on ${POOL_PROFILE}, ${pooled.connections} connections, one process vs readers:${n}, ${goodTrials(pooled).length} trials (${ci.method} interval)`,
    detail: `${num(median(rps(single)))} -> ${num(median(rps(pooled)))} rps${clusterText}; ${coresText(run, pooled)}: a pool runs statements side by side only on cores it has`,
  };
}

/**
 * WAL where it lives: read throughput of a mixed scenario while its writes run, DELETE vs
 * WAL with everything else stock (synchronous FULL both), readers beside a writer
 * (readers:N: reader connections in threads, the writer on the main thread). The one-process
 * arm is shown beside it: there one connection serves reads and writes in turn.
 */
export function measureReadsWhileWriting(run: RunResults): Measurement {
  const scenario = run.config.concurrency.mixScenario;
  const n = pooledN(run);
  if (run.concurrency.length === 0 || n === null)
    return { unavailable: 'the concurrency stage did not run (concurrency.enabled is false, or it was skipped)' };
  const topology = `readers:${n}`;
  const before = arm(run, scenario, WAL_BEFORE, topology);
  const after = arm(run, scenario, WAL_AFTER, topology);
  if (!before || !after)
    return { unavailable: `no successful '${scenario}' ${topology} arm on ${!before ? WAL_BEFORE : WAL_AFTER}` };
  const reads = (r: LoadRecord) => goodTrials(r).flatMap((t) => (t.reads ? [t.reads] : []));
  if (reads(before).length === 0 || reads(after).length === 0)
    return { unavailable: `'${scenario}' recorded no separate read figures (a scenario of reads and writes is needed)` };
  const ci = ratioOfMediansInterval(
    reads(before).map((x) => x.rps),
    reads(after).map((x) => x.rps),
  );
  const p95 = (r: LoadRecord) => median(reads(r).map((x) => x.latencyMs.p95));
  const refused = (r: LoadRecord) => {
    const all = reads(r).reduce((s, x) => s + x.requests, 0);
    return all === 0 ? 0 : reads(r).reduce((s, x) => s + x.non2xx, 0) / all;
  };
  const oneProcess = (() => {
    const b = arm(run, scenario, WAL_BEFORE, 'single');
    const a = arm(run, scenario, WAL_AFTER, 'single');
    if (!b || !a || reads(b).length === 0 || reads(a).length === 0) return '';
    const rb = median(reads(b).map((x) => x.rps));
    const ra = median(reads(a).map((x) => x.rps));
    return `; one process (one connection for both): ${num(rb)} -> ${num(ra)} read rps (${pct(ra / rb - 1, 0)})`;
  })();
  const engine = (() => {
    const rec = (p: string) => run.readsWhileWriting.find((r) => r.profile === p && r.status === 'ok');
    const b = rec(WAL_BEFORE);
    const a = rec(WAL_AFTER);
    if (!b || !a) return '';
    const refusedShare = (r: typeof a) => share(r.refused / Math.max(1, r.reads + r.refused));
    return `; engine level (reads on one connection while a writer thread commits): ${num(b.readsPerSec)} -> ${num(a.readsPerSec)} reads/s, p95 ${us(b.latencyUs.p95)} -> ${us(a.latencyUs.p95)}, refused ${refusedShare(b)} -> ${refusedShare(a)}`;
  })();
  return {
    gain: ci.ratio,
    low: ci.low,
    high: ci.high,
    benchmark: `autocannon '${scenario}' reads while its writes run, ${WAL_BEFORE} (DELETE) vs ${WAL_AFTER} (WAL), stock otherwise (synchronous=FULL, busy_timeout=0 both), ${topology}, ${goodTrials(after).length} trials (${ci.method} interval)`,
    detail: `${num(median(reads(before).map((x) => x.rps)))} -> ${num(median(reads(after).map((x) => x.rps)))} read rps, read p95 ${ms(p95(before))} -> ${ms(p95(after))}, reads refused (busy) ${share(refused(before))} -> ${share(refused(after))}${oneProcess}${engine}`,
  };
}
