import type { CapacityRecord, LoadRecord } from '../lib/records/load.ts';

const num = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n < 100 ? n.toFixed(1) : n.toFixed(0));

function render(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}

/** Locust-like table of load records (median trial; rps with its min–max spread). Pure. */
export function loadTable(records: LoadRecord[]): string {
  const header = ['scenario', 'profile', 'topology', 'conns', 'reqs', 'fails', 'rps', 'rps min–max', 'avg', 'p50', 'p95', 'p99', 'max', 'audit', 'status'];
  const rows = records.map((r) => {
    const m = r.median;
    const fails = m ? m.non2xx + m.errors + m.timeouts : 0;
    const audit = r.audit.length === 0 ? '-' : r.audit.every((a) => a.ok) ? 'ok' : `FAIL (lost ${Math.max(...r.audit.map((a) => a.lost))})`;
    return [
      r.scenario,
      r.profile,
      r.topology,
      String(r.connections),
      m ? num(m.requests) : '-',
      m ? num(fails) : '-',
      m ? num(m.rps) : '-',
      r.spread ? `${num(r.spread.rps.min)}–${num(r.spread.rps.max)}` : '-',
      m ? ms(m.latencyMs.mean) : '-',
      m ? ms(m.latencyMs.p50) : '-',
      m ? ms(m.latencyMs.p95) : '-',
      m ? ms(m.latencyMs.p99) : '-',
      m ? ms(m.latencyMs.max) : '-',
      audit,
      r.status,
    ];
  });
  const notes = records.filter((r) => r.status !== 'ok').map((r) => `! ${r.scenario}/${r.profile}: ${r.reason ?? r.status}`);
  for (const r of records) {
    const wrk = r.extra?.wrk as { medianRps?: number | null; autocannonOverWrk?: number | null } | undefined;
    if (wrk?.medianRps && wrk.autocannonOverWrk && r.median) {
      notes.push(`wrk ${r.scenario}/${r.profile}: autocannon ${num(r.median.rps)} rps, wrk ${num(wrk.medianRps)} rps (${wrk.autocannonOverWrk.toFixed(2)}x; within ±10 % means the generator is not the bottleneck)`);
    }
  }
  return render(header, rows) + '(latency in ms; median of the trials; fails = non-2xx + errors + timeouts)\n' + notes.map((n) => `${n}\n`).join('');
}

/** The capacity curve as a table and the verdict line. Pure. */
export function capacityTable(c: CapacityRecord): string {
  const rows = c.curve.map((p) => [String(p.connections), num(p.rps), ms(p.p95), p.errorPct.toFixed(2), p.ok ? 'ok' : 'over']);
  const verdict =
    c.capacity === null
      ? `${c.scenario}/${c.profile}: no level met p95 < ${c.sloP95Ms} ms and errors < ${c.maxErrorPct} %`
      : `${c.scenario}/${c.profile}: capacity ${c.capacity} concurrent connections (p95 < ${c.sloP95Ms} ms, errors < ${c.maxErrorPct} %)`;
  return render(['conns', 'rps', 'p95 ms', 'err %', 'slo'], rows) + verdict + (c.reason ? ` [${c.status}: ${c.reason}]` : '') + '\n';
}
