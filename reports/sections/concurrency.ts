import type { LoadRecord } from '../../lib/records/load.ts';
import type { RunResults } from '../../lib/records/run.ts';
import { DASH, ms, num, share, us } from '../../lib/format.ts';
import type { ReadsWhileWritingRecord } from '../../lib/records/reads-while-writing.ts';
import { renderTable, type Column } from '../../lib/table.ts';

const reads = (r: LoadRecord) => r.median?.reads;

/** The concurrency stage's arms: one row each (median trial). */
const COLUMNS: Column<LoadRecord>[] = [
  { header: 'scenario', cell: (r) => r.scenario },
  { header: 'profile', cell: (r) => r.profile },
  { header: 'topology', cell: (r) => r.topology },
  { header: 'conns', align: 'right', cell: (r) => String(r.connections) },
  { header: 'rps', align: 'right', cell: (r) => (r.median ? num(r.median.rps) : DASH) },
  { header: 'p95', align: 'right', cell: (r) => (r.median ? ms(r.median.latencyMs.p95) : DASH) },
  { header: 'read rps', align: 'right', cell: (r) => (reads(r) ? num(reads(r)!.rps) : DASH) },
  { header: 'read p95', align: 'right', cell: (r) => (reads(r) ? ms(reads(r)!.latencyMs.p95) : DASH) },
  {
    header: 'reads refused',
    align: 'right',
    cell: (r) => (reads(r) ? share(reads(r)!.non2xx / Math.max(1, reads(r)!.requests)) : DASH),
  },
  { header: 'trials', align: 'right', cell: (r) => String(r.trials.length) },
  { header: 'status', cell: (r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason ?? ''}`) },
];

/** The engine-level WAL measurement: one row per profile. */
const ENGINE: Column<ReadsWhileWritingRecord>[] = [
  { header: 'profile', cell: (r) => r.profile },
  { header: 'reads/s', align: 'right', cell: (r) => (r.status === 'ok' ? num(r.readsPerSec) : DASH) },
  { header: 'read p50', align: 'right', cell: (r) => (r.status === 'ok' ? us(r.latencyUs.p50) : DASH) },
  { header: 'read p95', align: 'right', cell: (r) => (r.status === 'ok' ? us(r.latencyUs.p95) : DASH) },
  { header: 'reads refused', align: 'right', cell: (r) => share(r.refused / Math.max(1, r.reads + r.refused)) },
  { header: 'writer commits', align: 'right', cell: (r) => num(r.writes) },
  { header: 'writes refused', align: 'right', cell: (r) => num(r.writesBusy) },
  { header: 'status', cell: (r) => (r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason ?? ''}`) },
];

/** Where the pool and WAL claims were measured: the arms, then how the topologies sat on this machine's cores. */
export function renderConcurrencySection(run: RunResults): string {
  const out = ['### Concurrency: pool and reads while writing', ''];
  if (run.concurrency.length === 0) return [...out, '_The concurrency stage did not run._', ''].join('\n');
  out.push(
    `Pool: '${run.config.concurrency.readScenario}' on tuned as one process, as readers:N (N reader connections in one process) and as cluster:N. WAL: '${run.config.concurrency.mixScenario}' on untuned (DELETE) and untuned-wal (WAL; nothing else differs), its reads measured while its writes run. Server and generator unpinned.`,
    '',
    renderTable(COLUMNS, run.concurrency),
  );
  const notes = [
    ...new Set(
      run.concurrency.flatMap((r) => (typeof r.extra?.topologyNote === 'string' ? [r.extra.topologyNote] : [])),
    ),
  ];
  if (notes.length) out.push(notes.map((n) => `- ${n}`).join('\n'), '');
  if (run.readsWhileWriting.length)
    out.push(
      "WAL at the engine level: primary-key reads on one connection while a writer thread commits one row per transaction on another, for one trial's duration.",
      '',
      renderTable(ENGINE, run.readsWhileWriting),
    );
  return out.join('\n');
}
