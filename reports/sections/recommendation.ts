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
  | 'paid off'
  | 'trade-off'
  | 'no difference'
  | 'not shown'
  | 'cost something'
  | 'not measured'
  | 'unstable in quick runs';

/** One measured effect of a setting, on what it was measured (reads, writes, an operation). */
export interface Effect {
  scope: string;
  outcome: Outcome;
  /** The measured interval of the gain, as text (+ is better, e.g. "+12 % … +31 %"), when there is one. */
  evidence: string | null;
}

export interface SettingOutcome {
  setting: string;
  /** The net advice, weighing every measured effect (one bucket per setting). */
  outcome: Outcome;
  /** The first effect's interval (the ledger claim's), as text. */
  evidence: string | null;
  effects: Effect[];
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

/** What a ledger claim on an ablation was measured on. */
function scopeOf(source: { ops: 'read' | 'write' | 'any'; opMatch?: string | undefined }): string {
  if (source.opMatch) return source.opMatch.replace(/^\^\(?|\)?\$$/g, '').replaceAll('|', ', ');
  return source.ops === 'read' ? 'reads' : source.ops === 'write' ? 'writes' : 'all operations';
}

/**
 * Each measured write of the ablation whose whole interval lies beyond the no-effect band
 * (a fraction), either way, as the setting's gain (arm over base, turned the setting's way):
 * WAL on a write, indexes on a batch insert. Pure.
 */
export function writeEffects(run: RunResults, band: number): { pragma: string; effect: Effect }[] {
  const out: { pragma: string; effect: Effect }[] = [];
  for (const r of run.ablation) {
    if (r.status !== 'ok' || opKind(r.op) !== 'write') continue;
    const [low, high] =
      r.direction === 'enable-on-untuned'
        ? [1 + r.spread.low, 1 + r.spread.high]
        : [1 / (1 + r.spread.high), 1 / (1 + r.spread.low)];
    const outcome: Outcome | null = low > 1 + band ? 'paid off' : high < 1 / (1 + band) ? 'cost something' : null;
    if (!outcome) continue;
    const how = r.direction === 'enable-on-untuned' ? 'added to untuned' : 'removed from tuned';
    out.push({
      pragma: r.pragma,
      effect: {
        scope: `${r.op}, ${how}`,
        outcome,
        // A removal is shown as the setting's gain (+ is better) and, as the ablation table has
        // it, the change without the setting.
        evidence:
          `${pct(low - 1, 0)} … ${pct(high - 1, 0)}` +
          (r.direction === 'enable-on-untuned'
            ? ''
            : ` (the ablation table: ${pct(r.spread.low, 0)} … ${pct(r.spread.high, 0)} without it)`),
      },
    });
  }
  return out;
}

/** The net advice from a setting's effects: one bucket, whatever it did elsewhere. */
export function netOutcome(effects: readonly Effect[]): Outcome {
  const has = (o: Outcome) => effects.some((e) => e.outcome === o);
  if (has('paid off') && has('cost something')) return 'trade-off';
  if (has('paid off')) return 'paid off';
  if (has('cost something')) return 'cost something';
  if (has('unstable in quick runs')) return 'unstable in quick runs';
  if (effects.length > 0 && effects.every((e) => e.outcome === 'no difference')) return 'no difference';
  if (has('not shown') || has('no difference')) return 'not shown';
  return 'not measured';
}

/**
 * Each of the guide's settings with what it did in this run: its ledger claims' verdicts
 * (each named by what it was measured on), plus, given the run, its measured effects on the
 * ablation's writes where no claim of it covers writes; one net outcome per setting. Pure.
 */
export function settingOutcomes(rows: readonly LedgerRow[], run?: RunResults, benchBand = 0): SettingOutcome[] {
  const by = new Map<string, { effects: Effect[]; writesClaimed: boolean }>();
  const entry = (pragma: string) => {
    const e = by.get(pragma) ?? { effects: [], writesClaimed: false };
    by.set(pragma, e);
    return e;
  };
  for (const r of rows) {
    const src = r.claim.source;
    if (src.kind !== 'ablation') continue;
    const e = entry(src.pragma);
    if (src.ops !== 'read') e.writesClaimed = true;
    e.effects.push({
      scope: scopeOf(src),
      outcome: outcomeOf(r),
      evidence:
        'unavailable' in r.measurement ? null : `${pct(r.measurement.low - 1, 0)} … ${pct(r.measurement.high - 1, 0)}`,
    });
  }
  if (run)
    for (const w of writeEffects(run, benchBand))
      if (!by.get(w.pragma)?.writesClaimed) entry(w.pragma).effects.push(w.effect);
  return [...by.entries()].map(([pragma, { effects }]) => ({
    setting: PRAGMA_NAMES[pragma] ?? pragma,
    outcome: netOutcome(effects),
    evidence: effects[0]?.evidence ?? null,
    effects,
  }));
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

const effectText = (e: Effect) =>
  `${e.scope}: ${e.outcome === 'paid off' ? 'gain' : e.outcome === 'cost something' ? 'loss' : e.outcome}` +
  (e.evidence ? ` ${e.evidence}` : '');

/** "journal_mode=WAL (reads: not shown −2 % … +6 %; insert-autocommit, added to untuned: gain +472 % … +480 %)". */
const list = (xs: SettingOutcome[]) =>
  xs.map((x) => `${x.setting} (${x.effects.map(effectText).join('; ')})`).join('; ') || 'none';

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
  const s = settingOutcomes(rows, run, bandsPct.bench / 100);
  const by = (o: Outcome) => s.filter((x) => x.outcome === o);
  out.push(
    'Each setting once, by what all its measured effects add up to; each effect says what it was measured on; ' +
      '+ is faster (throughput, or the inverse of a time).',
    '',
    `- **Paid off here:** ${list(by('paid off'))}.`,
    `- **Made no difference here** (every interval inside the noise band): ${list(by('no difference'))}.`,
    `- **Not shown either way here** (an interval reaches into no effect and past the band): ${list(by('not shown'))}.`,
    `- **Cost something here:** ${list(by('cost something'))}.`,
  );
  if (by('trade-off').length)
    out.push(`- **A trade-off here** (a gain on some operations, a loss on others): ${list(by('trade-off'))}.`);
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
  out.push(
    '',
    'Each line above is read from the claims ledger (section 2), the headline table (section 1) and, for ' +
      'the effects on single writes, the PRAGMA ablation table (section 3, microbenchmarks).',
    '',
  );
  return out.join('\n');
}
