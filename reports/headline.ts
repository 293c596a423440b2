import type { RunResults } from '../lib/records/run.ts';
import { safeRatio } from '../stats/index.ts';
import { bytes, DASH, ms, num, pct } from '../lib/format.ts';
import { capacityRecord, headlineRecord, reachedBound } from './ledger/measure.ts';
import { pairedProfileMedian, runPairedGain, type PairedOutcome } from './ledger/measure-paired.ts';
import { renderTable, type Column } from '../lib/table.ts';

/** The guide's §8 before/after table, as data. */
export const GUIDE_HEADLINE = [
  { id: 'read', metric: 'read QPS', before: '100', after: '250', change: '+150 %' },
  { id: 'write', metric: 'write QPS', before: '20', after: '40', change: '+100 %' },
  { id: 'p95', metric: 'P95 response time', before: '850 ms', after: '180 ms', change: '-79 %' },
  { id: 'users', metric: 'concurrent users', before: '50', after: '200', change: '+300 %' },
  { id: 'size', metric: 'DB file size after churn (maintenance)', before: '100 MB', after: '65 MB', change: '-35 %' },
] as const;

export type HeadlineId = (typeof GUIDE_HEADLINE)[number]['id'];

export interface HeadlineRow {
  id: HeadlineId;
  metric: string;
  guide: string;
  /** Per profile: the number and how to print it; `atLeast` when it is only a lower bound. */
  values: Record<string, { value: number | null; text: string; atLeast?: boolean }>;
  note: string;
}

/** The headline values of one run, per profile. Pure. */
export function headlineRows(run: RunResults): HeadlineRow[] {
  const profiles = run.config.profiles;
  const h = run.config.headline;
  // The absolute figures: the load stage's trials when it ran, else the paired stage's slices.
  const load = (scenario: string, pick: 'rps' | 'p95') =>
    Object.fromEntries(
      profiles.map((p) => {
        const r = headlineRecord(run, scenario, p);
        const v = r?.median
          ? pick === 'rps'
            ? r.median.rps
            : r.median.latencyMs.p95
          : pairedProfileMedian(run, scenario, p, pick);
        return [p, { value: v, text: v === null ? DASH : pick === 'rps' ? num(v) : ms(v) }];
      }),
    );
  const cap = Object.fromEntries(
    profiles.map((p) => {
      const c = capacityRecord(run, p);
      const text = !c
        ? DASH
        : c.capacity === null
          ? `< ${Math.min(...c.curve.map((x) => x.connections))}`
          : `${c.capacity}${reachedBound(c) ? '+' : ''}`;
      return [p, { value: c?.capacity ?? null, text, atLeast: c ? reachedBound(c) : false }];
    }),
  );
  const size = Object.fromEntries(
    profiles.map((p) => {
      const v = run.vacuum.find((x) => x.profile === p && x.status === 'ok');
      if (!v) return [p, { value: null, text: DASH }];
      // The profile's own maintenance (what its auto_vacuum promises); older records: VACUUM.
      const after = v.bytes.afterMaintenance ?? v.bytes.afterVacuum;
      const change = after / v.bytes.beforeVacuum - 1;
      return [p, { value: change, text: `${bytes(v.bytes.beforeVacuum)} → ${bytes(after)} (${pct(change, 0)})` }];
    }),
  );
  const cap0 = run.capacity.find((c) => c.curve.length > 0);
  const source = (scenario: string) =>
    profiles.some((p) => headlineRecord(run, scenario, p)?.median)
      ? `${run.config.load.connections} connections, median of the load trials; the change: paired slices at ${pairedConns} connections`
      : `median of the paired slices at ${pairedConns} connections`;
  const pairedConns = run.paired?.comparisons[0]?.connections ?? run.config.paired.connections;
  const rows: Record<HeadlineId, { values: HeadlineRow['values']; note: string }> = {
    read: {
      values: load(h.readScenario, 'rps'),
      note: `'${h.readScenario}' scenario, ${source(h.readScenario)}`,
    },
    write: {
      values: load(h.writeScenario, 'rps'),
      note: `'${h.writeScenario}' scenario, ${source(h.writeScenario)}`,
    },
    p95: {
      values: load(h.p95Scenario, 'p95'),
      note: `'${h.p95Scenario}' scenario, ${source(h.p95Scenario)}`,
    },
    users: {
      values: cap,
      note: cap0
        ? `highest concurrency with p95 < ${cap0.sloP95Ms} ms ('${cap0.scenario}'); + = the largest step tried`
        : 'capacity sweep',
    },
    size: {
      values: size,
      note: "after churn → after the profile's own maintenance (untuned: none; tuned: incremental_vacuum); VACUUM itself in section 3",
    },
  };
  return GUIDE_HEADLINE.map((g) => ({
    id: g.id,
    metric: g.metric,
    guide: `${g.before} → ${g.after} (${g.change})`,
    ...rows[g.id],
  }));
}

