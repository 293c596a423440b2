import type { LoadRecord } from '../../lib/records/load.ts';
import type { RunResults } from '../../lib/records/run.ts';
import { median } from '../../stats/index.ts';
import { fromPaired, pairedComparison, runPairedGain } from './measure-paired.ts';
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
  const cmp = pairedComparison(run, 'pool', scenario);
  const g = runPairedGain(run, 'pool', scenario, 'rps');
  const n = cmp?.candidate.topology ?? 'readers:N';
  const cluster = (() => {
    const m = /^readers:(\d+)$/.exec(n);
    const single = m ? arm(run, scenario, POOL_PROFILE, 'single') : undefined;
    const c = m ? arm(run, scenario, POOL_PROFILE, `cluster:${m[1]}`) : undefined;
    if (!single || !c) return '';
    const rps = (r: LoadRecord) => median(goodTrials(r).map((t) => t.rps));
    return `; cluster:${m![1]} ${num(rps(c))} rps beside one process ${num(rps(single))} (sequential trials, not judged)`;
  })();
  return fromPaired(
    g,
    `autocannon '${scenario}' on ${POOL_PROFILE}, one connection vs ${n} (N reader connections in one process), interleaved in slices, unpinned`,
    (x) =>
      `${num(x.baselineMedian)} -> ${num(x.candidateMedian)} rps (median slices)${cluster}; ${run.environment.cores} core${run.environment.cores === 1 ? '' : 's'} shared by the servers and the load generator: a pool runs statements side by side only on cores it has`,
  );
}

/**
 * WAL where it lives: read throughput of a mixed scenario while its writes run, DELETE vs
 * WAL with everything else stock (synchronous FULL both), readers beside a writer
 * (readers:N: reader connections in threads, the writer on the main thread). The one-process
 * arm is shown beside it: there one connection serves reads and writes in turn.
 */
export function measureReadsWhileWriting(run: RunResults): Measurement {
  const scenario = run.config.concurrency.mixScenario;
  const cmp = pairedComparison(run, 'wal-under-writes', scenario);
  const g = runPairedGain(run, 'wal-under-writes', scenario, 'readRps');
  const topology = cmp?.candidate.topology ?? 'readers:N';
  const p95 = runPairedGain(run, 'wal-under-writes', scenario, 'readP95');
  const p95Text =
    'unavailable' in p95
      ? ''
      : `, read p95 ${ms(p95.baselineMedian)} -> ${ms(p95.candidateMedian)} (gain ×${p95.gain.toFixed(2)} [${p95.low.toFixed(2)}, ${p95.high.toFixed(2)}])`;
  const engine = (() => {
    const rec = (p: string) => run.readsWhileWriting.find((r) => r.profile === p && r.status === 'ok');
    const b = rec(WAL_BEFORE);
    const a = rec(WAL_AFTER);
    if (!b || !a) return '';
    const refusedShare = (r: typeof a) => share(r.refused / Math.max(1, r.reads + r.refused));
    return `; engine level (reads on one connection while a writer thread commits, one run each, not judged): ${num(b.readsPerSec)} -> ${num(a.readsPerSec)} reads/s, p95 ${us(b.latencyUs.p95)} -> ${us(a.latencyUs.p95)}, refused ${refusedShare(b)} -> ${refusedShare(a)}`;
  })();
  return fromPaired(
    g,
    `autocannon '${scenario}' reads while its writes run, ${WAL_BEFORE} (DELETE) vs ${WAL_AFTER} (WAL), stock otherwise (synchronous=FULL, busy_timeout=0 both), ${topology}, interleaved in slices, unpinned`,
    (x) => `${num(x.baselineMedian)} -> ${num(x.candidateMedian)} read rps (median slices)${p95Text}${engine}`,
  );
}
