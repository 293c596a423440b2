import type { RunResults } from '../../lib/records/run.ts';
import { DASH, pct, times } from '../../lib/format.ts';
import { renderTable, type Column } from '../../lib/table.ts';
import { CLAIMS, type Claim } from './claims.ts';
import { measure, type Measurement } from './measure.ts';
import { describeNoiseBands, loadNoiseBands, noiseKindOf, type NoiseBands, type NoiseKind } from './noise-bands.ts';
import { VERDICT_RULE, verdictFor, type Verdict } from './verdict.ts';

/** A row's gains as percentages, or all as multipliers once any is large (×200 reads better than +19,900 %). */
function useTimes(r: LedgerRow): boolean {
  const m = 'unavailable' in r.measurement ? [] : [r.measurement.gain, r.measurement.high];
  return [...m, r.claim.claimedGain?.high ?? 0].some((g) => g >= 3);
}

function gainText(g: number, asTimes: boolean, digits = 1): string {
  return asTimes ? times(g) : pct(g - 1, digits);
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
  /** The verdict as printed: with the quick-run note when the run was quick. */
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
): LedgerRow[] {
  const quick = run.mode === 'quick';
  const row = (claim: Claim, measurement: Measurement, verdict: Verdict, band: LedgerRow['band']): LedgerRow => ({
    claim,
    measurement,
    verdict,
    band,
    indicative: quick,
    label: quick ? `${verdict} ${QUICK_NOTE}` : verdict,
  });
  return claims.map((claim) => {
    const kind = noiseKindOf(claim.source);
    const band = kind ? { kind, pct: bands.pct[kind] } : null;
    const measurement = measure(claim.source, run);
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
  const t = useTimes(r);
  return low === high ? gainText(low, t, 0) : `${gainText(low, t, 0)} to ${gainText(high, t, 0)}`;
}

function interval(r: LedgerRow): string {
  if ('unavailable' in r.measurement) return DASH;
  return `${gainText(r.measurement.low, useTimes(r))} … ${gainText(r.measurement.high, useTimes(r))}`;
}

const COLUMNS: Column<LedgerRow>[] = [
  { header: 'claim (guide)', cell: (r) => `${r.claim.text} (${r.claim.section})` },
  { header: 'claimed gain', align: 'right', cell: claimed },
  {
    header: 'measured gain',
    align: 'right',
    cell: (r) => ('unavailable' in r.measurement ? DASH : gainText(r.measurement.gain, useTimes(r))),
  },
  { header: 'interval (judged)', align: 'right', cell: interval },
  { header: 'noise band', align: 'right', cell: (r) => (r.band ? `±${r.band.pct} % ${r.band.kind}` : DASH) },
  {
    header: 'benchmark',
    cell: (r) => ('unavailable' in r.measurement ? DASH : `${r.measurement.benchmark}: ${r.measurement.detail}`),
  },
  {
    header: 'verdict',
    cell: (r) =>
      `**${r.verdict}**${r.indicative ? ` ${QUICK_NOTE}` : ''}${'unavailable' in r.measurement ? `: ${r.measurement.unavailable}` : ''}`,
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
    'Gains are "better by": +50 % (or ×1.5) means 1.5 times the throughput, or the latency or size divided by 1.5.',
    '',
    describeNoiseBands(bands),
    '',
    `**Verdict rule** (applied by code, \`reports/ledger/verdict.ts\`):`,
    '',
    VERDICT_RULE,
    '',
  ].join('\n');
}
