import type { OverloadRecord } from '../../lib/records/overload.ts';
import { bytes, DASH, ms, num, share } from '../../lib/format.ts';
import { renderTable, type Column, type TableFormat } from '../../lib/table.ts';

const shed = (r: OverloadRecord) => (r.server.shedInflight ?? 0) + (r.server.shedQueue ?? 0);
const status = (r: OverloadRecord) =>
  r.reason ? `${r.status}: ${r.reason}` : r.server.alive ? r.status : `${r.status}: server died`;

const COLUMNS: Column<OverloadRecord>[] = [
  { header: 'profile', cell: (r) => r.profile },
  { header: 'topology', cell: (r) => r.topology },
  { header: 'connections', align: 'right', cell: (r) => String(r.connections) },
  { header: 'rps', align: 'right', cell: (r) => num(r.rps) },
  { header: 'p50 ms', align: 'right', cell: (r) => num(r.latencyMs.p50) },
  { header: 'p95 ms', align: 'right', cell: (r) => num(r.latencyMs.p95) },
  { header: '503 share', align: 'right', cell: (r) => share(r.share503) },
  { header: 'other 5xx', align: 'right', cell: (r) => String(r.other5xx) },
  { header: 'shed', align: 'right', cell: (r) => (r.server.shedInflight === null ? DASH : num(shed(r))) },
  { header: 'busy', align: 'right', cell: (r) => num(r.server.busy) },
  { header: 'errors', align: 'right', cell: (r) => String(r.errors + r.timeouts) },
  { header: 'RSS before', align: 'right', cell: (r) => bytes(r.memory.rssBeforeBytes) },
  { header: 'RSS peak', align: 'right', cell: (r) => bytes(r.memory.rssPeakBytes) },
  { header: 'RSS after', align: 'right', cell: (r) => bytes(r.memory.rssAfterBytes) },
  { header: 'loop delay max', align: 'right', cell: (r) => ms(r.server.peakEventLoopDelayMs) },
  { header: 'status', cell: status },
];

/** The overload table: throughput, latency, shedding and memory per step. Pure. */
export function renderOverload(records: readonly OverloadRecord[], format: TableFormat = 'text'): string {
  const limits = records[0]?.limits;
  const bounds = limits
    ? `--max-inflight ${limits.maxInflight || 'off'}, --max-queue-ms ${limits.maxQueueMs || 'off'}`
    : '';
  const header = bounds ? `shedding bounds: ${bounds}; scenario ${records[0]!.scenario}\n` : '';
  const footer =
    "p50/p95 cover every answer, 503s included. 'other 5xx' must be 0. " +
    "503s come from shedding ('shed') or SQLITE_BUSY ('busy'); under cluster:N both are one worker's count.\n";
  return `${header}${renderTable(COLUMNS, records, format)}${footer}`;
}
