import { COMPARE_METHOD_TEXT, type Comparison, type ComparedMetric } from '../gate/judge.ts';
import { describeMismatches, type Mismatch } from '../gate/context.ts';
import { DASH, num, pct, share } from '../lib/format.ts';
import { renderTable, type Column, type TableFormat } from '../lib/table.ts';

const ICON: Record<ComparedMetric['verdict'], string> = {
  improved: '✅ improved',
  regressed: '❌ regressed',
  'no significant change': 'no significant change',
};

/** A change in percent, or in percentage points for a share ('+1.20 pt'). */
function changeText(m: ComparedMetric, change = m.change): string {
  if (m.method !== 'points') return pct(change);
  return `${change > 0 ? '+' : change < 0 ? '−' : '±'}${Math.abs(change).toFixed(2)} pt`;
}

const thresholdText = (m: ComparedMetric) =>
  m.method === 'points' ? `+${num(m.thresholdPct)} pt` : `±${num(m.thresholdPct)} %`;

const intervalText = (m: ComparedMetric) =>
  m.method === 'none' || m.method === 'points' ? '–' : `${pct(m.interval.low)} … ${pct(m.interval.high)}`;

const columns = (format: TableFormat): Column<ComparedMetric>[] => [
  { header: 'metric', cell: (m) => m.name },
  { header: 'better', cell: (m) => (m.direction === 'higher' ? 'higher' : 'lower') },
  { header: 'baseline', align: 'right', cell: (m) => `${num(m.baseline)} ${m.unit}` },
  { header: 'candidate', align: 'right', cell: (m) => `${num(m.candidate)} ${m.unit}` },
  { header: 'change', align: 'right', cell: (m) => changeText(m) },
  { header: 'interval', align: 'right', cell: intervalText },
  { header: 'coverage', align: 'right', cell: (m) => (m.coverage === null ? DASH : share(m.coverage)) },
  { header: 'verdict', cell: (m) => (format === 'markdown' ? ICON[m.verdict] : m.verdict) },
  { header: 'threshold', align: 'right', cell: thresholdText },
  { header: 'gates', cell: (m) => (m.gating ? 'yes' : 'no') },
];

/** One line a human reads first. */
export function compareSummaryLine(c: Comparison): string {
  const unjudged = c.unjudged.filter((u) => u.gating).length;
  const tail = unjudged ? `; ${unjudged} gating metric(s) cannot be judged` : '';
  return summaryOfJudged(c) + tail;
}

function summaryOfJudged(c: Comparison): string {
  if (c.metrics.length === 0 && c.uncompared.length === 0) return 'no metric judged in both files: nothing compared';
  if (c.regressions > 0) {
    const failedOrMissing = c.uncompared.filter((u) => u.verdict === 'regressed').length;
    const measured = c.regressions - failedOrMissing;
    const parts: string[] = [];
    if (failedOrMissing > 0) parts.push(`${failedOrMissing} gating metric(s) failed or missing in the candidate`);
    if (measured > 0)
      parts.push(
        `${measured} of ${c.metrics.length} metrics regressed beyond ±${c.thresholdPct} % (error share: +${c.errorsThresholdPts} points)`,
      );
    return parts.join('; ');
  }
  if (c.informationalRegressions > 0)
    return `no gating regression; ${c.informationalRegressions} informational metric(s) changed for the worse beyond their threshold`;
  if (c.improvements > 0)
    return `no regression; ${c.improvements} of ${c.metrics.length} metrics improved beyond ±${c.thresholdPct} %`;
  return `no significant change in ${c.metrics.length} metrics (threshold ±${c.thresholdPct} %)`;
}

/**
 * What a reader must see before any table, one line each: the differences between the two
 * runs when they were compared anyway, then every gating regression with its reason (failed
 * and missing arms first). Pure.
 */
export function gateReasons(c: Comparison, mismatches: readonly Mismatch[] = []): string[] {
  const lines: string[] = [];
  if (mismatches.length)
    lines.push(`not comparable, compared anyway (--allow-mismatch): ${describeMismatches(mismatches)}`);
  for (const u of c.uncompared) if (u.verdict === 'regressed') lines.push(`regressed: ${u.name}: ${u.reason}`);
  for (const m of c.metrics) {
    if (m.verdict !== 'regressed' || !m.gating) continue;
    const interval = m.method === 'points' || m.method === 'none' ? '' : `, interval ${intervalText(m)}`;
    lines.push(
      `regressed: ${m.name}: ${changeText(m)} (${num(m.baseline)} → ${num(m.candidate)} ${m.unit}${interval}), beyond ${thresholdText(m)}`,
    );
  }
  for (const u of c.unjudged) if (u.gating) lines.push(`cannot be judged: ${u.name}: ${u.reason}`);
  return lines;
}

