import type { RunResults } from '../../lib/records/run.ts';
import { pct } from '../../lib/format.ts';
import { runPairedGain, type PairedGain, type PairedOutcome } from '../ledger/measure-paired.ts';
import type { LedgerRow } from '../ledger/ledger.ts';
import { opKind } from '../ledger/measure.ts';

/** The guide's settings by ablation arm name, as the recommendation names them. */
const PRAGMA_NAMES: Readonly<Record<string, string>> = {
  wal: 'journal_mode=WAL',
  normal: 'synchronous=NORMAL',
  cache: 'cache_size 64 MB',
  mmap: 'mmap_size 256 MB',
  temp_store: 'temp_store=MEMORY',
  indexes: 'the five indexes',
};

export type Outcome =
  'paid off' | 'no difference' | 'not shown' | 'cost something' | 'not measured' | 'unstable in quick runs';

export interface SettingOutcome {
  setting: string;
  outcome: Outcome;
  /** The measured interval of the gain, as text (e.g. "+12 % … +31 %"), when there is one. */
  evidence: string | null;
}

/** A ledger verdict read as "did this setting pay off here". */
export function outcomeOf(row: LedgerRow): Outcome {
  // The ledger's own A/A: this row's verdict does not hold from one quick run to the next.
  if (row.unstableInQuick) return 'unstable in quick runs';
  switch (row.verdict) {
    case 'confirmed':
    case 'larger than claimed':
    case 'smaller than claimed':
      return 'paid off';
    case 'not confirmed': {
      // "No difference" only when the whole interval lies inside the band; an interval like
      // +3 … +8 % against ±2 % is an effect this run could not show, not a zero.
      if ('unavailable' in row.measurement || !row.band) return 'not shown';
      const b = row.band.pct / 100;
      const { low, high } = row.measurement;
      return low >= 1 / (1 + b) && high <= 1 + b ? 'no difference' : 'not shown';
    }
    case 'contradicted':
      return 'cost something';
    default:
      return 'not measured';
  }
}

/** Each of the guide's settings with what it did in this run, from the ledger's verdicts. Pure. */
export function settingOutcomes(rows: readonly LedgerRow[]): SettingOutcome[] {
  return rows
    .flatMap((r) => (r.claim.source.kind === 'ablation' ? [{ r, pragma: r.claim.source.pragma }] : []))
    .map(({ r, pragma }) => ({
      setting: PRAGMA_NAMES[pragma] ?? pragma,
      outcome: outcomeOf(r),
      evidence:
        'unavailable' in r.measurement ? null : `${pct(r.measurement.low - 1, 0)} … ${pct(r.measurement.high - 1, 0)}`,
    }));
}

/**
 * What a setting cost on a write, per operation, from the ablation: the setting's gain on
 * that op (arm over base, turned the setting's way) with its whole interval below the
 * no-effect band (a fraction). E.g. indexes slow a 100-row batch insert. Pure.
 */
export function writeCosts(run: RunResults, band: number): SettingOutcome[] {
  const out: SettingOutcome[] = [];
  for (const r of run.ablation) {
    if (r.status !== 'ok' || opKind(r.op) !== 'write') continue;
    const [low, high] =
      r.direction === 'enable-on-untuned'
        ? [1 + r.spread.low, 1 + r.spread.high]
        : [1 / (1 + r.spread.high), 1 / (1 + r.spread.low)];
    if (high < 1 / (1 + band)) {
      const how = r.direction === 'enable-on-untuned' ? 'added to untuned' : 'removed from tuned';
      out.push({
        setting: `${PRAGMA_NAMES[r.pragma] ?? r.pragma} on ${r.op}, ${how}`,
        outcome: 'cost something',
        evidence: `${pct(low - 1, 0)} … ${pct(high - 1, 0)}`,
      });
    }
  }
  return out;
}

export interface ProfileVerdict {
  /** consensus against tuned on the guide's mix, paired: throughput and p95 as gains (> 1: consensus better). */
  rps: PairedOutcome;
  p95: PairedOutcome;
  /**
   * From the intervals against the HTTP noise band: a side is better only where a whole
   * interval lies beyond the band; "on par" only when every interval lies inside it;
   * otherwise the difference is not shown either way.
   */
  verdict:
    'consensus beats tuned' | 'tuned beats consensus' | 'on par' | 'mixed' | 'no difference shown' | 'not measured';
  scenario: string;
}

