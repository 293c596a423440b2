import type { AbFile, AbMetric, AbSide } from '../lib/records/ab.ts';
import { DASH, num, share } from '../lib/format.ts';
import { PAIRED_METHOD, PAIRED_METHOD_TEXT } from '../stats/index.ts';
import { renderTable, type Column, type TableFormat } from '../lib/table.ts';
import {
  abHeadline,
  changeText as change,
  improvementsOf,
  regressionsOf,
  reviewerLine,
  smallRegressionsOf,
} from './ab-verdict.ts';

export { abHeadline };

const COLUMNS: Column<AbMetric>[] = [
  { header: 'metric', cell: (m) => m.name },
  {
    header: 'baseline',
    align: 'right',
    cell: (m) => (m.baselineMedian === null ? DASH : `${num(m.baselineMedian)} ${m.unit}`),
  },
  {
    header: 'candidate',
    align: 'right',
    cell: (m) => (m.candidateMedian === null ? DASH : `${num(m.candidateMedian)} ${m.unit}`),
  },
  { header: 'change', align: 'right', cell: (m) => change(m, m.median) },
  {
    header: 'interval',
    align: 'right',
    cell: (m) => (m.low === null ? DASH : `${change(m, m.low)} … ${change(m, m.high)}`),
  },
  { header: 'coverage', align: 'right', cell: (m) => (m.coverage === null ? DASH : share(m.coverage)) },
  { header: 'pairs', align: 'right', cell: (m) => String(m.paired.length) },
  {
    header: 'rounds',
    align: 'right',
    cell: (m) => (m.rounds === undefined || m.method === 'exact' ? DASH : String(m.rounds)),
  },
  {
    header: 'threshold',
    align: 'right',
    cell: (m) => (m.scale === 'ratio' ? `±${m.threshold} %` : `±${m.threshold} pt`),
  },
  {
    header: 'verdict',
    cell: (m) =>
      m.verdict === 'failed'
        ? `FAILED: ${m.reason ?? ''}`
        : m.verdict === 'small regression'
          ? `small regression (within ${m.threshold}${m.scale === 'ratio' ? ' %' : ' pt'}: not failed)`
          : m.verdict === 'not enough rounds' || m.verdict === 'cannot be judged'
            ? `${m.verdict === 'cannot be judged' ? 'cannot be judged: ' : ''}${m.reason ?? m.verdict}`
            : m.verdict,
  },
];

/** A short label for one side: branch@sha (dirty), or the directory. */
export function sideLabel(s: AbSide): string {
  const where = s.gitSha
    ? `${s.branch && s.branch !== 'HEAD' ? `${s.branch}@` : ''}${s.gitSha}${s.dirty ? '+dirty' : ''}`
    : s.dir;
  const extra = [
    s.configFile ? `config ${s.configFile}` : null,
    s.injectDelayMs ? `inject ${s.injectDelayMs} ms` : null,
    s.injectWork ? `inject ${s.injectWork} loop iterations per counted op` : null,
  ]
    .filter(Boolean)
    .join(', ');
  return extra ? `${where} (${extra})` : where;
}

const METHOD_TEXT: Record<NonNullable<AbMetric['method']>, string> = {
  [PAIRED_METHOD]: PAIRED_METHOD_TEXT,
  exact: 'exact counter: one count per side, the ratio is the change, no interval',
  'cluster-bootstrap': 'two-stage bootstrap over rounds, then pairs (schema 2)',
  'cluster-sign-test': 'sign test on the round medians (schema 2)',
};

/**
 * How the intervals were made, from the records: each method with the confidence asked and
 * the coverage computed for the rounds each metric had (never a typed figure).
 */
export function abMethodText(metrics: readonly AbMetric[]): string {
  const parts: string[] = [];
  for (const method of [...new Set(metrics.flatMap((m) => (m.method ? [m.method] : [])))]) {
    const ms = metrics.filter((m) => m.method === method);
    if (method === 'exact') {
      parts.push(`${METHOD_TEXT[method]} (${ms.length} metric(s))`);
      continue;
    }
    const asked = [...new Set(ms.flatMap((m) => (typeof m.confidence === 'number' ? [share(m.confidence)] : [])))];
    const byRounds = new Map<string, number>();
    for (const m of ms) {
      if (m.coverage === null) continue;
      const k = `${share(m.coverage)} with ${m.rounds ?? '?'} rounds`;
      byRounds.set(k, (byRounds.get(k) ?? 0) + 1);
    }
    const coverage = [...byRounds.entries()].map(([k, n]) => `${k} (${n} metric(s))`).join(', ');
    const none = ms.filter((m) => m.verdict === 'not enough rounds').length;
    const family = [...new Set(ms.flatMap((m) => (m.familySize ? [m.familySize] : [])))];
    parts.push(
      `${METHOD_TEXT[method]} [${method}]` +
        (asked.length ? `, asked at ${asked.join(', ')}` : '') +
        (family.length
          ? ` (gating metrics: Bonferroni over ${family.join(', ')} metric(s) that can reject, so that all of them ` +
            `together claim a regression that is not there at most 5 % of the time)`
          : '') +
        (coverage ? `; coverage computed for the rounds at hand: ${coverage}` : '') +
        (none ? `; ${none} metric(s) with too few rounds for an interval: no verdict` : ''),
    );
  }
  return parts.length ? `Interval: ${parts.join('. ')}.` : 'Interval: none (no metric measured).';
}

