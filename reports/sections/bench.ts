import type { AblationRecord, BenchRecord, IndexSweepRecord } from '../../lib/records/bench.ts';
import type { RunResults } from '../../lib/records/run.ts';
import { DASH, num, pct, share, us } from '../../lib/format.ts';
import { renderTable, type Column } from '../../lib/table.ts';

const status = (r: { status: string; reason?: string | undefined }) =>
  r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason ?? 'no reason given'}`;
const ifOk = (r: { status: string }, text: () => string) => (r.status === 'ok' ? text() : DASH);

const BENCH: Column<BenchRecord>[] = [
  { header: 'operation', cell: (r) => r.op },
  { header: 'profile', cell: (r) => r.profile },
  { header: 'ops/s', align: 'right', cell: (r) => ifOk(r, () => num(r.opsPerSec)) },
  { header: 'mean', align: 'right', cell: (r) => ifOk(r, () => us(r.latencyUs.mean)) },
  { header: 'p50', align: 'right', cell: (r) => ifOk(r, () => us(r.latencyUs.p50)) },
  { header: 'p99', align: 'right', cell: (r) => ifOk(r, () => us(r.latencyUs.p99)) },
  { header: '± rme', align: 'right', cell: (r) => ifOk(r, () => share(r.rme / 100)) },
  { header: 'samples', align: 'right', cell: (r) => String(r.samples) },
  { header: 'plan', cell: (r) => r.plan.split('\n')[0] ?? '' },
  { header: 'status', cell: status },
];

const ABLATION: Column<AblationRecord>[] = [
  { header: 'PRAGMA', cell: (r) => r.pragma },
  { header: 'direction', cell: (r) => r.direction },
  { header: 'operation', cell: (r) => r.op },
  { header: 'base ops/s', align: 'right', cell: (r) => ifOk(r, () => num(r.baseOpsPerSec)) },
  { header: 'arm ops/s', align: 'right', cell: (r) => ifOk(r, () => num(r.armOpsPerSec)) },
  { header: 'change', align: 'right', cell: (r) => ifOk(r, () => pct(r.change)) },
  { header: 'spread', align: 'right', cell: (r) => ifOk(r, () => `${pct(r.spread.low)} … ${pct(r.spread.high)}`) },
  { header: 'status', cell: status },
];

const SWEEP: Column<IndexSweepRecord>[] = [
  { header: 'kind', cell: (r) => r.kind },
  { header: 'rows', align: 'right', cell: (r) => num(r.rows) },
  { header: 'indexes', align: 'right', cell: (r) => String(r.indexes) },
  { header: 'ops/s', align: 'right', cell: (r) => ifOk(r, () => num(r.opsPerSec)) },
  { header: 'mean', align: 'right', cell: (r) => ifOk(r, () => us(r.latencyUs.mean)) },
  { header: 'p99', align: 'right', cell: (r) => ifOk(r, () => us(r.latencyUs.p99)) },
  { header: 'plan', cell: (r) => r.plan.split('\n')[0] ?? '' },
  { header: 'status', cell: status },
];

/** PRAGMA ablation, microbenchmarks and the index sweep. */
export function renderBenchSections(run: RunResults): string {
  const out: string[] = [];
  out.push(
    '### PRAGMA ablation',
    '',
    run.ablation.length ? renderTable(ABLATION, run.ablation) : '_No ablation in this run._\n',
  );
  out.push(
    '### Microbenchmarks (tinybench, sustained ops/s = 1000 / mean ms)',
    '',
    run.bench.length ? renderTable(BENCH, run.bench) : '_No microbenchmarks in this run._\n',
  );
  out.push(
    '### Index sweep',
    '',
    run.indexSweep.length ? renderTable(SWEEP, run.indexSweep) : '_No index sweep in this run._\n',
  );
  return out.join('\n');
}
