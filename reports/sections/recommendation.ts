import type { RunResults } from '../../lib/records/run.ts';
import { pct } from '../../lib/format.ts';
import { safeRatio } from '../../stats/index.ts';
import { headlineRows } from '../headline.ts';
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

export type Outcome = 'paid off' | 'no difference' | 'cost something' | 'not measured';

export interface SettingOutcome {
  setting: string;
  outcome: Outcome;
  /** The measured interval of the gain, as text (e.g. "+12 % … +31 %"), when there is one. */
  evidence: string | null;
}

/** A ledger verdict read as "did this setting pay off here". */
export function outcomeOf(row: LedgerRow): Outcome {
  switch (row.verdict) {
    case 'confirmed':
    case 'larger than claimed':
    case 'smaller than claimed':
      return 'paid off';
    case 'not confirmed':
      return 'no difference';
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
  /** consensus against tuned on read rps, write rps and p95, each as a ratio (> 1 better), or null. */
  read: number | null;
  write: number | null;
  p95: number | null;
  /** Beyond the noise band on every measured metric, either way; else "on par". */
  verdict: 'consensus beats tuned' | 'tuned beats consensus' | 'on par' | 'mixed' | 'not measured';
}

/** consensus vs tuned from the headline medians, judged against the HTTP noise band (a fraction). Pure. */
export function consensusVsTuned(run: RunResults, band: number): ProfileVerdict {
  const rows = Object.fromEntries(headlineRows(run).map((r) => [r.id, r.values]));
  const gain = (id: string, lowerIsBetter = false): number | null => {
    const t = rows[id]?.tuned?.value ?? null;
    const c = rows[id]?.consensus?.value ?? null;
    if (t === null || c === null || t <= 0 || c <= 0) return null;
    return lowerIsBetter ? safeRatio(t, c) : safeRatio(c, t);
  };
  const read = gain('read');
  const write = gain('write');
  const p95 = gain('p95', true);
  const gains = [read, write, p95].filter((g): g is number => g !== null);
  if (gains.length === 0) return { read, write, p95, verdict: 'not measured' };
  const better = gains.filter((g) => g > 1 + band).length;
  const worse = gains.filter((g) => g < 1 / (1 + band)).length;
  const verdict =
    better > 0 && worse > 0
      ? 'mixed'
      : better > 0
        ? 'consensus beats tuned'
        : worse > 0
          ? 'tuned beats consensus'
          : 'on par';
  return { read, write, p95, verdict };
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
      `> **Quick run: indicative figures only** (${run.config.load.trials} short trials of ${run.config.load.durationS} s, ` +
        `a small database at scale ${run.config.scale}). For measured figures: \`npx loadlab run --full\`.`,
      '',
    );
  }
  const s = [...settingOutcomes(rows), ...writeCosts(run, bandsPct.bench / 100)];
  const by = (o: Outcome) => s.filter((x) => x.outcome === o);
  out.push(
    `- **Paid off here:** ${list(by('paid off'))}.`,
    `- **Made no difference here** (inside the noise): ${list(by('no difference'))}.`,
    `- **Cost something here:** ${list(by('cost something'))}.`,
  );
  if (by('not measured').length) out.push(`- **Not measured in this run:** ${list(by('not measured'))}.`);
  const cvt = consensusVsTuned(run, httpBandPct / 100);
  if (cvt.verdict !== 'not measured') {
    const parts = [
      cvt.read === null ? null : `read rps ${pct(cvt.read - 1, 0)}`,
      cvt.write === null ? null : `write rps ${pct(cvt.write - 1, 0)}`,
      cvt.p95 === null ? null : `p95 ${pct(cvt.p95 - 1, 0)} better`,
    ].filter(Boolean);
    out.push(
      `- **consensus vs tuned:** ${cvt.verdict} (consensus against tuned: ${parts.join(', ')}; ` +
        `band ±${httpBandPct} %).`,
    );
  }
  out.push('', 'Each line above is read from the claims ledger (section 2) and the headline table (section 1).', '');
  return out.join('\n');
}
