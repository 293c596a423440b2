import type { CapacityRecord, LoadRecord } from '../lib/records/load.ts';
import { DASH, latency, num, ratio } from '../lib/format.ts';
import { renderTable, type Column } from '../lib/table.ts';

type CurvePoint = CapacityRecord['curve'][number];

/** The terminal layout of both load tables: names in the first three columns left, figures right. */
function namesThenFigures<R>(columns: Omit<Column<R>, 'align'>[]): Column<R>[] {
  return columns.map((c, i) => ({ ...c, align: i < 3 ? 'left' : 'right' }));
}

const fails = (r: LoadRecord) => (r.median ? num(r.median.non2xx + r.median.errors + r.median.timeouts) : DASH);

function audit(r: LoadRecord): string {
  if (r.audit.length === 0) return DASH;
  return r.audit.every((a) => a.ok) ? 'ok' : `FAIL (lost ${Math.max(...r.audit.map((a) => a.lost))})`;
}

const LOAD_COLUMNS = namesThenFigures<LoadRecord>([
  { header: 'scenario', cell: (r) => r.scenario },
  { header: 'profile', cell: (r) => r.profile },
  { header: 'topology', cell: (r) => r.topology },
  { header: 'conns', cell: (r) => String(r.connections) },
  { header: 'reqs', cell: (r) => num(r.median?.requests) },
  { header: 'fails', cell: fails },
  { header: 'rps', cell: (r) => num(r.median?.rps) },
  { header: 'rps min–max', cell: (r) => (r.spread ? `${num(r.spread.rps.min)}–${num(r.spread.rps.max)}` : DASH) },
  { header: 'avg', cell: (r) => latency(r.median?.latencyMs.mean) },
  { header: 'p50', cell: (r) => latency(r.median?.latencyMs.p50) },
  { header: 'p95', cell: (r) => latency(r.median?.latencyMs.p95) },
  { header: 'p99', cell: (r) => latency(r.median?.latencyMs.p99) },
  { header: 'max', cell: (r) => latency(r.median?.latencyMs.max) },
  { header: 'audit', cell: audit },
  { header: 'status', cell: (r) => r.status },
]);

const CAPACITY_COLUMNS = namesThenFigures<CurvePoint>([
  { header: 'conns', cell: (p) => String(p.connections) },
  { header: 'rps', cell: (p) => num(p.rps) },
  { header: 'p95 ms', cell: (p) => latency(p.p95) },
  { header: 'err %', cell: (p) => p.errorPct.toFixed(2) },
  { header: 'slo', cell: (p) => (p.ok ? 'ok' : 'over') },
]);

/** Locust-like table of load records (median trial; rps with its min–max spread). Pure. */
export function loadTable(records: LoadRecord[]): string {
  const failed = records.filter((r) => r.status !== 'ok');
  const notes = failed.map((r) => `! ${r.scenario}/${r.profile}: ${r.reason ?? r.status}`);
  for (const r of records) {
    const wrk = r.extra?.wrk as { medianRps?: number | null; autocannonOverWrk?: number | null } | undefined;
    if (wrk?.medianRps && wrk.autocannonOverWrk && r.median) {
      notes.push(
        `wrk ${r.scenario}/${r.profile}: autocannon ${num(r.median.rps)} rps, wrk ${num(wrk.medianRps)} rps ` +
          `(${ratio(wrk.autocannonOverWrk)}; within ±10 % means the generator is not the bottleneck)`,
      );
    }
  }
  return (
    renderTable(LOAD_COLUMNS, records, 'text') +
    '(latency in ms; median of the trials; fails = non-2xx + errors + timeouts)\n' +
    notes.map((n) => `${n}\n`).join('')
  );
}

/** The capacity curve as a table and the verdict line. Pure. */
export function capacityTable(c: CapacityRecord): string {
  const slo = `p95 < ${c.sloP95Ms} ms`;
  const errors = `errors < ${c.maxErrorPct} %`;
  const verdict =
    c.capacity === null
      ? `${c.scenario}/${c.profile}: no level met ${slo} and ${errors}`
      : `${c.scenario}/${c.profile}: capacity ${c.capacity} concurrent connections (${slo}, ${errors})`;
  const why = c.reason ? ` [${c.status}: ${c.reason}]` : '';
  return `${renderTable(CAPACITY_COLUMNS, c.curve, 'text')}${verdict}${why}\n`;
}
