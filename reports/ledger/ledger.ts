import type { RunResults } from '../../lib/records/run.ts';
import { pct } from '../format.ts';
import { renderTable, type Column } from '../table.ts';
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
    return { claim, measurement, verdict: verdictFor(measured, claim.claimedGain, noise) };
  });
}

function claimed(c: Claim): string {
  if (!c.claimedGain) return 'faster';
  const { low, high } = c.claimedGain;
  return low === high ? pct(low - 1, 0) : `${pct(low - 1, 0)} to ${pct(high - 1, 0)}`;
}

const COLUMNS: Column<LedgerRow>[] = [
  { header: 'claim (guide)', cell: (r) => `${r.claim.text} (${r.claim.section})` },
  { header: 'claimed gain', align: 'right', cell: (r) => claimed(r.claim) },
  { header: 'measured gain', align: 'right', cell: (r) => ('unavailable' in r.measurement ? '–' : pct(r.measurement.gain - 1)) },
  { header: 'interval', align: 'right', cell: (r) => ('unavailable' in r.measurement ? '–' : `${pct(r.measurement.low - 1)} … ${pct(r.measurement.high - 1)}`) },
  { header: 'benchmark', cell: (r) => ('unavailable' in r.measurement ? '–' : `${r.measurement.benchmark}: ${r.measurement.detail}`) },
  { header: 'verdict', cell: (r) => `**${r.verdict}**${'unavailable' in r.measurement ? `: ${r.measurement.unavailable}` : ''}` },
];

/** The ledger as Markdown: the table, then the rule that produced every verdict. */
export function renderLedger(run: RunResults, rows: LedgerRow[] = buildLedger(run)): string {
  return [
    renderTable(COLUMNS, rows),
    'Gains are "better by": +50 % means 1.5x the throughput or 1/1.5 the latency or size. ',
    '',
    `**Verdict rule** (applied by code, \`reports/ledger/verdict.ts\`):`,
    '',
    VERDICT_RULE(run.config.thresholds.ledgerNoisePct),
    '',
  ].join('\n');
}
