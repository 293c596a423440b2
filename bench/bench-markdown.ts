import type { AblationRecord, BenchFile, BenchRecord, IndexSweepRecord } from '../lib/records/bench.ts';
import type { Environment } from '../lib/records/environment.ts';
import { compareRecords } from './ablation-delta.ts';
import { formatChanges, formatOps, formatRatio, formatRme, formatUs } from './format.ts';
import { renderTable as renderRows, type TableFormat } from '../lib/table.ts';

/** Pure renderers: records in, text out, through the reports' one table builder. */

interface Header {
  header: string;
  align?: 'left' | 'right';
}

function renderTable(headers: Header[], rows: string[][], format: TableFormat): string {
  return renderRows(
    headers.map((h, i) => ({ ...h, cell: (row: string[]) => row[i] ?? '' })),
    rows,
    format,
  );
}

export function renderContext(env: Environment): string {
  const lines = [
    `${env.date}  git ${env.gitSha?.slice(0, 12) ?? 'unknown'}  ${env.hostname}`,
    `Node ${env.node}, SQLite ${env.sqlite}, better-sqlite3 ${env.betterSqlite3 ?? '?'}, tinybench ${env.tinybench ?? '?'}`,
    `${env.cpuModel}, ${env.cores} cores, ${(env.memoryBytes / 2 ** 30).toFixed(1)} GiB, ${env.platform} ${env.kernel}`,
    `data: ${env.dataDir} on ${env.filesystem}, fsync ${env.fsyncUs === null ? 'not probed' : `${env.fsyncUs} µs`}`,
    ...env.caveats.map((c) => `caveat: ${c}`),
  ];
  return lines.join('\n') + '\n';
}

/**
 * op × profile: ops/s (1000 / mean latency), mean, p50 and p99 in µs, the rme, and the
 * ratio against the first profile of each operation ('n.s.' when the margins overlap).
 */
export function renderBenchTable(records: BenchRecord[], format: TableFormat = 'text'): string {
  const ops = unique(records.map((r) => r.op));
  const baseline = records[0]?.profile;
  const rows: string[][] = [];
  for (const op of ops) {
    const forOp = records.filter((r) => r.op === op);
    const base = forOp.find((r) => r.profile === baseline) ?? forOp[0]!;
    for (const r of forOp) {
      const opLabel = r.rowsPerOp ? `${r.op} (${r.rowsPerOp} rows)` : r.op;
      if (r.status !== 'ok') {
        rows.push([opLabel, r.profile, r.status, '', '', '', '', '', r.reason ?? '']);
        continue;
      }
      rows.push([opLabel, r.profile, formatOps(r.opsPerSec), formatUs(r.latencyUs.mean), formatUs(r.latencyUs.p50), formatUs(r.latencyUs.p99), formatRme(r.rme), relative(base, r), '']);
    }
  }
  const columns = [
    { header: 'op' },
    { header: 'profile' },
    { header: 'ops/s', align: 'right' as const },
    { header: 'mean µs', align: 'right' as const },
    { header: 'p50 µs', align: 'right' as const },
    { header: 'p99 µs', align: 'right' as const },
    { header: 'rme', align: 'right' as const },
    { header: `vs ${baseline ?? 'first'}`, align: 'right' as const },
    { header: 'note' },
  ];
  return renderTable(columns, rows, format);
}

