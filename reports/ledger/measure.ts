import type { AblationRecord } from '../../lib/records/bench.ts';
import type { CapacityRecord, LoadRecord } from '../../lib/records/load.ts';
import type { RunResults } from '../../lib/records/run.ts';
import { median, safeRatio } from '../../stats/index.ts';
import { fromPaired, runPairedGain } from './measure-paired.ts';
import { bytes, ms, num, pct } from '../../lib/format.ts';
import type { ClaimSource, OpKind } from './claims.ts';
import type { Measured } from './verdict.ts';
import { measurePool, measureReadsWhileWriting } from './measure-concurrency.ts';
import { powerlossEvidence } from './measure-powerloss.ts';

export type Measurement =
  | (Measured & {
      benchmark: string;
      detail: string;
      /** The gain is only a lower bound (e.g. tuned met the SLO at every capacity level tried). */
      lowerBound?: string;
    })
  | { unavailable: string };

/**
 * Whether an op writes: the bench records' own `writes` flag when present (SQLite's
 * readonly check on the statement), else its name (insert, update, ... write).
 */
export function opKind(op: string, writes?: ReadonlyMap<string, boolean>): 'read' | 'write' {
  const known = writes?.get(op);
  if (known !== undefined) return known ? 'write' : 'read';
  return /insert|update|delete|write|create|post|patch|upsert/i.test(op) ? 'write' : 'read';
}

function writesByOp(run: RunResults): Map<string, boolean> {
  const out = new Map<string, boolean>();
  for (const b of run.bench) if (b.writes !== undefined) out.set(b.op, b.writes);
  return out;
}

const BEFORE = 'untuned';
const AFTER = 'tuned';

/** Measures what a claim's source names, from one run's records. Pure. */
export function measure(source: ClaimSource, run: RunResults): Measurement {
  switch (source.kind) {
    case 'ablation':
      return measureAblation(run.ablation, source.pragma, source.ops, writesByOp(run), source.opMatch, source.prefer);
    case 'index-scan':
      return measureIndexScan(run);
    case 'load':
      return measureLoad(run, source.scenario, source.metric);
    case 'capacity':
      return measureCapacity(run);
    case 'vacuum':
      return measureVacuum(run);
    case 'pool':
      return measurePool(run);
    case 'reads-while-writing':
      return measureReadsWhileWriting(run);
    case 'powerloss':
      return { unavailable: powerlossEvidence(run) };
    case 'unmeasurable':
      return { unavailable: source.why };
  }
}

/**
 * Per-op gain = 1 + change (enable-on-untuned) or 1 / (1 + change) (disable-on-tuned).
 * The claim's gain is the median over the matching ops; its interval runs from the
 * median of the ops' low bounds to the median of their high bounds.
 */
export function measureAblation(
  records: readonly AblationRecord[],
  pragma: string,
  ops: OpKind,
  writes?: ReadonlyMap<string, boolean>,
  opMatch?: string,
  prefer: AblationRecord['direction'] = 'enable-on-untuned',
): Measurement {
  const only = opMatch ? new RegExp(opMatch) : null;
  const matching = records.filter(
    (r) =>
      r.pragma === pragma &&
      r.status === 'ok' &&
      (ops === 'any' || opKind(r.op, writes) === ops) &&
      (!only || only.test(r.op)),
  );
  const preferred = matching.filter((r) => r.direction === prefer);
  const chosen = preferred.length > 0 ? preferred : matching;
  if (chosen.length === 0) {
    const failed = records.find((r) => r.pragma === pragma && r.status !== 'ok');
    return {
      unavailable: failed
        ? `ablation ${pragma} ${failed.status}: ${failed.reason ?? 'no reason given'}`
        : `no ${pragma} ablation of ${ops === 'any' ? '' : ops + ' '}operations in this run`,
    };
  }
  const per = chosen.map((r) => {
    if (r.direction === 'enable-on-untuned')
      return { op: r.op, gain: 1 + r.change, low: 1 + r.spread.low, high: 1 + r.spread.high };
    return { op: r.op, gain: 1 / (1 + r.change), low: 1 / (1 + r.spread.high), high: 1 / (1 + r.spread.low) };
  });
  const direction =
    chosen[0]!.direction === 'enable-on-untuned'
      ? `untuned + ${pragma} vs untuned`
      : `tuned vs tuned without ${pragma}`;
  return {
    gain: median(per.map((p) => p.gain)),
    low: median(per.map((p) => p.low)),
    high: median(per.map((p) => p.high)),
    benchmark: `tinybench ablation (${direction}), ${per.length} op${per.length > 1 ? 's' : ''}`,
    detail: per.map((p) => `${p.op} ${pct(p.gain - 1)}`).join(', '),
  };
}

