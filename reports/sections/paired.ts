import type { PairedComparison } from '../../lib/records/paired.ts';
import type { RunResults } from '../../lib/records/run.ts';
import { DASH, ms, num } from '../../lib/format.ts';
import { renderTable, type Column } from '../../lib/table.ts';
import { median } from '../../stats/index.ts';
import { pairedGain, type PairedMetric, type PairedOutcome } from '../ledger/measure-paired.ts';

const side = (c: PairedComparison, s: 'baseline' | 'candidate') =>
  `${c[s].profile}${c[s].topology === 'single' ? '' : ` ${c[s].topology}`}`;

interface Row {
  c: PairedComparison;
  metric: PairedMetric;
  /** Judged once per row; every column reads it. */
  g: PairedOutcome;
}

const METRIC_TEXT: Record<PairedMetric, string> = {
  rps: 'throughput (2xx/s)',
  p95: 'p95',
  readRps: 'reads/s while writes run',
  readP95: 'read p95 while writes run',
};

const sign = (x: number) => `${x >= 1 ? '+' : '−'}${Math.abs((x - 1) * 100).toFixed(1)} %`;

/**
 * Every paired comparison of the run with its gain (+ is better: more throughput, shorter
 * p95), the interval and its computed coverage, the absolute medians of each side's slices,
 * and the slices that did not pair. Pure.
 */
export function renderPairedSection(run: RunResults): string {
  const p = run.paired;
  if (!p)
    return '_No paired stage in this run: comparisons below are sequential trials without an interval of known coverage._\n';
  const rows: Row[] = p.comparisons.flatMap((c) =>
    (c.purpose === 'wal-under-writes' ? (['readRps', 'readP95', 'rps'] as const) : (['rps', 'p95'] as const)).map(
      (metric) => ({ c, metric, g: pairedGain(c, metric, p.confidence) }),
    ),
  );
  const fmt = (metric: PairedMetric, v: number) => (metric === 'rps' || metric === 'readRps' ? num(v) : ms(v));
  const columns: Column<Row>[] = [
    { header: 'comparison', cell: (r) => `${side(r.c, 'candidate')} vs ${side(r.c, 'baseline')}` },
    { header: 'scenario', cell: (r) => r.c.scenario },
    { header: 'metric', cell: (r) => METRIC_TEXT[r.metric] },
    {
      header: 'baseline → candidate (median slice)',
      align: 'right',
      cell: (r) => {
        const g = r.g;
        return 'unavailable' in g ? DASH : `${fmt(r.metric, g.baselineMedian)} → ${fmt(r.metric, g.candidateMedian)}`;
      },
    },
    {
      header: 'gain (+ better) [interval]',
      align: 'right',
      cell: (r) => {
        const g = r.g;
        return 'unavailable' in g
          ? `no interval: ${g.unavailable.replace(/^.*?: /, '')}`
          : `${sign(g.gain)} [${sign(g.low)}, ${sign(g.high)}]`;
      },
    },
    {
      header: 'coverage',
      align: 'right',
      cell: (r) => {
        const g = r.g;
        return 'unavailable' in g ? DASH : `${(g.coverage * 100).toFixed(1)} %`;
      },
    },
    {
      header: 'rounds · pairs · unpaired slices',
      align: 'right',
      cell: (r) => {
        const g = r.g;
        return 'unavailable' in g ? DASH : `${g.rounds} · ${g.pairs} · ${g.unpaired.baseline + g.unpaired.candidate}`;
      },
    },
  ];
  return [
    `Both servers of a comparison run at once and the load alternates between them in slices of ${p.slice.settleS + p.slice.measureS} s ` +
      `(${p.slice.measureS} s measured), A B B A, ${p.slicesPerSide} per side per round; every round starts fresh servers on fresh copies ` +
      `of the seeded databases. A pair is two neighbouring slices; a round's value is the median of its pair ratios; the interval is the ` +
      `sign-test interval of the ${p.roundsDone} round medians (of ${p.roundsPlanned} planned), at ${Math.round(p.confidence * 100)} % asked, its coverage computed for the rounds at hand. ` +
      `A slice in which nothing was answered never pairs.`,
    '',
    renderTable(columns, rows),
  ].join('\n');
}

/**
 * The drift monitor: the `ceiling` scenario (GET /health, no SQLite) cannot differ between
 * profiles, so any spread of its sequential medians across profiles is the machine drifting
 * under the sequential figures. null when the run has no ceiling arm on two profiles.
 */
export function driftMonitor(
  run: RunResults,
  bandPct: number,
): { spreadPct: number; drifting: boolean; text: string } | null {
  const medians = run.load
    .filter(
      (r) => r.scenario === 'ceiling' && r.engine === 'autocannon' && r.topology === 'single' && r.status === 'ok',
    )
    .flatMap((r) => {
      const rps = r.trials.filter((t) => t.status !== 'failed').map((t) => t.rps);
      return rps.length ? [{ profile: r.profile, rps: median(rps) }] : [];
    });
  if (medians.length < 2) return null;
  const all = medians.map((m) => m.rps);
  const spreadPct = (Math.max(...all) / Math.min(...all) - 1) * 100;
  const drifting = spreadPct > bandPct;
  const each = medians.map((m) => `${m.profile} ${num(m.rps)} rps`).join(', ');
  return {
    spreadPct,
    drifting,
    text:
      `**Drift monitor** ('ceiling': GET /health, no SQLite, identical under every profile): ${each}; spread ${spreadPct.toFixed(1)} % ` +
      (drifting
        ? `beyond the HTTP band (±${bandPct} %): **this run was drifting**. The sequential figures of the load stage moved with the machine; the verdicts come from the paired stage, where both sides share every moment.`
        : `within the HTTP band (±${bandPct} %).`),
  };
}
