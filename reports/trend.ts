import type { TopLevelSpec } from 'vega-lite';
import type { RunResults } from '../lib/records/run.ts';
import { safeRatio } from '../stats/index.ts';
import { headlineRows } from './headline.ts';
import { DASH, num, pct } from '../lib/format.ts';
import { renderTable, type Column } from '../lib/table.ts';

export interface TrendRow {
  date: string;
  sha: string;
  mode: string;
  profile: string;
  readRps: number | null;
  writeRps: number | null;
  p95Ms: number | null;
  capacity: number | null;
  /** The capacity is only a lower bound: the highest level tried still met the SLO. */
  capacityAtLeast: boolean;
  /**
   * The machine the run measured on: CPU model, cores, Node and SQLite versions (what
   * `compare` refuses to mix). A series never crosses machines.
   */
  machine: string;
  /** Read rps change against the previous run of the same profile, mode and machine. */
  readChange: number | null;
}

/** The machine a run was measured on, as trend separates series by it. */
export function machineOf(run: RunResults): string {
  const e = run.environment;
  return `${e.cpuModel} ×${e.cores} · Node ${e.node} · SQLite ${e.sqlite}`;
}

/**
 * One row per run and profile, oldest first; a series is a profile in one mode (quick or
 * full) on one machine (CPU model, cores, Node, SQLite): a change is only ever against the
 * previous run of the same series. Pure.
 */
export function trendRows(runs: readonly RunResults[]): TrendRow[] {
  const sorted = [...runs].sort((a, b) => a.startedAt.localeCompare(b.startedAt));
  const previous = new Map<string, number>();
  const out: TrendRow[] = [];
  for (const run of sorted) {
    const rows = Object.fromEntries(headlineRows(run).map((r) => [r.id, r.values]));
    for (const profile of run.config.profiles) {
      const v = (id: string) => rows[id]?.[profile]?.value ?? null;
      const readRps = v('read');
      const machine = machineOf(run);
      const series = `${run.mode}/${profile}/${machine}`;
      const prev = previous.get(series);
      out.push({
        date: run.startedAt,
        sha: run.environment.gitSha?.slice(0, 7) ?? DASH,
        mode: run.mode,
        profile,
        readRps,
        writeRps: v('write'),
        p95Ms: v('p95'),
        capacity: v('users'),
        capacityAtLeast: rows.users?.[profile]?.atLeast === true,
        machine,
        readChange: readRps !== null && prev !== undefined ? safeRatio(readRps, prev) - 1 : null,
      });
      if (readRps !== null) previous.set(series, readRps);
    }
  }
  return out;
}

const COLUMNS: Column<TrendRow>[] = [
  { header: 'date', cell: (r) => r.date.slice(0, 10) },
  { header: 'git', cell: (r) => r.sha },
  { header: 'mode', cell: (r) => r.mode },
  { header: 'profile', cell: (r) => r.profile },
  { header: 'read rps', align: 'right', cell: (r) => num(r.readRps) },
  { header: 'vs previous', align: 'right', cell: (r) => pct(r.readChange) },
  { header: 'write rps', align: 'right', cell: (r) => num(r.writeRps) },
  { header: 'p95 (ms)', align: 'right', cell: (r) => num(r.p95Ms) },
  {
    header: 'capacity',
    align: 'right',
    cell: (r) => (r.capacity !== null && r.capacityAtLeast ? `≥ ${num(r.capacity)}` : num(r.capacity)),
  },
];

/**
 * The table, one per machine when the runs come from more than one (each headed by it), with
 * a line saying why: figures from different CPUs, core counts, Node or SQLite versions are
 * not a trend.
 */
export function renderTrend(rows: readonly TrendRow[], format: 'markdown' | 'text' = 'markdown'): string {
  const machines = [...new Set(rows.map((r) => r.machine))];
  if (machines.length <= 1)
    return (machines[0] ? `machine: ${machines[0]}\n\n` : '') + renderTable(COLUMNS, rows, format);
  return [
    `${machines.length} machines (CPU model, cores, Node, SQLite): separate series, never compared with each other.`,
    ...machines.map(
      (m) =>
        `\n${format === 'markdown' ? '### ' : ''}${m}\n\n` +
        renderTable(
          COLUMNS,
          rows.filter((r) => r.machine === m),
          format,
        ),
    ),
  ].join('\n');
}

/** Month over month: read rps, write rps and p95 per profile, one panel per metric. */
export function trendChart(rows: readonly TrendRow[]): TopLevelSpec | null {
  const machines = [...new Set(rows.map((r) => r.machine))];
  const values = rows.flatMap((r) =>
    (
      [
        ['read rps', r.readRps],
        ['write rps', r.writeRps],
        ['p95 (ms)', r.p95Ms],
      ] as const
    )
      .filter(([, v]) => v !== null)
      .map(([metric, value]) => ({ date: r.date, series: seriesName(r, machines), metric, value })),
  );
  if (values.length === 0) return null;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: 'Trend over runs',
    data: { values },
    facet: { row: { field: 'metric', type: 'nominal', title: null } },
    spec: {
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'date', type: 'temporal', title: 'run date' },
        y: { field: 'value', type: 'quantitative', title: null },
        // One line per profile, mode (and machine, when there are several): a quick run's
        // figures never join a full run's line, nor one machine's another's.
        color: { field: 'series', type: 'nominal', title: 'profile · mode', scale: { scheme: 'tableau10' } },
      },
      width: 480,
      height: 140,
    },
    resolve: { scale: { y: 'independent' } },
  };
}

/** A series' name in the chart: the machine is named only when the runs come from several. */
function seriesName(r: TrendRow, machines: readonly string[]): string {
  const base = `${r.profile} · ${r.mode}`;
  return machines.length > 1 ? `${base} · machine ${machines.indexOf(r.machine) + 1}` : base;
}