/** Unindexed over indexed mean latency at the largest swept size; interval from both margins of error. */
export function measureIndexScan(run: RunResults): Measurement {
  const queries = run.indexSweep.filter((r) => r.kind === 'query' && r.status === 'ok');
  const sizes = [...new Set(queries.map((r) => r.rows))].sort((a, b) => b - a);
  for (const rows of sizes) {
    const scan = queries.find((r) => r.rows === rows && r.indexes === 0);
    const search = queries.find((r) => r.rows === rows && r.indexes > 0);
    if (!scan || !search) continue;
    const gain = safeRatio(scan.latencyUs.mean, search.latencyUs.mean);
    const e1 = scan.rme / 100;
    const e2 = search.rme / 100;
    return {
      gain,
      low: safeRatio(scan.latencyUs.mean * Math.max(0, 1 - e1), search.latencyUs.mean * (1 + e2)),
      high:
        e2 >= 1
          ? Number.POSITIVE_INFINITY
          : safeRatio(scan.latencyUs.mean * (1 + e1), search.latencyUs.mean * (1 - e2)),
      benchmark: `index sweep, list query at ${num(rows)} rows`,
      detail: `${firstLine(scan.plan)} ${ms(scan.latencyUs.mean / 1000)} vs ${firstLine(search.plan)} ${ms(search.latencyUs.mean / 1000)} (mean)`,
    };
  }
  return { unavailable: 'the index sweep did not measure an indexed and an unindexed query at the same size' };
}

function firstLine(plan: string): string {
  return (plan.split('\n')[0] ?? '').trim() || 'plan?';
}

/** The autocannon record of a scenario and profile at the run's load connections (else any). */
export function headlineRecord(run: RunResults, scenario: string, profile: string): LoadRecord | undefined {
  const ok = run.load.filter(
    (r) =>
      r.engine === 'autocannon' &&
      r.scenario === scenario &&
      r.profile === profile &&
      r.topology === 'single' &&
      r.status === 'ok' &&
      r.median,
  );
  return ok.find((r) => r.connections === run.config.load.connections) ?? ok[0];
}

export function headlineScenario(run: RunResults, which: 'read' | 'write' | 'p95'): string {
  const h = run.config.headline;
  return which === 'read' ? h.readScenario : which === 'write' ? h.writeScenario : h.p95Scenario;
}

/**
 * tuned over untuned on a headline scenario, from the paired stage: both servers up, the load
 * alternating between them in short slices; interval of the round medians (stats/paired.ts).
 */
export function measureLoad(run: RunResults, which: 'read' | 'write' | 'p95', metric: 'rps' | 'p95'): Measurement {
  const scenario = headlineScenario(run, which);
  const g = runPairedGain(run, 'tuned-vs-untuned', scenario, metric);
  const fmt = (v: number) => (metric === 'rps' ? `${num(v)} rps` : ms(v));
  return fromPaired(
    g,
    `autocannon '${scenario}', ${BEFORE} and ${AFTER} interleaved in slices`,
    (x) => `${fmt(x.baselineMedian)} -> ${fmt(x.candidateMedian)} (median slices)`,
  );
}

