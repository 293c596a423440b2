import { basename } from 'node:path';
import { ablationMethodNote, renderCountedTable } from '../../bench/bench-markdown.ts';
import type { AblationRecord, BenchRecord, IndexSweepRecord } from '../../lib/records/bench.ts';
import type { RunResults } from '../../lib/records/run.ts';
import { DASH, num, pct, share, us } from '../../lib/format.ts';
import { renderTable, type Column } from '../../lib/table.ts';

const status = (r: { status: string; reason?: string | undefined }) =>
  r.status === 'ok' ? 'ok' : `${r.status}: ${r.reason ?? 'no reason given'}`;
const ifOk = (r: { status: string }, text: () => string) => (r.status === 'ok' ? text() : DASH);

/** A figure whose relative margin of error is above this (percent) is flagged as noisy. */
export const NOISY_RME_PCT = 10;

const noisy = (r: BenchRecord) => r.status === 'ok' && r.rme > NOISY_RME_PCT;

/** The microbenchmark table: a "vs untuned" column per operation, noisy figures flagged, status only when not all ok. */
export function benchColumns(records: readonly BenchRecord[]): Column<BenchRecord>[] {
  const untuned = new Map(
    records.filter((r) => r.profile === 'untuned' && r.status === 'ok').map((r) => [r.op, r.opsPerSec]),
  );
  const columns: Column<BenchRecord>[] = [
    { header: 'operation', cell: (r) => r.op },
    { header: 'profile', cell: (r) => r.profile },
    { header: 'ops/s', align: 'right', cell: (r) => ifOk(r, () => `${num(r.opsPerSec)}${noisy(r) ? ' ⚠' : ''}`) },
    {
      header: 'vs untuned',
      align: 'right',
      cell: (r) => {
        const base = untuned.get(r.op);
        if (r.status !== 'ok' || base === undefined || r.profile === 'untuned') return DASH;
        return pct(r.opsPerSec / base - 1, 0);
      },
    },
    { header: 'mean', align: 'right', cell: (r) => ifOk(r, () => us(r.latencyUs.mean)) },
    { header: 'p50', align: 'right', cell: (r) => ifOk(r, () => us(r.latencyUs.p50)) },
    { header: 'p99', align: 'right', cell: (r) => ifOk(r, () => us(r.latencyUs.p99)) },
    { header: '± rme', align: 'right', cell: (r) => ifOk(r, () => share(r.rme / 100)) },
    { header: 'samples', align: 'right', cell: (r) => String(r.samples) },
    { header: 'plan', cell: (r) => planCell(r.plan) },
  ];
  if (records.some((r) => r.status !== 'ok')) columns.push({ header: 'status', cell: status });
  return columns;
}

/**
 * One cell of the pivoted ablation: the change, "(n.s.)" when its interval includes no
 * change, "(no verdict)" when there were too few rounds for an interval.
 */
function ablationCell(r: AblationRecord | undefined): string {
  if (!r) return DASH;
  if (r.status !== 'ok') return r.status;
  if (r.verdictable === false) return `${pct(r.change, 0)} (no verdict)`;
  const ns = r.spread.low <= 0 && r.spread.high >= 0;
  return `${pct(r.change, 0)}${ns ? ' (n.s.)' : ''}`;
}

/**
 * The ablation pivoted: one row per setting and direction, one column per operation, each
 * cell the arm's change in ops/s (enable-on-untuned: the setting switched on; disable-on-tuned:
 * switched off, so a loss there is what the setting bought).
 */
export function renderAblationPivot(records: readonly AblationRecord[]): string {
  const ops = [...new Set(records.map((r) => r.op))];
  const rows = [...new Set(records.map((r) => `${r.pragma}\u0000${r.direction}`))].map((k) => {
    const [pragma, direction] = k.split('\u0000') as [string, AblationRecord['direction']];
    return { pragma, direction, cells: records.filter((r) => r.pragma === pragma && r.direction === direction) };
  });
  type Row = (typeof rows)[number];
  const columns: Column<Row>[] = [
    { header: 'setting', cell: (r) => r.pragma },
    { header: 'arm', cell: (r) => (r.direction === 'enable-on-untuned' ? 'on, in untuned' : 'off, in tuned') },
    ...ops.map((op) => ({
      header: op,
      align: 'right' as const,
      cell: (r: Row) => ablationCell(r.cells.find((c) => c.op === op)),
    })),
  ];
  return renderTable(columns, rows);
}

