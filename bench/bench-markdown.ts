import type { AblationRecord, BenchFile, BenchRecord, IndexSweepRecord } from '../lib/records/bench.ts';
import type { Environment } from '../lib/records/environment.ts';
import type { CountedRecord } from '../lib/records/counted.ts';
import { bytes, changesOrRatios, DASH, latency, num, opsPerSec, ratio, rme, us } from '../lib/format.ts';
import { renderTable, type Column, type TableFormat } from '../lib/table.ts';
import { compareRecords } from './ablation-delta.ts';

/** Pure renderers: records in, text out, through the one table builder. */

type Measured = { status: string; reason?: string | undefined };

/** A measurement's cell, or DASH when the measurement failed or was skipped (its row says why). */
const ifOk = (r: Measured, text: () => string) => (r.status === 'ok' ? text() : DASH);
const statusText = (r: Measured) => `${r.status}: ${r.reason ?? ''}`;
/** ops/s, or what a failed measurement shows in its place. */
const opsOr = (r: Measured & { opsPerSec: number }, otherwise: (failed: Measured) => string) =>
  r.status === 'ok' ? opsPerSec(r.opsPerSec) : otherwise(r);

export function renderContext(env: Environment): string {
  const versions = `better-sqlite3 ${env.betterSqlite3 ?? DASH}, tinybench ${env.tinybench ?? DASH}`;
  const lines = [
    `${env.date}  git ${env.gitSha?.slice(0, 12) ?? DASH}  ${env.hostname}`,
    `Node ${env.node}, SQLite ${env.sqlite}, ${versions}`,
    `${env.cpuModel}, ${env.cores} cores, ${bytes(env.memoryBytes)}, ${env.platform} ${env.kernel}`,
    `data: ${env.dataDir} on ${env.filesystem}, fsync ${env.fsyncUs === null ? 'not probed' : us(env.fsyncUs)}`,
    ...env.caveats.map((c) => `caveat: ${c}`),
  ];
  return lines.join('\n') + '\n';
}

interface BenchRow {
  record: BenchRecord;
  /** The same operation under the first profile: what "vs" compares with. */
  base: BenchRecord;
}

function benchColumns(baseline: string | undefined): Column<BenchRow>[] {
  return [
    { header: 'op', cell: ({ record: r }) => (r.rowsPerOp ? `${r.op} (${r.rowsPerOp} rows)` : r.op) },
    { header: 'profile', cell: ({ record: r }) => r.profile },
    { header: 'ops/s', align: 'right', cell: ({ record: r }) => opsOr(r, (failed) => failed.status) },
    { header: 'mean µs', align: 'right', cell: ({ record: r }) => ifOk(r, () => latency(r.latencyUs.mean)) },
    { header: 'p50 µs', align: 'right', cell: ({ record: r }) => ifOk(r, () => latency(r.latencyUs.p50)) },
    { header: 'p99 µs', align: 'right', cell: ({ record: r }) => ifOk(r, () => latency(r.latencyUs.p99)) },
    { header: 'rme', align: 'right', cell: ({ record: r }) => ifOk(r, () => rme(r.rme)) },
    { header: `vs ${baseline ?? 'first'}`, align: 'right', cell: (row) => ifOk(row.record, () => relative(row)) },
    { header: 'note', cell: ({ record: r }) => (r.status === 'ok' ? '' : (r.reason ?? '')) },
  ];
}

/**
 * op × profile: ops/s (1000 / mean latency), mean, p50 and p99 in µs, the rme, and the
 * ratio against the first profile of each operation ('n.s.' when the margins overlap).
 */
export function renderBenchTable(records: BenchRecord[], format: TableFormat = 'text'): string {
  const baseline = records[0]?.profile;
  const rows = unique(records.map((r) => r.op)).flatMap((op) => {
    const forOp = records.filter((r) => r.op === op);
    const base = forOp.find((r) => r.profile === baseline) ?? forOp[0]!;
    return forOp.map((record) => ({ record, base }));
  });
  return renderTable(benchColumns(baseline), rows, format);
}