/** A sweep whose every level met the SLO: its capacity is only "at least the largest level". */
export function reachedBound(c: CapacityRecord): boolean {
  return (
    c.capacity !== null &&
    c.curve.length > 0 &&
    c.curve.every((p) => p.ok) &&
    c.capacity === Math.max(...c.curve.map((p) => p.connections))
  );
}

/** The capacity sweep of a profile that measured something (a sweep that failed at a level still has its passing levels). */
export function capacityRecord(run: RunResults, profile: string): CapacityRecord | undefined {
  return run.capacity.find((c) => c.profile === profile && c.status !== 'skipped' && c.curve.length > 0);
}

/**
 * Where each sweep's true capacity lies: from its last passing level to one below its first
 * failing level (the steps and the bisection between them are its resolution); no upper end
 * when every level passed.
 */
export function capacityBrackets(c: CapacityRecord): { low: number; high: number }[] {
  const sweeps = c.sweeps ?? [
    {
      capacity: c.capacity,
      failedAt: c.failedAt !== undefined ? c.failedAt : lowestFailing(c.curve),
      curve: c.curve,
    },
  ];
  return sweeps.map((w) => ({
    low: w.capacity ?? 0,
    high: w.failedAt === null ? Number.POSITIVE_INFINITY : w.failedAt - 1,
  }));
}

function lowestFailing(curve: CapacityRecord['curve']): number | null {
  const failing = curve.filter((p) => !p.ok).map((p) => p.connections);
  return failing.length ? Math.min(...failing) : null;
}

function bracketText(c: CapacityRecord): string {
  const b = capacityBrackets(c);
  const low = Math.min(...b.map((x) => x.low));
  const high = Math.max(...b.map((x) => x.high));
  return `${c.profile} ${low}…${Number.isFinite(high) ? high : '?'}`;
}

function capacityBenchmark(c: CapacityRecord): string {
  const sweeps = c.sweeps?.length ?? 1;
  return `capacity sweep '${c.scenario}', p95 < ${c.sloP95Ms} ms, errors < ${c.maxErrorPct} % (levels ${c.curve.map((p) => p.connections).join(', ')}), ${sweeps} sweep${sweeps > 1 ? 's' : ''}; interval from the levels' resolution`;
}

/**
 * Capacity at the SLO, tuned over untuned: the median sweeps' ratio; the interval spans every
 * sweep's bracket (lowest tuned over highest untuned, and the reverse), so it is as wide as
 * the sweeps' resolution and their disagreement.
 */