/** consensus vs tuned from the paired stage, judged on the intervals against the HTTP noise band (a fraction). Pure. */
export function consensusVsTuned(run: RunResults, band: number): ProfileVerdict {
  const scenario = run.config.headline.p95Scenario;
  const rps = runPairedGain(run, 'consensus-vs-tuned', scenario, 'rps');
  const p95 = runPairedGain(run, 'consensus-vs-tuned', scenario, 'p95');
  const judged = [rps, p95].filter((g): g is PairedGain => !('unavailable' in g));
  if (judged.length === 0) return { rps, p95, verdict: 'not measured', scenario };
  const better = judged.filter((g) => g.low > 1 + band).length;
  const worse = judged.filter((g) => g.high < 1 / (1 + band)).length;
  const inside = judged.filter((g) => g.low >= 1 / (1 + band) && g.high <= 1 + band).length;
  const verdict =
    better > 0 && worse > 0
      ? 'mixed'
      : better > 0
        ? 'consensus beats tuned'
        : worse > 0
          ? 'tuned beats consensus'
          : inside === judged.length
            ? 'on par'
            : 'no difference shown';
  return { rps, p95, verdict, scenario };
}

/** A paired gain as "+4 % [−2 %, +9 %]" (+ is better) with its metric, or why there is none. */
export function gainText(what: string, g: PairedOutcome): string {
  if ('unavailable' in g) return `${what}: no interval (${g.unavailable.replace(/^.*?: /, '')})`;
  return `${what} ${pct(g.gain - 1, 0)} [${pct(g.low - 1, 0)}, ${pct(g.high - 1, 0)}]`;
}

const list = (xs: SettingOutcome[]) =>
  xs.map((x) => `${x.setting}${x.evidence ? ` (${x.evidence})` : ''}`).join('; ') || 'none';

/**
 * The report's first screen: what to do, computed from the ledger and the headline (never
 * typed). A quick run says first that its figures are indicative and how to measure.
 */
export function renderRecommendation(
  run: RunResults,
  rows: readonly LedgerRow[],
  bandsPct: { http: number; bench: number },
): string {
  const httpBandPct = bandsPct.http;
  const out: string[] = ['## Recommendation (computed from this run)', ''];
  if (run.mode === 'quick') {
    out.push(
      `> **Quick run: indicative figures only** (${
        run.paired
          ? `${run.paired.roundsDone} paired rounds of ${run.paired.slicesPerSide} slices per side`
          : `${run.config.load.trials} short trials of ${run.config.load.durationS} s`
      }, ` + `a small database at scale ${run.config.scale}). For measured figures: \`npx loadlab run --full\`.`,
      '',
    );
  }
  const s = [...settingOutcomes(rows), ...writeCosts(run, bandsPct.bench / 100)];
  const by = (o: Outcome) => s.filter((x) => x.outcome === o);
  out.push(
    `- **Paid off here:** ${list(by('paid off'))}.`,
    `- **Made no difference here** (the whole interval inside the noise band): ${list(by('no difference'))}.`,
    `- **Not shown either way here** (the interval reaches into no effect and past the band): ${list(by('not shown'))}.`,
    `- **Cost something here:** ${list(by('cost something'))}.`,
  );
  if (by('not measured').length) out.push(`- **Not measured in this run:** ${list(by('not measured'))}.`);
  if (by('unstable in quick runs').length)
    out.push(
      `- **Unstable in quick runs** (the verdict changes between quick runs of the same code; a full run measures): ${list(by('unstable in quick runs'))}.`,
    );
  const cvt = consensusVsTuned(run, httpBandPct / 100);
  if (cvt.verdict !== 'not measured') {
    const cov = [cvt.rps, cvt.p95].find((g): g is PairedGain => !('unavailable' in g));
    out.push(
      `- **consensus vs tuned** ('${cvt.scenario}', paired): ${cvt.verdict} — consensus against tuned, + is better: ` +
        `${gainText('throughput', cvt.rps)}, ${gainText('p95 speed', cvt.p95)}` +
        `${cov ? ` (${Math.round(cov.coverage * 1000) / 10} % intervals)` : ''}; band ±${httpBandPct} %.`,
    );
  }
  out.push('', 'Each line above is read from the claims ledger (section 2) and the headline table (section 1).', '');
  return out.join('\n');
}