function relative({ record: r, base }: BenchRow): string {
  if (r === base) return ratio(1);
  if (base.status !== 'ok') return DASH;
  const c = compareRecords(base, r);
  return `${ratio(c.change + 1)}${c.significant ? '' : ' n.s.'}`;
}

/** Each operation's query plans, grouped by the profiles that share one: SCAN vs SEARCH at a glance. */
export function renderPlans(records: BenchRecord[]): string {
  const out: string[] = [];
  for (const op of unique(records.map((r) => r.op))) {
    const forOp = records.filter((r) => r.op === op && r.plan !== '');
    const plans = unique(forOp.map((r) => r.plan));
    if (plans.length === 0) continue;
    out.push(`${op}:`);
    for (const plan of plans) {
      const who = forOp.filter((r) => r.plan === plan).map((r) => r.profile);
      out.push(`  [${who.join(', ')}]`, ...plan.split('\n').map((l) => `    ${l}`));
    }
  }
  return out.length ? out.join('\n') + '\n' : '';
}

interface AblationRow {
  pragma: string;
  op: string;
  on: AblationRecord | undefined;
  off: AblationRecord | undefined;
}

function ablationCell(r: AblationRecord | undefined): string {
  if (!r) return DASH;
  if (r.status !== 'ok') return statusText(r);
  if (r.verdictable === false) {
    const [c] = changesOrRatios([r.change]);
    return `${c} no verdict (${r.rounds ?? 0} rounds)`;
  }
  const [c, lo, hi] = changesOrRatios([r.change, r.spread.low, r.spread.high]);
  return `${c} [${lo}, ${hi}]${r.significant === false ? ' n.s.' : ''}`;
}

const percent = (x: number) => `${Math.round(x * 1000) / 10} %`;

/**
 * How the ablation's intervals were made, from the records themselves: the design, the
 * method, the confidence asked and the exact coverage each number of rounds gave. Records
 * from before the rounds (no method) are named for what they are.
 */
export function ablationMethodNote(records: readonly AblationRecord[]): string {
  const withMethod = records.filter((r) => r.method !== undefined);
  const parts: string[] = [];
  if (withMethod.length) {
    const rounds = unique(withMethod.filter((r) => r.verdictable !== false).map((r) => r.rounds ?? 0)).sort(
      (a, b) => b - a,
    );
    const coverage = rounds.map((n) => {
      const c = withMethod.find((r) => r.rounds === n && r.coverage !== undefined)?.coverage;
      return `${n} rounds: ${c === undefined ? DASH : percent(c)}`;
    });
    const confidence = unique(withMethod.map((r) => r.confidence).filter((c) => c !== undefined));
    const stated = confidence.length ? confidence.map((c) => percent(c!)).join(', ') : DASH;
    const method = unique(withMethod.map((r) => r.method!)).join(', ');
    const noVerdict = withMethod.filter((r) => r.status === 'ok' && r.verdictable === false);
    parts.push(
      `Each arm is measured in rounds of base, arm, arm, base (short tinybench tasks; the order cancels drift that is linear in time); ` +
        `a round gives arm/base ops/s, the change is the median round's. ` +
        `Interval: ${method}, ${stated} asked, exact coverage ${coverage.length ? coverage.join('; ') : DASH}. ` +
        `n.s. = the interval includes no change.` +
        (noVerdict.length
          ? ` No verdict (${noVerdict.length} cell${noVerdict.length > 1 ? 's' : ''}): ${noVerdict[0]!.reason ?? 'too few rounds'}.`
          : ''),
    );
  }
  if (withMethod.length < records.length)
    parts.push(
      "Cells without a method (older records): spread from both means' margins of error, base measured once; not an interval with a known coverage.",
    );
  return parts.join('\n') + '\n';
}

const ABLATION_COLUMNS: Column<AblationRow>[] = [
  { header: 'pragma', cell: (r) => r.pragma },
  { header: 'op', cell: (r) => r.op },
  { header: 'switched on in untuned', align: 'right', cell: (r) => ablationCell(r.on) },
  { header: 'switched off in tuned', align: 'right', cell: (r) => ablationCell(r.off) },
];