/**
 * How the intervals were made, from the records: each method in use, with the confidence
 * asked and the coverage computed for the sample sizes at hand (never a typed figure).
 */
export function compareMethodText(c: Comparison): string {
  const parts: string[] = [];
  const methods = [...new Set([...c.metrics.map((m) => m.method), ...c.unjudged.map((u) => u.method)])];
  for (const method of methods) {
    const ms = c.metrics.filter((m) => m.method === method);
    if (method !== 'mann-whitney') {
      parts.push(`${COMPARE_METHOD_TEXT[method]} (${ms.length} metric(s))`);
      continue;
    }
    const byN = new Map<string, number>();
    for (const m of ms) {
      const k = `${share(m.coverage)} with ${m.n?.baseline ?? '?'} and ${m.n?.candidate ?? '?'} samples`;
      byN.set(k, (byN.get(k) ?? 0) + 1);
    }
    const coverage = [...byN.entries()].map(([k, n]) => `${k} (${n} metric(s))`).join(', ');
    const none = c.unjudged.length;
    parts.push(
      `${COMPARE_METHOD_TEXT[method]} [${method}], asked at ${share(c.confidence)}` +
        (coverage ? `; coverage computed for the samples at hand: ${coverage}` : '') +
        (none ? `; ${none} metric(s) with too few samples for it: cannot be judged` : ''),
    );
  }
  return parts.length ? `Method: ${parts.join('. ')}.` : 'Method: no metric judged.';
}

/** The comparison as Markdown (job summary, PR comment) or aligned text (terminal). Pure. */
export function renderComparison(
  c: Comparison,
  opts: {
    format?: TableFormat;
    baselineLabel?: string;
    candidateLabel?: string;
    /** Differences between the runs, compared anyway (--allow-mismatch): shown at the top. */
    mismatches?: readonly Mismatch[];
  } = {},
): string {
  const format = opts.format ?? 'markdown';
  const ordered = [...c.metrics].sort((a, b) => rank(a) - rank(b));
  const lines: string[] = [];
  if (format === 'markdown') lines.push('## loadlab compare', '');
  const reasons = gateReasons(c, opts.mismatches);
  if (reasons.length) lines.push(...reasons.map((r) => (format === 'markdown' ? `- ${r}` : r)), '');
  if (opts.baselineLabel && opts.candidateLabel)
    lines.push(`baseline: ${opts.baselineLabel}  candidate: ${opts.candidateLabel}`, '');
  lines.push(format === 'markdown' ? `**${compareSummaryLine(c)}**` : compareSummaryLine(c), '');
  lines.push(renderTable(columns(format), ordered, format));
  lines.push(
    `Rule: a metric is regressed (or improved) only when its change is beyond its threshold (±${c.thresholdPct} %; ×1.5 for p95, ×2 for p99) in the worse (better) direction AND ` +
      'its whole interval is on that side of "no change"; a metric whose trials are too few for its interval cannot be judged (no verdict). ' +
      `The error share (connection errors, timeouts and non-2xx over all attempts; rps counts 2xx only) regresses when the candidate's is above 0 and more than ${c.errorsThresholdPts} percentage points above the baseline's. ` +
      'Gating (exit 1): rps and p95 with repeated trials, and the error share; a gating metric whose candidate arm failed (or failed its write audit) or that is missing from the candidate is a regression. ' +
      'p50, p99, microbenchmarks (a margin of error within one run) and capacity (one number) are informational.',
    '',
    compareMethodText(c),
  );
  const unjudgedShown = c.unjudged.filter((u) => !u.gating);
  if (unjudgedShown.length)
    lines.push('', `Cannot be judged (no verdict): ${unjudgedShown.map((u) => `${u.name}: ${u.reason}`).join('; ')}`);
  const shown = new Set(c.uncompared.map((u) => u.key));
  const informational = c.uncompared.filter((u) => u.verdict !== 'regressed');
  if (informational.length)
    lines.push('', `Not compared: ${informational.map((u) => `${u.name}: ${u.reason}`).join('; ')}`);
  const onlyInCandidate = c.onlyInCandidate.filter((k) => !shown.has(k));
  if (onlyInCandidate.length) lines.push('', `Only in candidate (not compared): ${onlyInCandidate.join(', ')}`);
  return lines.join('\n') + '\n';
}

function rank(m: ComparedMetric): number {
  return m.verdict === 'regressed' ? 0 : m.verdict === 'improved' ? 1 : 2;
}
