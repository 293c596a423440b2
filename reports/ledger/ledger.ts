import type { RunResults } from '../../lib/records/run.ts';
import { DASH, pct, times } from '../../lib/format.ts';
import { renderTable, type Column } from '../../lib/table.ts';
import { CLAIMS, type Claim } from './claims.ts';
import { measure, type Measurement } from './measure.ts';
import { powerlossVerdict } from './measure-powerloss.ts';
import { describeNoiseBands, loadNoiseBands, noiseKindOf, type NoiseBands, type NoiseKind } from './noise-bands.ts';
import { VERDICT_RULE, verdictFor, type Verdict } from './verdict.ts';
import { loadQuickStability, NO_QUICK_STABILITY, UNSTABLE_IN_QUICK, type QuickStability } from './quick-stability.ts';

/** A row's gains as percentages, or all as multipliers once any is large (×200 reads better than +19,900 %). */
function useTimes(r: LedgerRow): boolean {
  const m = 'unavailable' in r.measurement ? [] : [r.measurement.gain, r.measurement.high];
  return [...m, r.claim.claimedGain?.high ?? 0].some((g) => g >= 3);
}

function gainText(g: number, asTimes: boolean, digits = 1): string {
  return asTimes ? times(g) : pct(g - 1, digits);
}

/** A size claim reads as the headline does, a change of size (−29 %), not as a gain (+40.6 %). */
const isSize = (r: LedgerRow) => r.claim.source.kind === 'vacuum';

/** A gain as printed in row r: a size change for size claims, else "better by". */
function shown(r: LedgerRow, g: number, digits = 1): string {
  if (g === Number.POSITIVE_INFINITY) return isSize(r) ? '−100 %' : 'unbounded';
  return isSize(r) ? pct(1 / g - 1, digits) : gainText(g, useTimes(r), digits);
}

/** Said after every verdict of a quick run. */
export const QUICK_NOTE = '(quick: indicative)';

export interface LedgerRow {
  claim: Claim;
  measurement: Measurement;
  verdict: Verdict;
  /** The noise band that judged the row (percent) and its kind; null for a claim with nothing to judge. */
  band: { kind: NoiseKind; pct: number } | null;
  /** From a quick run: the verdict is indicative only. */
  indicative: boolean;
  /**
   * A quick run's row that the ledger's own A/A found unstable in quick runs: why (its verdict
   * stays in `verdict` for the JSON, but is not printed); null otherwise and in every full run.
   */
  unstableInQuick: string | null;
  /** The verdict as printed: with the quick-run note when the run was quick; 'unstable in quick runs' for such a row. */
  label: string;
}

/**
 * Every claim, measured from one run and judged by the rule on its interval. Pure once the
 * bands are given; by default they come from the stored calibration file when present.
 */
export function buildLedger(
  run: RunResults,
  claims: readonly Claim[] = CLAIMS,
  bands: NoiseBands = loadNoiseBands(run.config.thresholds.ledgerNoisePct),
  stability: QuickStability = run.mode === 'quick' ? loadQuickStability() : NO_QUICK_STABILITY,
): LedgerRow[] {
  const quick = run.mode === 'quick';
  const row = (claim: Claim, measurement: Measurement, verdict: Verdict, band: LedgerRow['band']): LedgerRow => {
    const unstableInQuick = quick ? (stability.unstable.get(claim.id) ?? null) : null;
    return {
      claim,
      measurement,
      verdict,
      band,
      indicative: quick,
      unstableInQuick,
      label: unstableInQuick ? UNSTABLE_IN_QUICK : quick ? `${verdict} ${QUICK_NOTE}` : verdict,
    };
  };
  return claims.map((claim) => {
    const kind = noiseKindOf(claim.source);
    const band = kind ? { kind, pct: bands.pct[kind] } : null;
    const measurement = measure(claim.source, run);
    // Rule 6: power loss is judged from the crash images, not from a gain.
    if (claim.source.kind === 'powerloss') return row(claim, measurement, powerlossVerdict(run), band);
    const measured = 'unavailable' in measurement ? null : measurement;
    const verdict = verdictFor(measured, claim.claimedGain, (band?.pct ?? 0) / 100);
    // A lower bound settles only "larger than claimed" (rule 5).
    if (measured?.lowerBound && verdict !== 'larger than claimed')
      return row(claim, { unavailable: measured.lowerBound }, 'not measurable here', band);
    return row(claim, measurement, verdict, band);
  });
}