/** One row per toggle and operation; the two directions side by side, each with its interval. */
export function renderAblationTable(records: AblationRecord[], format: TableFormat = 'text'): string {
  const keys = unique(records.map((r) => `${r.pragma}\u0000${r.op}`));
  const rows = keys.map((key): AblationRow => {
    const [pragma, op] = key.split('\u0000') as [string, string];
    const arm = (direction: AblationRecord['direction']) =>
      records.find((r) => r.pragma === pragma && r.op === op && r.direction === direction);
    return { pragma, op, on: arm('enable-on-untuned'), off: arm('disable-on-tuned') };
  });
  return renderTable(ABLATION_COLUMNS, rows, format);
}

interface SweepRow {
  rows: number;
  scan: IndexSweepRecord | undefined;
  search: IndexSweepRecord | undefined;
  /** indexed over unindexed ops/s, when both were measured. */
  ratio: number | undefined;
}

const isOk = (r?: IndexSweepRecord): r is IndexSweepRecord => r?.status === 'ok';
/** A side's mean latency, or why it has none. */
const sideLatency = (r?: IndexSweepRecord) => (isOk(r) ? latency(r.latencyUs.mean) : r ? statusText(r) : DASH);
const sideOps = (r?: IndexSweepRecord) => (isOk(r) ? opsPerSec(r.opsPerSec) : DASH);

const SWEEP_COLUMNS: Column<SweepRow>[] = [
  { header: 'rows', align: 'right', cell: (r) => num(r.rows) },
  { header: 'no index: mean µs', align: 'right', cell: (r) => sideLatency(r.scan) },
  { header: 'ops/s', align: 'right', cell: (r) => sideOps(r.scan) },
  { header: 'indexed: mean µs', align: 'right', cell: (r) => sideLatency(r.search) },
  { header: 'ops/s', align: 'right', cell: (r) => sideOps(r.search) },
  { header: 'indexed/unindexed', align: 'right', cell: (r) => ratio(r.ratio) },
];

interface InsertRow {
  record: IndexSweepRecord;
  /** The insert with no secondary index, when it was measured. */
  base: IndexSweepRecord | undefined;
}

const INSERT_COLUMNS: Column<InsertRow>[] = [
  { header: 'secondary indexes', align: 'right', cell: ({ record: r }) => String(r.indexes) },
  { header: 'table rows', align: 'right', cell: ({ record: r }) => num(r.rows) },
  { header: 'insert ops/s', align: 'right', cell: ({ record: r }) => opsOr(r, statusText) },
  { header: 'mean µs', align: 'right', cell: ({ record: r }) => ifOk(r, () => latency(r.latencyUs.mean)) },
  { header: 'rme', align: 'right', cell: ({ record: r }) => ifOk(r, () => rme(r.rme)) },
  {
    header: 'vs 0 indexes',
    align: 'right',
    cell: ({ record: r, base }) => ifOk(r, () => (base ? ratio(r.opsPerSec / base.opsPerSec) : DASH)),
  },
];

