import type { RunResults } from '../../lib/records/run.ts';
import { DASH, pct, times } from '../../lib/format.ts';

/** A row's gains as percentages, or all as multipliers once any is large (×200 reads better than +19,900 %). */
function useTimes(r: LedgerRow): boolean {
  const m = 'unavailable' in r.measurement ? [] : [r.measurement.gain, r.measurement.high];
  return [...m, r.claim.claimedGain?.high ?? 0].some((g) => g >= 3);
}

function gainText(g: number, asTimes: boolean, digits = 1): string {
  return asTimes ? times(g) : pct(g - 1, digits);
}
import { renderTable, type Column } from '../../lib/table.ts';
import { CLAIMS, type Claim } from './claims.ts';
import { measure, type Measurement } from './measure.ts';
import { VERDICT_RULE, verdictFor, type Verdict } from './verdict.ts';

export interface LedgerRow {
  claim: Claim;
  measurement: Measurement;
  verdict: Verdict;
}

/** Every claim, measured from one run and judged by the rule. Pure. */
export function buildLedger(run: RunResults, claims: readonly Claim[] = CLAIMS): LedgerRow[] {
  const noise = run.config.thresholds.ledgerNoisePct / 100;
  return claims.map((claim) => {
    const measurement = measure(claim.source, run);
    const measured = 'unavailable' in measurement ? null : measurement;
    const verdict = verdictFor(measured, claim.claimedGain, noise);
    // A lower bound settles only "larger than claimed" (rule 5).
    if (measured?.lowerBound && verdict !== 'larger than claimed')
      return { claim, measurement: { unavailable: measured.lowerBound }, verdict: 'not measurable here' as const };
    return { claim, measurement, verdict };
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
  { header: 'interval', align: 'right', cell: interval },
  {
    header: 'benchmark',
    cell: (r) => ('unavailable' in r.measurement ? DASH : `${r.measurement.benchmark}: ${r.measurement.detail}`),
  },
  {
    header: 'verdict',
    cell: (r) => `**${r.verdict}**${'unavailable' in r.measurement ? `: ${r.measurement.unavailable}` : ''}`,
  },
];

/** The ledger as Markdown: the table, then the rule that produced every verdict. */
export function renderLedger(run: RunResults, rows: LedgerRow[] = buildLedger(run)): string {
  return [
    renderTable(COLUMNS, rows),
    'Gains are "better by": +50 % (or ×1.5) means 1.5 times the throughput, or the latency or size divided by 1.5.',
    '',
    `**Verdict rule** (applied by code, \`reports/ledger/verdict.ts\`):`,
    '',
    VERDICT_RULE(run.config.thresholds.ledgerNoisePct),
    '',
  ].join('\n');
}