function claimed(r: LedgerRow): string {
  if (!r.claim.claimedGain) return 'faster';
  const { low, high } = r.claim.claimedGain;
  return low === high ? shown(r, low, 0) : `${shown(r, low, 0)} to ${shown(r, high, 0)}`;
}

function interval(r: LedgerRow): string {
  if ('unavailable' in r.measurement) return DASH;
  // A size change runs the other way: the larger gain is the larger shrink.
  const [a, b] = isSize(r) ? [r.measurement.high, r.measurement.low] : [r.measurement.low, r.measurement.high];
  return `${shown(r, a)} … ${shown(r, b)}`;
}

const COLUMNS: Column<LedgerRow>[] = [
  { header: 'claim (guide)', cell: (r) => `${r.claim.text} (${r.claim.section})` },
  { header: 'claimed gain', align: 'right', cell: claimed },
  {
    header: 'measured gain',
    align: 'right',
    // A lower bound reads as one: "≥ ×44.4", not a point estimate.
    cell: (r) =>
      'unavailable' in r.measurement ? DASH : `${r.measurement.lowerBound ? '≥ ' : ''}${shown(r, r.measurement.gain)}`,
  },
  { header: 'interval (judged)', align: 'right', cell: interval },
  { header: 'noise band', align: 'right', cell: (r) => (r.band ? `±${r.band.pct} % ${r.band.kind}` : DASH) },
  {
    // The long text of each benchmark is listed under the table (measuredBy), by row number.
    header: 'measured by',
    cell: (r) => ('unavailable' in r.measurement ? DASH : `note ${r.claim.id}`),
  },
  {
    header: 'verdict',
    cell: (r) =>
      r.unstableInQuick
        ? `**${UNSTABLE_IN_QUICK}**: ${r.unstableInQuick}; a full run measures${'unavailable' in r.measurement ? `. Not measured in this run: ${r.measurement.unavailable}` : ''}`
        : `**${r.verdict}**${r.indicative ? ` ${QUICK_NOTE}` : ''}${'unavailable' in r.measurement ? `: ${r.measurement.unavailable}` : ''}`,
  },
];

/** The ledger as Markdown: the quick-run warning, the table, the bands used, then the rule that produced every verdict. */
export function renderLedger(
  run: RunResults,
  bands: NoiseBands = loadNoiseBands(run.config.thresholds.ledgerNoisePct),
  rows: LedgerRow[] = buildLedger(run, CLAIMS, bands),
): string {
  return [
    ...(run.mode === 'quick'
      ? [
          `**Quick run: every verdict below is indicative only** ${QUICK_NOTE}: short trials on a small database; a full run measures.`,
          '',
        ]
      : []),
    renderTable(COLUMNS, rows),
    '<details><summary>What each row measured: the benchmark and its figures</summary>',
    '',
    ...rows.flatMap((r) =>
      'unavailable' in r.measurement
        ? []
        : [`- **note ${r.claim.id}**: ${r.measurement.benchmark}: ${r.measurement.detail}`],
    ),
    '',
    '</details>',
    '',
    'Gains are "better by": +50 % (or ×1.5) means 1.5 times the throughput, or the latency divided by 1.5. The VACUUM row is a change of file size, as in the headline (−35 % = 35 % smaller).',
    '',
    // The bands and the rule behind every verdict, collapsed: the table is what a reader needs first.
    '<details><summary>How each verdict is made: the noise bands and the rule</summary>',
    '',
    describeNoiseBands(bands),
    '',
    `**Verdict rule** (applied by code, \`reports/ledger/verdict.ts\`):`,
    '',
    VERDICT_RULE,
    '',
    '</details>',
    '',
  ].join('\n');
}
