import type { Comparison, ComparedMetric } from '../gate/judge.ts';
import { num, pct } from '../lib/format.ts';
import { renderTable, type Column, type TableFormat } from '../lib/table.ts';

const ICON: Record<ComparedMetric['verdict'], string> = {
  improved: '✅ improved',
  regressed: '❌ regressed',
  'no significant change': 'no significant change',
};

const columns = (format: TableFormat): Column<ComparedMetric>[] => [
  { header: 'metric', cell: (m) => m.name },
  { header: 'better', cell: (m) => (m.direction === 'higher' ? 'higher' : 'lower') },
  { header: 'baseline', align: 'right', cell: (m) => `${num(m.baseline)} ${m.unit}` },
  { header: 'candidate', align: 'right', cell: (m) => `${num(m.candidate)} ${m.unit}` },
  { header: 'change', align: 'right', cell: (m) => pct(m.change) },
  {
    header: 'interval',
    align: 'right',
    cell: (m) => (m.method === 'none' ? '–' : `${pct(m.interval.low)} … ${pct(m.interval.high)}`),
  },
  { header: 'verdict', cell: (m) => (format === 'markdown' ? ICON[m.verdict] : m.verdict) },
  { header: 'threshold', align: 'right', cell: (m) => `±${num(m.thresholdPct)} %` },
  { header: 'gates', cell: (m) => (m.gating ? 'yes' : 'no') },
];

/** One line a human reads first. */
export function compareSummaryLine(c: Comparison): string {
  if (c.metrics.length === 0) return 'no metric present in both files: nothing compared';
  if (c.regressions > 0)
    return `${c.regressions} of ${c.metrics.length} metrics regressed beyond ±${c.thresholdPct} % (significant)`;
  if (c.informationalRegressions > 0)
    return `no gating regression; ${c.informationalRegressions} informational metric(s) changed for the worse beyond their threshold`;
  if (c.improvements > 0)
    return `no regression; ${c.improvements} of ${c.metrics.length} metrics improved beyond ±${c.thresholdPct} %`;
  return `no significant change in ${c.metrics.length} metrics (threshold ±${c.thresholdPct} %)`;
}

/** The comparison as Markdown (job summary, PR comment) or aligned text (terminal). Pure. */
export function renderComparison(
  c: Comparison,
  opts: { format?: TableFormat; baselineLabel?: string; candidateLabel?: string } = {},
): string {
  const format = opts.format ?? 'markdown';
  const ordered = [...c.metrics].sort((a, b) => rank(a) - rank(b));
  const lines: string[] = [];
  if (format === 'markdown') lines.push('## loadlab compare', '');
  if (opts.baselineLabel && opts.candidateLabel)
    lines.push(`baseline: ${opts.baselineLabel}  candidate: ${opts.candidateLabel}`, '');
  lines.push(format === 'markdown' ? `**${compareSummaryLine(c)}**` : compareSummaryLine(c), '');
  lines.push(renderTable(columns(format), ordered, format));
  lines.push(
    `Rule: a metric is regressed (or improved) only when its change is beyond its threshold (±${c.thresholdPct} %; ×1.5 for p95, ×2 for p99) in the worse (better) direction AND ` +
      'its whole interval is on that side of "no change". Interval: bootstrap 95 % of the ratio of trial medians (3+ trials), ' +
      "else the range of trial ratios; tinybench: the means' margins of error; single numbers: none. " +
      'Only rps and p95 with repeated trials gate (exit 1); p50, p99, microbenchmarks (a margin of error within one run) and capacity (one number) are informational.',
  );
  if (c.onlyInBaseline.length) lines.push('', `Only in baseline (not compared): ${c.onlyInBaseline.join(', ')}`);
  if (c.onlyInCandidate.length) lines.push('', `Only in candidate (not compared): ${c.onlyInCandidate.join(', ')}`);
  return lines.join('\n') + '\n';
}

function rank(m: ComparedMetric): number {
  return m.verdict === 'regressed' ? 0 : m.verdict === 'improved' ? 1 : 2;
}