/** Indexed vs unindexed list query by table size (and the ratio's growth), then insert cost by index count. */
export function renderIndexSweepTable(records: IndexSweepRecord[], format: TableFormat = 'text'): string {
  const queries = records.filter((r) => r.kind === 'query');
  const sizes = unique(queries.map((r) => r.rows)).sort((a, b) => a - b);
  const sweep = sizes.map((rows): SweepRow => {
    const scan = queries.find((r) => r.rows === rows && r.indexes === 0);
    const search = queries.find((r) => r.rows === rows && r.indexes === 1);
    const both = isOk(scan) && isOk(search) && scan.opsPerSec > 0;
    return { rows, scan, search, ratio: both ? search.opsPerSec / scan.opsPerSec : undefined };
  });
  const parts = [renderTable(SWEEP_COLUMNS, sweep, format)];
  const measured = sweep.filter((s) => s.ratio !== undefined);
  if (measured.length >= 2) {
    const first = measured[0]!;
    const last = measured[measured.length - 1]!;
    const growth = (pick: (s: SweepRow) => number) => ratio(pick(last) / pick(first));
    const meanUs = (side: 'scan' | 'search') => (s: SweepRow) => s[side]!.latencyUs.mean;
    parts.push(
      `From ${num(first.rows)} to ${num(last.rows)} rows the indexed/unindexed ratio went ` +
        `${ratio(first.ratio)} → ${ratio(last.ratio)} (${growth((s) => s.ratio!)}); ` +
        `mean latency without the index ${growth(meanUs('scan'))}, with it ${growth(meanUs('search'))}.\n`,
    );
  }
  const inserts = records.filter((r) => r.kind === 'insert').sort((a, b) => a.indexes - b.indexes);
  if (inserts.length) {
    const base = inserts.find((r) => r.indexes === 0 && r.status === 'ok');
    parts.push(
      renderTable(
        INSERT_COLUMNS,
        inserts.map((record) => ({ record, base })),
        format,
      ),
    );
  }
  return parts.join('\n');
}

/** Everything in a bench file, context first. */
export function renderBenchFile(file: BenchFile, format: TableFormat = 'text'): string {
  const h = (title: string) => (format === 'markdown' ? `## ${title}\n\n` : `${title}\n\n`);
  const sections = [h('Context') + renderContext(file.environment)];
  if (file.records.length) {
    const plans = renderPlans(file.records);
    const planText =
      format === 'markdown' ? `\nQuery plans:\n\n\`\`\`text\n${plans}\`\`\`\n` : `\nQuery plans:\n${plans}`;
    sections.push(h('Operations × profiles') + renderBenchTable(file.records, format) + (plans ? planText : ''));
  }
  if (file.ablation.length) {
    const title = 'Ablation: change in ops/s from one PRAGMA [interval]';
    sections.push(h(title) + renderAblationTable(file.ablation, format) + '\n' + ablationMethodNote(file.ablation));
  }
  if (file.indexSweep.length) {
    const title = 'Index sweep: list query by table size; insert cost by index count';
    sections.push(h(title) + renderIndexSweepTable(file.indexSweep, format));
  }
  if (file.counted.length) {
    const title = 'Cost per operation (exact counters: N vs 2N operations, by difference)';
    sections.push(h(title) + renderCountedTable(file.counted, format));
  }
  return sections.join('\n');
}

const perOp = (n: number | null, digits = 2) =>
  n === null ? DASH : n >= 100 ? num(n) : n.toFixed(digits).replace(/\.?0+$/, '') || '0';

const COUNTED: Column<CountedRecord>[] = [
  { header: 'operation', cell: (r) => r.op },
  { header: 'profile', cell: (r) => r.profile },
  { header: 'instructions/op', align: 'right', cell: (r) => (r.status === 'ok' ? perOp(r.instructionsPerOp) : DASH) },
  { header: 'fsync/op', align: 'right', cell: (r) => (r.status === 'ok' ? perOp(r.fsyncPerOp, 3) : DASH) },
  { header: 'writes/op', align: 'right', cell: (r) => (r.status === 'ok' ? perOp(r.writeCallsPerOp) : DASH) },
  { header: 'bytes written/op', align: 'right', cell: (r) => (r.status === 'ok' ? bytes(r.writeBytesPerOp) : DASH) },
  { header: 'reads/op', align: 'right', cell: (r) => (r.status === 'ok' ? perOp(r.readCallsPerOp) : DASH) },
  { header: 'bytes read/op', align: 'right', cell: (r) => (r.status === 'ok' ? bytes(r.readBytesPerOp) : DASH) },
  { header: 'note', cell: (r) => (r.status === 'ok' ? '' : `${r.status}: ${r.reason ?? ''}`) },
];

/** Exact counters per operation and profile (valgrind instructions, strace syscalls). Pure. */
export function renderCountedTable(records: readonly CountedRecord[], format: TableFormat = 'text'): string {
  return renderTable(COUNTED, records, format);
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