const SWEEP: Column<IndexSweepRecord>[] = [
  { header: 'kind', cell: (r) => r.kind },
  { header: 'rows', align: 'right', cell: (r) => num(r.rows) },
  { header: 'indexes', align: 'right', cell: (r) => String(r.indexes) },
  { header: 'ops/s', align: 'right', cell: (r) => ifOk(r, () => num(r.opsPerSec)) },
  { header: 'mean', align: 'right', cell: (r) => ifOk(r, () => us(r.latencyUs.mean)) },
  { header: 'p99', align: 'right', cell: (r) => ifOk(r, () => us(r.latencyUs.p99)) },
  { header: 'plan', cell: (r) => planCell(r.plan) },
  { header: 'status', cell: status },
];

/** A plan's first line in a table cell, with a mark when the whole plan (below the tables) is longer. */
export function planCell(plan: string): string {
  const lines = plan.split('\n').filter((l) => l.trim() !== '');
  return lines.length > 1 ? `${lines[0]!.trim()} (+${lines.length - 1} lines, see plans)` : (lines[0]?.trim() ?? '');
}

/** A plan worth reading whole: more than one line, a full scan or a temporary b-tree. */
const mattersAlone = (plan: string) =>
  plan.split('\n').filter((l) => l.trim()).length > 1 || /\bSCAN\b|TEMP B-TREE/.test(plan);

/**
 * The whole EXPLAIN QUERY PLAN of each operation where it matters: the profiles ran different
 * plans (an index changed the access path), or a plan scans, sorts in a temp b-tree or has
 * several steps. One block per distinct plan, naming the profiles that ran it.
 */
export function renderPlans(records: readonly { op: string; profile: string; plan: string; status: string }[]): string {
  const byOp = new Map<string, Map<string, string[]>>();
  for (const r of records) {
    if (r.status !== 'ok' || !r.plan.trim()) continue;
    const plans = byOp.get(r.op) ?? new Map<string, string[]>();
    plans.set(r.plan, [...(plans.get(r.plan) ?? []), r.profile]);
    byOp.set(r.op, plans);
  }
  const out: string[] = [];
  for (const [op, plans] of byOp) {
    if (plans.size < 2 && ![...plans.keys()].some(mattersAlone)) continue;
    out.push(`**${op}**`, '');
    for (const [plan, profiles] of plans) out.push(`${profiles.join(', ')}:`, '', '```text', plan.trimEnd(), '```', '');
  }
  return out.join('\n');
}

/** PRAGMA ablation, microbenchmarks and the index sweep. */
export function renderBenchSections(run: RunResults): string {
  const out: string[] = [];
  out.push(
    '### PRAGMA ablation',
    '',
    run.ablation.length
      ? `${renderAblationPivot(run.ablation)}\nCells: change in ops/s with the arm; (n.s.) = its interval includes no change; (no verdict) = too few rounds for one.\n${ablationMethodNote(run.ablation)}`
      : '_No ablation in this run._\n',
  );
  out.push(
    '### Microbenchmarks (tinybench, sustained ops/s = 1000 / mean ms)',
    '',
    run.bench.length
      ? `${renderTable(benchColumns(run.bench), run.bench)}${run.bench.some(noisy) ? `\n⚠ = margin of error above ${NOISY_RME_PCT} %: a noisy figure.\n` : ''}`
      : '_No microbenchmarks in this run._\n',
  );
  if (run.byo) {
    const src = run.byo.source;
    out.push(
      '### Your database and queries',
      '',
      `\`${basename(src.db)}\` (${src.queries} queries, sha256 ${src.sha256.slice(0, 12)}…, unchanged after the run): each query on a copy under every profile's PRAGMAs.`,
      '',
      renderTable(benchColumns(run.byo.records), run.byo.records),
    );
  }
  if (run.counted.length) {
    out.push(
      '### Cost per operation (exact counters)',
      '',
      'Counted, not timed: instructions with valgrind (cachegrind), system calls with strace, each the',
      'difference between a process doing n operations and one doing 2n, divided by n. Counts do not',
      'move with machine load; they explain the timings above (an fsync per commit, bytes per write).',
      '',
      renderCountedTable(run.counted, 'markdown'),
    );
  }
  out.push(
    '### Index sweep',
    '',
    run.indexSweep.length ? renderTable(SWEEP, run.indexSweep) : '_No index sweep in this run._\n',
  );
  const plans = renderPlans([
    ...run.bench,
    ...run.indexSweep.map((r) => ({
      ...r,
      op: `index sweep ${r.kind}, ${num(r.rows)} rows`,
      profile: `${r.indexes} index(es)`,
    })),
  ]);
  if (plans) out.push('### Query plans (EXPLAIN QUERY PLAN, whole)', '', plans);
  return out.join('\n');
}
