import type { Audit, LoadRecord } from '../lib/records/load.ts';
import type { RunResults } from '../lib/records/run.ts';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** What the failed write audits found, in one line: 'audit: 3 acknowledged writes lost'. */
export function auditSummary(audits: readonly Audit[]): string {
  const failed = audits.filter((a) => !a.ok);
  const lost = failed.reduce((s, a) => s + a.lost, 0);
  const unexplained = failed.reduce((s, a) => s + Math.max(0, a.phantom - (a.unanswered ?? 0)), 0);
  const integrity = failed.find((a) => a.integrity !== 'ok')?.integrity;
  const parts: string[] = [];
  if (lost > 0) parts.push(plural(lost, 'acknowledged write lost', 'acknowledged writes lost'));
  if (unexplained > 0) parts.push(plural(unexplained, 'unexplained phantom row', 'unexplained phantom rows'));
  if (integrity !== undefined) parts.push(`integrity_check: ${integrity.split('\n')[0]!.slice(0, 120)}`);
  return `audit: ${parts.join(', ') || 'failed'}`;
}

/** One line of a record's reason: reasons can hold a child's stderr. */
function oneLine(reason: string | undefined): string {
  const line = (reason ?? 'no reason recorded').split('\n')[0]!;
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

/**
 * Why a load arm cannot be trusted, or undefined when it can: a failed write audit (even on
 * a record marked ok) is named first, else the record's own reason when it failed.
 */
export function loadArmFailure(r: LoadRecord): string | undefined {
  if (r.audit.some((a) => !a.ok)) return auditSummary(r.audit);
  if (r.status === 'failed') return oneLine(r.reason);
  return undefined;
}

/** Why a bench, capacity or VACUUM record failed, or undefined. Skipped records are not failures. */
export function recordFailure(r: { status: string; reason?: string | undefined }): string | undefined {
  return r.status === 'failed' ? oneLine(r.reason) : undefined;
}

/**
 * Every failed arm of a run, one line each ('load write × tuned (autocannon c50): audit: …'):
 * load, k6 and concurrency arms (or their write audits), microbenchmarks, ablation and index-sweep arms,
 * capacity sweeps and VACUUM measurements. Pure; `loadlab run` exits 1 when this is not empty.
 */
export function failedArms(results: RunResults): string[] {
  const out: string[] = [];
  const add = (what: string, why: string | undefined) => {
    if (why !== undefined) out.push(`${what}: ${why}`);
  };
  for (const v of results.vacuum) add(`vacuum ${v.profile}`, recordFailure(v));
  for (const b of results.bench) add(`bench ${b.op} × ${b.profile}`, recordFailure(b));
  for (const a of results.ablation) add(`ablation ${a.pragma} ${a.direction} on ${a.op}`, recordFailure(a));
  for (const s of results.indexSweep)
    add(`index sweep ${s.kind} ${s.rows} rows, ${s.indexes} index(es)`, recordFailure(s));
  for (const l of results.load)
    add(
      `${l.engine === 'k6' ? 'k6' : 'load'} ${l.scenario} × ${l.profile} (${l.engine}${l.topology === 'single' ? '' : ` ${l.topology}`} c${l.connections})`,
      loadArmFailure(l),
    );
  for (const l of results.concurrency)
    add(`concurrency ${l.scenario} × ${l.profile} (${l.topology} c${l.connections})`, loadArmFailure(l));
  for (const w of results.readsWhileWriting) add(`reads while writing × ${w.profile}`, recordFailure(w));
  for (const c of results.capacity) add(`capacity ${c.scenario} × ${c.profile}`, recordFailure(c));
  return out;
}

/**
 * The exit code of `loadlab run` and the lines saying why: 1 when a stage failed or any arm
 * failed (even if others succeeded), else 0.
 */
export function runVerdict(results: RunResults): { exitCode: 0 | 1; failures: string[] } {
  const failures = [
    ...results.stages
      .filter((s) => s.status === 'failed')
      .map((s) => `stage ${s.name}: ${oneLine(s.reason ?? 'no reason recorded')}`),
    ...failedArms(results),
  ];
  return { exitCode: failures.length > 0 ? 1 : 0, failures };
}