/**
 * AB.md: the verdict first, then problems, regressions, improvements, and every metric in a
 * collapsed section, with how the pairs were made. Pure.
 */
export function renderAbMarkdown(ab: AbFile, format: TableFormat = 'markdown', chart?: string): string {
  const b = ab.sides.baseline;
  const c = ab.sides.candidate;
  const lines = [
    `**A/B: ${abHeadline(ab)}**`,
    '',
    reviewerLine(ab),
    '',
    ...(chart ? [`![paired changes, + is better](${chart})`, ''] : []),
    `baseline ${sideLabel(b)} vs candidate ${sideLabel(c)} · ${ab.mode} · ${ab.roundsDone}/${ab.roundsPlanned} rounds · ` +
      `profiles ${ab.config.profiles.join(', ')} · scale ${ab.config.scale} · ${ab.config.load.connections} connections` +
      (ab.wallS === null ? '' : ` · ${Math.round(ab.wallS)} s`),
    '',
  ];
  if (ab.problems.length) lines.push('### Problems', '', ...ab.problems.map((p) => `- ${p}`), '');
  if (ab.notCompared.length)
    lines.push(
      "### Not compared (a profile only one side's config has: no pair)",
      '',
      ...ab.notCompared.map((p) => `- ${p}`),
      '',
    );
  if (ab.notMeasured.length)
    lines.push('### Asked for and not measured (exit 2)', '', ...ab.notMeasured.map((p) => `- ${p}`), '');
  const failedOrRegressed = [...ab.metrics.filter((m) => m.verdict === 'failed'), ...regressionsOf(ab)];
  if (failedOrRegressed.length)
    lines.push('### Regressions and failures', '', renderTable(COLUMNS, failedOrRegressed, format));
  const unjudged = ab.metrics.filter((m) => m.gating && m.verdict === 'not enough rounds');
  if (unjudged.length) lines.push('### Not enough rounds for a verdict', '', renderTable(COLUMNS, unjudged, format));
  const unsliced = ab.metrics.filter((m) => m.gating && m.verdict === 'cannot be judged');
  if (unsliced.length)
    lines.push(
      '### Cannot be judged (not measured: the gate says nothing about these)',
      '',
      renderTable(COLUMNS, unsliced, format),
    );
  const small = smallRegressionsOf(ab);
  if (small.length)
    lines.push(
      '### Small regressions (real, within the threshold: shown, not failed)',
      '',
      renderTable(COLUMNS, small, format),
    );
  const improved = improvementsOf(ab);
  if (improved.length) lines.push('### Improvements', '', renderTable(COLUMNS, improved, format));
  const shown = ab.metrics.filter((m) => !m.gating && m.verdict !== 'no significant change' && m.verdict !== 'failed');
  if (shown.length) lines.push('### Shown, not gating (microbenchmarks)', '', renderTable(COLUMNS, shown, format));
  const notes = ab.metrics.filter((m) => m.note);
  if (notes.length) lines.push('### Notes', '', ...notes.map((m) => `- ${m.name}: ${m.note}`), '');
  lines.push(
    '<details><summary>Every metric</summary>',
    '',
    renderTable(COLUMNS, ab.metrics, format),
    '</details>',
    '',
    `Method: every round starts fresh servers for both sides at once, then runs each arm in a random order: one ` +
      `generator alternates the load between the sides in short slices (A B B A …, one side under load at a time), ` +
      `and two neighbouring slices make a pair; microbenchmarks alternate A B / B A by round and are shown, not gated. ` +
      `change = median over the rounds of each round's median paired candidate/baseline ratio (error share: ` +
      `difference in points); a pair whose side answered nothing is left out, never read as no change. ` +
      `A slice with no response is stalled: in a round with a stalled slice, rps is the candidate's answered ` +
      `work over the baseline's, and a side that answered nothing in a whole block fails. ` +
      `A gating metric regresses (and fails the gate) when its whole interval lies on the worse side of no change ` +
      `and its estimate is worse than the threshold; the line says "beyond" the threshold only when the interval's ` +
      `near end is too. A "small regression" is real but within the threshold: shown, not failed. The ` +
      `gating intervals are one family (Bonferroni), so identical sides fail at most 5 % of runs; a pass states ` +
      `the largest regression its intervals leave open. With fewer rounds than the confidence needs a metric has ` +
      `no interval and no verdict. rps counts 2xx responses only.`,
    '',
    abMethodText(ab.metrics),
    '',
  );
  return lines.join('\n');
}