/** The paired gain behind a headline row (tuned vs untuned), or null for rows that are not paired. */
function pairedChange(run: RunResults, row: HeadlineRow): PairedOutcome | null {
  const h = run.config.headline;
  if (row.id === 'read') return runPairedGain(run, 'tuned-vs-untuned', h.readScenario, 'rps');
  if (row.id === 'write') return runPairedGain(run, 'tuned-vs-untuned', h.writeScenario, 'rps');
  if (row.id === 'p95') return runPairedGain(run, 'tuned-vs-untuned', h.p95Scenario, 'p95');
  return null;
}

/**
 * tuned (after) over untuned (before) as a change: for load rows the paired estimate and its
 * interval (p95 as a change of the latency itself, so − is faster); for size, the tuned
 * profile's change; for capacity, the ratio of the sweeps.
 */
function ourChange(run: RunResults, row: HeadlineRow, before: string, after: string): string {
  if (row.id === 'size') return pct(row.values[after]?.value ?? null, 0);
  const paired = before === 'untuned' && after === 'tuned' ? pairedChange(run, row) : null;
  if (paired) {
    if ('unavailable' in paired) return `no interval (${paired.unavailable.replace(/^.*?: /, '')})`;
    // The latency row shows the change of p95 itself: the gain's reciprocal.
    const [mid, lo, hi] =
      row.id === 'p95' ? [1 / paired.gain, 1 / paired.high, 1 / paired.low] : [paired.gain, paired.low, paired.high];
    return `${pct(mid - 1, 0)} [${pct(lo - 1, 0)}, ${pct(hi - 1, 0)}]`;
  }
  const b = row.values[before];
  const a = row.values[after];
  if (!a || !b || a.value === null || b.value === null) return DASH;
  if (row.id !== 'users') return DASH; // a comparison without an interval is not printed
  // Capacity at the largest level tried is a lower bound: say "at least", or nothing when both are.
  if (b.atLeast) return DASH;
  return `${a.atLeast ? '≥ ' : ''}${pct(safeRatio(a.value, b.value) - 1, 0)}`;
}

/** The headline table in the guide's own format, our profiles beside the guide's numbers. */
export function renderHeadline(run: RunResults, rows: HeadlineRow[] = headlineRows(run)): string {
  const profiles = run.config.profiles;
  const others = profiles.filter((p) => p !== 'untuned' && p !== 'tuned');
  const columns: Column<HeadlineRow>[] = [
    { header: 'metric', cell: (r) => r.metric },
    { header: 'guide: before → after', align: 'right', cell: (r) => r.guide },
    ...profiles.map((p) => ({
      header: p === 'untuned' ? 'untuned (before)' : p === 'tuned' ? 'tuned (after)' : p,
      align: 'right' as const,
      cell: (r: HeadlineRow) => r.values[p]?.text ?? DASH,
    })),
    { header: 'change (tuned vs untuned)', align: 'right', cell: (r) => ourChange(run, r, 'untuned', 'tuned') },
    ...others.map((p) => ({
      header: `change (${p} vs untuned)`,
      align: 'right' as const,
      cell: (r: HeadlineRow) => ourChange(run, r, 'untuned', p),
    })),
    { header: 'how measured', cell: (r) => r.note },
  ];
  return renderTable(columns, rows);
}