function relative(base: BenchRecord, r: BenchRecord): string {
  if (r === base) return '1.00x';
  if (base.status !== 'ok') return '—';
  const c = compareRecords(base, r);
  return `${formatRatio(c.change + 1)}${c.significant ? '' : ' n.s.'}`;
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

/** One row per toggle and operation; the two directions side by side, each with its spread. */
export function renderAblationTable(records: AblationRecord[], format: TableFormat = 'text'): string {
  const keys = unique(records.map((r) => `${r.pragma}\u0000${r.op}`));
  const cell = (r: AblationRecord | undefined): string => {
    if (!r) return '';
    if (r.status !== 'ok') return `${r.status}: ${r.reason ?? ''}`;
    const [c, lo, hi] = formatChanges([r.change, r.spread.low, r.spread.high]);
    return `${c} [${lo}, ${hi}]${r.significant === false ? ' n.s.' : ''}`;
  };
  const rows = keys.map((key) => {
    const [pragma, op] = key.split('\u0000') as [string, string];
    const on = records.find((r) => r.pragma === pragma && r.op === op && r.direction === 'enable-on-untuned');
    const off = records.find((r) => r.pragma === pragma && r.op === op && r.direction === 'disable-on-tuned');
    return [pragma, op, cell(on), cell(off)];
  });
  const columns = [
    { header: 'pragma' },
    { header: 'op' },
    { header: 'switched on in untuned', align: 'right' as const },
    { header: 'switched off in tuned', align: 'right' as const },
  ];
  return renderTable(columns, rows, format);
}

/** Indexed vs unindexed list query by table size (and the ratio's growth), then insert cost by index count. */
export function renderIndexSweepTable(records: IndexSweepRecord[], format: TableFormat = 'text'): string {
  const queries = records.filter((r) => r.kind === 'query');
  const sizes = unique(queries.map((r) => r.rows)).sort((a, b) => a - b);
  const ratios: { rows: number; ratio: number; scanUs: number; searchUs: number }[] = [];
  const queryRows = sizes.map((rows) => {
    const scan = queries.find((r) => r.rows === rows && r.indexes === 0);
    const search = queries.find((r) => r.rows === rows && r.indexes === 1);
    const ok = (r?: IndexSweepRecord) => r?.status === 'ok';
    const ratio = ok(scan) && ok(search) && scan!.opsPerSec > 0 ? search!.opsPerSec / scan!.opsPerSec : undefined;
    if (ratio !== undefined) ratios.push({ rows, ratio, scanUs: scan!.latencyUs.mean, searchUs: search!.latencyUs.mean });
    const side = (r?: IndexSweepRecord) => (ok(r) ? [formatUs(r!.latencyUs.mean), formatOps(r!.opsPerSec)] : [r ? `${r.status}: ${r.reason ?? ''}` : '—', '']);
    return [rows.toLocaleString('en-US'), ...side(scan), ...side(search), ratio === undefined ? '—' : formatRatio(ratio)];
  });
  const parts = [
    renderTable(
      [
        { header: 'rows', align: 'right' },
        { header: 'no index: mean µs', align: 'right' },
        { header: 'ops/s', align: 'right' },
        { header: 'indexed: mean µs', align: 'right' },
        { header: 'ops/s', align: 'right' },
        { header: 'indexed/unindexed', align: 'right' },
      ],
      queryRows,
      format,
    ),
  ];
  if (ratios.length >= 2) {
    const first = ratios[0]!;
    const last = ratios[ratios.length - 1]!;
    const from = first.rows.toLocaleString('en-US');
    const to = last.rows.toLocaleString('en-US');
    parts.push(
      `From ${from} to ${to} rows the indexed/unindexed ratio went ${formatRatio(first.ratio)} → ${formatRatio(last.ratio)} (${formatRatio(last.ratio / first.ratio)}); ` +
        `mean latency without the index ${formatRatio(last.scanUs / first.scanUs)}, with it ${formatRatio(last.searchUs / first.searchUs)}.\n`,
    );
  }
  const inserts = records.filter((r) => r.kind === 'insert').sort((a, b) => a.indexes - b.indexes);
  if (inserts.length) {
    const base = inserts.find((r) => r.indexes === 0 && r.status === 'ok');
    const insertRows = inserts.map((r) =>
      r.status !== 'ok'
        ? [String(r.indexes), r.rows.toLocaleString('en-US'), `${r.status}: ${r.reason ?? ''}`, '', '', '']
        : [String(r.indexes), r.rows.toLocaleString('en-US'), formatOps(r.opsPerSec), formatUs(r.latencyUs.mean), formatRme(r.rme), base ? formatRatio(r.opsPerSec / base.opsPerSec) : '—'],
    );
    parts.push(
      renderTable(
        [
          { header: 'secondary indexes', align: 'right' },
          { header: 'table rows', align: 'right' },
          { header: 'insert ops/s', align: 'right' },
          { header: 'mean µs', align: 'right' },
          { header: 'rme', align: 'right' },
          { header: 'vs 0 indexes', align: 'right' },
        ],
        insertRows,
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
    const planText = format === 'markdown' ? `\nQuery plans:\n\n\`\`\`text\n${plans}\`\`\`\n` : `\nQuery plans:\n${plans}`;
    sections.push(h('Operations × profiles') + renderBenchTable(file.records, format) + (plans ? planText : ''));
  }
  if (file.ablation.length) sections.push(h('Ablation: change in ops/s from one PRAGMA [spread from both margins of error]') + renderAblationTable(file.ablation, format));
  if (file.indexSweep.length) sections.push(h('Index sweep: list query by table size; insert cost by index count') + renderIndexSweepTable(file.indexSweep, format));
  return sections.join('\n');
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}
