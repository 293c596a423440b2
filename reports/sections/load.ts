import type { CapacityRecord, LoadRecord } from '../../lib/records/load.ts';
import { vacuumMethod } from '../../lib/vacuum-method.ts';
import type { RunResults, VacuumRecord } from '../../lib/records/run.ts';
import { capacityBrackets, reachedBound } from '../ledger/measure.ts';
import { bytes, DASH, ms, num, pct, share, us } from '../../lib/format.ts';
import { renderTable, type Column } from '../../lib/table.ts';
import { renderConcurrencySection } from './concurrency.ts';

const m = (r: LoadRecord) => r.median;
const fails = (r: LoadRecord) => (r.median ? r.median.errors + r.median.timeouts + r.median.non2xx : 0);
const okOr = (r: LoadRecord, f: (x: NonNullable<LoadRecord['median']>) => string) => (r.median ? f(r.median) : DASH);

/** Locust-like columns: reqs, fails, rps, avg, p50, p95, p99, max (median trial). */
const LOAD: Column<LoadRecord>[] = [
  { header: 'scenario', cell: (r) => r.scenario },
  { header: 'profile', cell: (r) => r.profile },
  { header: 'engine', cell: (r) => `${r.engine}${r.topology === 'single' ? '' : ` ${r.topology}`}` },
  { header: 'conns', align: 'right', cell: (r) => String(r.connections) },
  { header: 'reqs', align: 'right', cell: (r) => okOr(r, (x) => num(x.requests)) },
  { header: 'fails', align: 'right', cell: (r) => (m(r) ? num(fails(r)) : DASH) },
  { header: 'rps', align: 'right', cell: (r) => okOr(r, (x) => num(x.rps)) },
  {
    header: 'rps range',
    align: 'right',
    cell: (r) => (r.spread ? `${num(r.spread.rps.min)} … ${num(r.spread.rps.max)}` : DASH),
  },
  { header: 'avg', align: 'right', cell: (r) => okOr(r, (x) => ms(x.latencyMs.mean)) },
  { header: 'p50', align: 'right', cell: (r) => okOr(r, (x) => ms(x.latencyMs.p50)) },
  { header: 'p95', align: 'right', cell: (r) => okOr(r, (x) => ms(x.latencyMs.p95)) },
  { header: 'p99', align: 'right', cell: (r) => okOr(r, (x) => ms(x.latencyMs.p99)) },
  { header: 'max', align: 'right', cell: (r) => okOr(r, (x) => ms(x.latencyMs.max)) },
  { header: 'trials', align: 'right', cell: (r) => String(r.trials.length) },
  {
    header: 'audit',
    cell: (r) =>
      r.audit.length
        ? r.audit.every((a) => a.ok)
          ? 'ok'
          : `LOST ${r.audit.reduce((s, a) => s + a.lost, 0)}`
        : (r.auditSkipped ?? DASH),
  },
  { header: 'status', cell: (r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason ?? ''}`) },
];

const dbShare = (r: LoadRecord) => share(r.serverTiming!.dbUs.mean / Math.max(1e-9, r.serverTiming!.handlerUs.mean), 0);

/** How much of a request's server time was SQLite (server-side HDR timings). */
const DB_SHARE: Column<LoadRecord>[] = [
  { header: 'scenario', cell: (r) => r.scenario },
  { header: 'profile', cell: (r) => r.profile },
  { header: 'handler mean', align: 'right', cell: (r) => us(r.serverTiming!.handlerUs.mean) },
  { header: 'SQLite mean', align: 'right', cell: (r) => us(r.serverTiming!.dbUs.mean) },
  { header: 'DB share', align: 'right', cell: dbShare },
  { header: 'handler p95', align: 'right', cell: (r) => us(r.serverTiming!.handlerUs.p95) },
  { header: 'client p50', align: 'right', cell: (r) => okOr(r, (x) => ms(x.latencyMs.p50)) },
  { header: 'SQLITE_BUSY', align: 'right', cell: (r) => String(r.serverTiming!.busy) },
];

type CapRow = { c: CapacityRecord; p: CapacityRecord['curve'][number] };
const CAPACITY: Column<CapRow>[] = [
  { header: 'profile', cell: (r) => r.c.profile },
  { header: 'connections', align: 'right', cell: (r) => String(r.p.connections) },
  { header: 'rps', align: 'right', cell: (r) => num(r.p.rps) },
  { header: 'p95', align: 'right', cell: (r) => ms(r.p.p95) },
  { header: 'errors', align: 'right', cell: (r) => share(r.p.errorPct / 100, 2) },
  { header: 'meets SLO', cell: (r) => (r.p.ok ? 'yes' : 'no') },
];

const VACUUM: Column<VacuumRecord>[] = [
  { header: 'profile', cell: (v) => v.profile },
  { header: 'seeded', align: 'right', cell: (v) => bytes(v.bytes.seeded) },
  { header: 'after churn', align: 'right', cell: (v) => bytes(v.bytes.beforeVacuum) },
  {
    header: 'after its own maintenance',
    align: 'right',
    cell: (v) =>
      v.bytes.afterMaintenance === undefined
        ? DASH
        : `${bytes(v.bytes.afterMaintenance)} (${pct(v.bytes.afterMaintenance / v.bytes.beforeVacuum - 1, 0)})`,
  },
  { header: 'maintenance', cell: (v) => v.maintenance ?? DASH },
  { header: 'after VACUUM', align: 'right', cell: (v) => bytes(v.bytes.afterVacuum) },
  { header: 'VACUUM change', align: 'right', cell: (v) => pct(v.bytes.afterVacuum / v.bytes.beforeVacuum - 1) },
  {
    header: 'free pages before → after',
    align: 'right',
    cell: (v) => `${v.freelistPages.beforeVacuum} → ${v.freelistPages.afterVacuum}`,
  },
  { header: 'rows deleted / rewritten', align: 'right', cell: (v) => `${v.deletedRows} / ${v.updatedRows}` },
  { header: 'VACUUM time', align: 'right', cell: (v) => ms(v.vacuumMs) },
  { header: 'status', cell: (v) => (v.status === 'ok' ? 'ok' : `${v.status}: ${v.reason ?? ''}`) },
];

/** Where the true capacity lies, from the levels tried (and every sweep when repeated). */
function bracketNote(c: CapacityRecord): string {
  const b = capacityBrackets(c);
  const low = Math.min(...b.map((x) => x.low));
  const high = Math.max(...b.map((x) => x.high));
  const sweeps = c.sweeps ? `; sweeps: ${c.sweeps.map((w) => w.capacity ?? 'none').join(', ')}` : '';
  return Number.isFinite(high)
    ? ` (true capacity between ${low} and ${high}${sweeps})`
    : sweeps
      ? ` (${sweeps.slice(2)})`
      : '';
}

/** Load table, DB share, capacity per profile, VACUUM. */
export function renderLoadSections(run: RunResults): string {
  const out: string[] = ['### Load scenarios (median trial; warm-up excluded)', ''];
  if (run.scenarios.length)
    out.push(run.scenarios.map((s) => `- \`${s.name}\` (${s.kind}): ${s.description}`).join('\n'), '');
  out.push(run.load.length ? renderTable(LOAD, run.load) : '_No load results in this run._\n');
  const timed = run.load.filter((r) => r.serverTiming && r.serverTiming.handlerUs.count > 0);
  out.push(
    '### DB share of request cost (server-side timing)',
    '',
    timed.length ? renderTable(DB_SHARE, timed) : '_No server-side timings in this run._\n',
  );
  out.push(renderConcurrencySection(run));
  out.push('### Capacity', '');
  if (run.capacity.length === 0) out.push('_No capacity sweep in this run._\n');
  // One line per profile, with the figure the headline and the ledger use ("100+" = at least 100).
  for (const c of run.capacity) {
    const verdict =
      c.status !== 'ok'
        ? `${c.status}: ${c.reason ?? ''}`
        : c.capacity === null
          ? 'no level met the SLO'
          : reachedBound(c)
            ? `${c.capacity}+ connections (met the SLO at every level tried: a lower bound)`
            : `${c.capacity} connections${bracketNote(c)}`;
    out.push(`- **${c.profile}** ('${c.scenario}', p95 < ${c.sloP95Ms} ms, errors < ${c.maxErrorPct} %): ${verdict}`);
  }
  const curve = run.capacity.flatMap((c) => c.curve.map((p) => ({ c, p })));
  // Then one table for every profile's curve.
  if (curve.length) out.push('', renderTable(CAPACITY, curve));
  else if (run.capacity.length) out.push('');
  out.push(
    '### DB file size and VACUUM',
    '',
    run.vacuum.length ? renderTable(VACUUM, run.vacuum) : '_No VACUUM measurement in this run._\n',
  );
  if (run.vacuum[0])
    out.push(`Method: ${vacuumMethod(run.config.vacuum.deleteShare, run.config.vacuum.updateShare)}.`, '');
  return out.join('\n');
}

/**
 * The built-in arms over their error budget (load/degraded.ts), named at the top of the
 * report: their figures stay in the tables, and no verdict reads them. '' when there are none.
 */
export function renderDegradedNote(run: RunResults): string {
  const degraded = run.load.filter((r) => r.status === 'degraded');
  if (degraded.length === 0) return '';
  return [
    `**Degraded arms, left out of every verdict** (more than 1 % of their requests failed: an overloaded server, not the configuration):`,
    '',
    ...degraded.map(
      (r) => `- ${r.scenario} · ${r.profile} · ${r.topology} · c${r.connections}: ${r.reason ?? 'degraded'}`,
    ),
    '',
  ].join('\n');
}