export function measureCapacity(run: RunResults): Measurement {
  const before = capacityRecord(run, BEFORE);
  const after = capacityRecord(run, AFTER);
  if (!before || !after) return { unavailable: `no capacity sweep measured ${!before ? BEFORE : AFTER}` };
  const top = Math.max(...after.curve.map((p) => p.connections));
  if (before.capacity === null) {
    // Below the lowest level: its true capacity is under the level it missed, an upper bound,
    // so tuned's lowest passing level over it is a lower bound on the gain (rule 5).
    const missed = Math.max(...capacityBrackets(before).map((x) => x.high));
    const afterLow = Math.min(...capacityBrackets(after).map((x) => x.low));
    if (after.capacity === null || !Number.isFinite(missed) || missed < 1 || afterLow === 0)
      return { unavailable: `${BEFORE} met the SLO (p95 < ${before.sloP95Ms} ms) at no swept concurrency` };
    const bound = afterLow / missed;
    return {
      gain: bound,
      low: bound,
      high: Number.POSITIVE_INFINITY,
      benchmark: capacityBenchmark(after),
      detail: `under ${missed + 1} -> ${after.capacity}${reachedBound(after) ? '+' : ''} connections (true capacity ${BEFORE} 0…${missed}, ${bracketText(after)})`,
      lowerBound: `${BEFORE} missed the SLO already at ${missed + 1} connections, the lowest level, so the gain is at least ×${bound.toFixed(2)} (${afterLow} / ${missed}); lower capacity levels would settle it`,
    };
  }
  if (reachedBound(before) && reachedBound(after))
    return { unavailable: `both met the SLO at every level up to ${top} connections: raise capacity.maxConnections` };
  const gain = safeRatio(after.capacity ?? 0, before.capacity);
  const a = capacityBrackets(after);
  const b = capacityBrackets(before);
  const minLow = (x: typeof a) => Math.min(...x.map((y) => y.low));
  const maxHigh = (x: typeof a) => Math.max(...x.map((y) => y.high));
  return {
    gain,
    low: Number.isFinite(maxHigh(b)) ? minLow(a) / maxHigh(b) : 0,
    high: minLow(b) > 0 ? maxHigh(a) / minLow(b) : Number.POSITIVE_INFINITY,
    benchmark: capacityBenchmark(after),
    detail: `${before.capacity} -> ${after.capacity ?? 'none'}${reachedBound(after) ? '+' : ''} connections (true capacity ${bracketText(before)}, ${bracketText(after)})`,
    ...(reachedBound(after)
      ? {
          lowerBound: `${AFTER} met the SLO at every level up to ${top} connections, so the gain is at least ×${gain.toFixed(2)}; raise capacity.maxConnections to settle it`,
        }
      : {}),
  };
}

/**
 * The guide's size claim as it means it: the tuned file after months of churn under the
 * maintenance its own setting promises (auto_vacuum=INCREMENTAL: incremental_vacuum), over
 * the same file left alone. Sizes are exact: the interval is the point (the size band judges).
 * Records without a maintenance figure fall back to VACUUM per profile.
 */
export function measureVacuum(run: RunResults): Measurement {
  const ok = run.vacuum.filter((v) => v.status === 'ok' && v.bytes.afterVacuum > 0);
  if (ok.length === 0) return { unavailable: 'no VACUUM measurement in this run' };
  const tuned = ok.find((v) => v.profile === AFTER && v.bytes.afterMaintenance !== undefined);
  if (tuned) {
    const gain = tuned.bytes.beforeVacuum / tuned.bytes.afterMaintenance!;
    const others = ok.filter((v) => v !== tuned && v.bytes.afterMaintenance !== undefined);
    return {
      gain,
      low: gain,
      high: gain,
      // The method is said once, in section 3; here what was measured, and what a real VACUUM did beside it.
      benchmark:
        `file size after churn, under ${AFTER}'s own maintenance (${tuned.maintenance ?? 'unknown'}); ` +
        `a real VACUUM of the same file: ${pct(tuned.bytes.afterVacuum / tuned.bytes.beforeVacuum - 1)} ` +
        '(method and every profile: "DB file size and VACUUM", section 3)',
      detail: [
        `${AFTER} ${bytes(tuned.bytes.beforeVacuum)} -> ${bytes(tuned.bytes.afterMaintenance!)}`,
        ...others.map(
          (v) =>
            `${v.profile} ${bytes(v.bytes.beforeVacuum)} -> ${bytes(v.bytes.afterMaintenance!)} (${v.maintenance ?? 'unknown'})`,
        ),
      ].join(', '),
    };
  }
  const gains = ok.map((v) => v.bytes.beforeVacuum / v.bytes.afterVacuum);
  return {
    gain: median(gains),
    low: Math.min(...gains),
    high: Math.max(...gains),
    benchmark: `VACUUM after churn (${ok[0]!.method}); ${ok.length} profile${ok.length > 1 ? 's' : ''}`,
    detail: ok.map((v) => `${v.profile} ${bytes(v.bytes.beforeVacuum)} -> ${bytes(v.bytes.afterVacuum)}`).join(', '),
  };
}
