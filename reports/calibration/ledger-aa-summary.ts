/**
 * The ledger's own A/A, as pure functions: repeated `run --quick` of one commit, each run's
 * ledger recomputed with the current code, summarised per claim row. How often does the
 * verdict agree with the most common one, does it swing across "no effect", and how often
 * does a run's interval contain the median of all runs' estimates (against the interval's
 * stated coverage, minus binomial sampling slack). The script is `ledger-aa.ts`; the file it
 * writes (`reports/calibration/ledger/summary.json`) is what a quick run's ledger reads
 * (reports/ledger/quick-stability.ts).
 */
import type { RunResults } from '../../lib/records/run.ts';
import { median } from '../../stats/index.ts';
import type { LedgerRow } from '../ledger/ledger.ts';
import { headlineScenario } from '../ledger/measure.ts';
import { runPairedGain, type PairedMetric, type PairedOutcome } from '../ledger/measure-paired.ts';
import type { PairedPurpose } from '../../lib/records/paired.ts';
import { VERDICTS, type Verdict } from '../ledger/verdict.ts';
import { UNSTABLE_IN_QUICK } from '../ledger/quick-stability.ts';

/**
 * A row is stable when at least this share of runs gives the most common verdict (and it never
 * swings): at most one run in ten may disagree. At 0.8, the stored runs had triples of
 * back-to-back runs in which two rows changed verdict (the pool at 8 of 10).
 */
export const STABLE_AGREEMENT = 0.9;
/** The issue's minimum: fewer stored runs and the summary says so. */
export const MIN_RUNS = 10;
/** One-sided level of the binomial slack on containment: fewer containing runs than the floor would happen less often than this. */
export const CONTAINMENT_ALPHA = 0.05;

/** Verdicts of a real gain, and of a real loss: a row holding one of each swung across "no effect". */
const GAIN_VERDICTS: ReadonlySet<Verdict> = new Set(['confirmed', 'larger than claimed', 'smaller than claimed']);
const LOSS_VERDICTS: ReadonlySet<Verdict> = new Set(['contradicted']);

/** One stored run, its ledger recomputed, and each row's stated coverage (claim id -> coverage or null). */
export interface AaRun {
  name: string;
  gitSha: string | null;
  startedAt: string;
  mode: RunResults['mode'];
  wallS: number | null;
  rows: readonly LedgerRow[];
  coverage?: Readonly<Record<string, StatedCoverage>>;
}

export interface StatedCoverage {
  coverage: number | null;
  /** Where the figure came from, or why there is none. */
  source: string;
}

/** One run's view of one row, kept in the summary so every figure can be checked by hand. */
export interface AaObservation {
  run: string;
  verdict: Verdict;
  gain: number | null;
  low: number | null;
  high: number | null;
  coverage: number | null;
}

export interface AaRowSummary {
  id: string;
  claim: string;
  /** Runs whose ledger has this row. */
  n: number;
  modalVerdict: Verdict;
  /** Runs whose verdict is the modal one, and their share of n. */
  agreeing: number;
  agreement: number;
  verdicts: Partial<Record<Verdict, number>>;
  /** Runs with an interval (the rest were not measurable). */
  measured: number;
  /** Median of the measured runs' point estimates; null when none was measured. */
  medianGain: number | null;
  /** Measured runs whose [low, high] contains medianGain, and their share of measured. */
  containing: number | null;
  containment: number | null;
  /** The interval's stated coverage (the lowest over the runs), null where it has none. */
  statedCoverage: number | null;
  coverageSource: string;
  /** Fewest containing runs consistent with statedCoverage (binomial, one-sided CONTAINMENT_ALPHA). */
  containmentFloor: number | null;
  /** containing ≥ containmentFloor; null without a stated coverage. */
  containmentOk: boolean | null;
  /** A gain verdict (confirmed, larger, smaller) and a loss verdict (contradicted) both occurred. */
  swing: boolean;
  /** agreement ≥ STABLE_AGREEMENT and no swing. */
  stable: boolean;
  perRun: AaObservation[];
}

export interface LedgerAaSummary {
  generatedBy: string;
  method: {
    stableAgreement: number;
    minRuns: number;
    containmentAlpha: number;
    stable: string;
    containment: string;
  };
  /** Quick runs summarised. */
  runs: number;
  enoughRuns: boolean;
  /** Distinct git SHAs of the runs (environment.gitSha); one expected. */
  commits: string[];
  oneCommit: boolean;
  perRun: { name: string; gitSha: string | null; startedAt: string; wallS: number | null }[];
  medianWallS: number | null;
  /** Runs found but not summarised, and why (a full run, an unreadable file). */
  skipped: { name: string; reason: string }[];
  stableRows: number;
  unstableRows: string[];
  rows: AaRowSummary[];
}

/** The most common verdict and how many share it; ties go to the verdict listed first in VERDICTS. */
export function modalVerdict(verdicts: readonly Verdict[]): { verdict: Verdict; count: number } {
  if (verdicts.length === 0) throw new Error('modalVerdict: no verdicts');
  const counts = countVerdicts(verdicts);
  let best: { verdict: Verdict; count: number } | null = null;
  for (const v of VERDICTS) {
    const c = counts[v] ?? 0;
    if (c > 0 && (!best || c > best.count)) best = { verdict: v, count: c };
  }
  return best!;
}

export function countVerdicts(verdicts: readonly Verdict[]): Partial<Record<Verdict, number>> {
  const out: Partial<Record<Verdict, number>> = {};
  for (const v of verdicts) out[v] = (out[v] ?? 0) + 1;
  return out;
}

/** Whether the verdicts cross "no effect": a real gain in one run, a real loss in another. */
export function swingsAcrossNoEffect(verdicts: readonly Verdict[]): boolean {
  return verdicts.some((v) => GAIN_VERDICTS.has(v)) && verdicts.some((v) => LOSS_VERDICTS.has(v));
}

/** P(X ≤ k) for X ~ Binomial(n, p). */
export function binomialCdf(k: number, n: number, p: number): number {
  let sum = 0;
  let coef = 1; // C(n, i)
  for (let i = 0; i <= Math.min(k, n); i++) {
    if (i > 0) coef = (coef * (n - i + 1)) / i;
    sum += coef * p ** i * (1 - p) ** (n - i);
  }
  return Math.min(1, sum);
}

/**
 * The fewest of n intervals of stated coverage c that may contain the value before that is
 * surprising at one-sided level alpha: the smallest k with P(X ≤ k) ≥ alpha, X ~ Binomial(n, c).
 */
export function containmentFloor(n: number, coverage: number, alpha = CONTAINMENT_ALPHA): number {
  for (let k = 0; k <= n; k++) if (binomialCdf(k, n, coverage) >= alpha) return k;
  return n;
}

const contains = (o: AaObservation, x: number) => o.low !== null && o.high !== null && o.low <= x && x <= o.high;

/** One row over every run that has it. Pure. */
export function summarizeRow(
  id: string,
  claim: string,
  observations: readonly AaObservation[],
  coverageSources: readonly string[] = [],
): AaRowSummary {
  const verdicts = observations.map((o) => o.verdict);
  const mode = modalVerdict(verdicts);
  const measured = observations.filter((o) => o.gain !== null && o.low !== null && o.high !== null);
  const medianGain = measured.length ? median(measured.map((o) => o.gain!)) : null;
  const containing = medianGain === null ? null : measured.filter((o) => contains(o, medianGain)).length;
  const covs = measured.map((o) => o.coverage);
  const statedCoverage = measured.length && covs.every((c): c is number => c !== null) ? Math.min(...covs) : null;
  const floor = statedCoverage === null ? null : containmentFloor(measured.length, statedCoverage);
  const swing = swingsAcrossNoEffect(verdicts);
  const agreement = mode.count / observations.length;
  const sources = [...new Set(coverageSources)];
  return {
    id,
    claim,
    n: observations.length,
    modalVerdict: mode.verdict,
    agreeing: mode.count,
    agreement,
    verdicts: countVerdicts(verdicts),
    measured: measured.length,
    medianGain,
    containing,
    containment: containing === null ? null : containing / measured.length,
    statedCoverage,
    coverageSource: sources.join('; ') || (measured.length ? 'none' : 'none: no run measured the row'),
    containmentFloor: floor,
    containmentOk: floor === null || containing === null ? null : containing >= floor,
    swing,
    stable: agreement >= STABLE_AGREEMENT && !swing,
    perRun: [...observations],
  };
}

function observe(run: AaRun, row: LedgerRow): AaObservation {
  const m = 'unavailable' in row.measurement ? null : row.measurement;
  return {
    run: run.name,
    verdict: row.verdict,
    gain: m?.gain ?? null,
    low: m?.low ?? null,
    high: m?.high ?? null,
    coverage: run.coverage?.[row.claim.id]?.coverage ?? null,
  };
}

/** Every row of every quick run, summarised; full runs are listed as skipped. Pure. */
export function summarizeLedgerAa(
  runs: readonly AaRun[],
  skipped: readonly { name: string; reason: string }[] = [],
): LedgerAaSummary {
  const quick = runs.filter((r) => r.mode === 'quick');
  const notQuick = runs
    .filter((r) => r.mode !== 'quick')
    .map((r) => ({ name: r.name, reason: `a ${r.mode} run: the A/A is of quick runs` }));
  const ids: string[] = [];
  const claims = new Map<string, string>();
  const byId = new Map<string, AaObservation[]>();
  const sources = new Map<string, string[]>();
  for (const run of quick)
    for (const row of run.rows) {
      const id = row.claim.id;
      if (!byId.has(id)) {
        ids.push(id);
        claims.set(id, row.claim.text);
        byId.set(id, []);
        sources.set(id, []);
      }
      byId.get(id)!.push(observe(run, row));
      const src = run.coverage?.[id]?.source;
      if (src && !('unavailable' in row.measurement)) sources.get(id)!.push(src);
    }
  const rows = ids.map((id) => summarizeRow(id, claims.get(id)!, byId.get(id)!, sources.get(id)!));
  const commits = [...new Set(quick.map((r) => r.gitSha ?? 'unknown'))];
  const walls = quick.map((r) => r.wallS).filter((w): w is number => w !== null);
  return {
    generatedBy: 'npx tsx reports/calibration/ledger-aa.ts --write',
    method: {
      stableAgreement: STABLE_AGREEMENT,
      minRuns: MIN_RUNS,
      containmentAlpha: CONTAINMENT_ALPHA,
      stable: `agreement (runs whose verdict equals the most common one, over runs) ≥ ${STABLE_AGREEMENT} and no swing across "no effect" (a gain verdict in one run, contradicted in another)`,
      containment: `runs whose interval contains the median of all runs' point estimates; expected at least the stated coverage minus binomial slack (floor: the smallest k with P(X ≤ k) ≥ ${CONTAINMENT_ALPHA}, X ~ Binomial(measured runs, coverage))`,
    },
    runs: quick.length,
    enoughRuns: quick.length >= MIN_RUNS,
    commits,
    oneCommit: commits.length === 1,
    perRun: quick.map((r) => ({ name: r.name, gitSha: r.gitSha, startedAt: r.startedAt, wallS: r.wallS })),
    medianWallS: walls.length ? median(walls) : null,
    skipped: [...skipped, ...notQuick],
    stableRows: rows.filter((r) => r.stable).length,
    unstableRows: rows.filter((r) => !r.stable).map((r) => r.id),
    rows,
  };
}

const PAIRED_SOURCE: Partial<
  Record<
    LedgerRow['claim']['source']['kind'],
    (run: RunResults, row: LedgerRow) => { purpose: PairedPurpose; scenario: string; metric: PairedMetric }
  >
> = {
  load: (run, row) => {
    const s = row.claim.source as Extract<LedgerRow['claim']['source'], { kind: 'load' }>;
    return { purpose: 'tuned-vs-untuned', scenario: headlineScenario(run, s.scenario), metric: s.metric };
  },
  pool: (run) => ({ purpose: 'pool', scenario: run.config.concurrency.readScenario, metric: 'rps' }),
  'reads-while-writing': (run) => ({
    purpose: 'wal-under-writes',
    scenario: run.config.concurrency.mixScenario,
    metric: 'readRps',
  }),
};

const same = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b));

/**
 * The stated coverage of a row's interval, from the run's own records where they carry it:
 * the paired comparison behind a load/pool/WAL row (checked to give the row's very interval),
 * the one ablation record behind a single-op ablation row; else the "coverage N %" its
 * benchmark text states (rounded); else none (a median of several ops' bounds, the index
 * sweep's margins of error, exact sizes and capacity brackets state no coverage). Pure.
 */
export function statedCoverage(row: LedgerRow, run: RunResults): StatedCoverage {
  const m = row.measurement;
  if ('unavailable' in m) return { coverage: null, source: 'none: not measured in this run' };
  const own = (m as { coverage?: unknown }).coverage;
  if (typeof own === 'number') return { coverage: own, source: 'the measurement' };
  const src = row.claim.source;
  const paired = PAIRED_SOURCE[src.kind];
  if (paired) {
    const { purpose, scenario, metric } = paired(run, row);
    const g: PairedOutcome = runPairedGain(run, purpose, scenario, metric);
    if (!('unavailable' in g) && same(g.gain, m.gain) && same(g.low, m.low) && same(g.high, m.high))
      return { coverage: g.coverage, source: `paired record (${purpose} on '${scenario}', ${metric})` };
  }
  if (src.kind === 'ablation') {
    const ops = m.detail.split(', ').map((d) => d.split(' ')[0]!);
    const direction = m.benchmark.includes(' vs untuned)') ? 'enable-on-untuned' : 'disable-on-tuned';
    const recs = run.ablation.filter(
      (r) => r.pragma === src.pragma && r.status === 'ok' && r.direction === direction && ops.includes(r.op),
    );
    if (ops.length > 1)
      return { coverage: null, source: `none: the median of ${ops.length} ops' interval bounds states no coverage` };
    if (recs.length === 1 && recs[0]!.coverage !== undefined)
      return { coverage: recs[0]!.coverage, source: 'ablation record (sign-test interval of the rounds)' };
  }
  const text = /coverage (\d+(?:\.\d+)?) %/.exec(`${m.benchmark} ${m.detail}`);
  if (text) return { coverage: Number(text[1]) / 100, source: 'the benchmark text (rounded to 0.1 %)' };
  return { coverage: null, source: `none: no stated coverage for this ${src.kind} interval` };
}

/** Every row's stated coverage in one run, by claim id. Pure. */
export function coverageByRow(rows: readonly LedgerRow[], run: RunResults): Record<string, StatedCoverage> {
  return Object.fromEntries(rows.map((r) => [r.claim.id, statedCoverage(r, run)]));
}

/** JSON with non-finite numbers (an unbounded interval end) written as strings, not lost as null. */
export function summaryJson(summary: LedgerAaSummary): string {
  return `${JSON.stringify(summary, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}

const fmt = (x: number | null, digits = 3) =>
  x === null ? '–' : Number.isFinite(x) ? `×${x.toFixed(digits)}` : x > 0 ? 'unbounded' : String(x);
const share = (x: number | null) => (x === null ? '–' : `${Math.round(x * 1000) / 10} %`);

/** SUMMARY.md: the runs, then one line per row. Every figure from the summary. */
export function renderLedgerAaMarkdown(s: LedgerAaSummary): string {
  const warn: string[] = [];
  if (!s.enoughRuns) warn.push(`> **Only ${s.runs} quick runs** (the A/A needs ${s.method.minRuns}).`);
  if (!s.oneCommit)
    warn.push(`> **Runs of ${s.commits.length} commits** (${s.commits.join(', ')}): the A/A needs one.`);
  const lines = [
    "# The ledger's own A/A: repeated `run --quick` of one commit",
    '',
    `Generated by \`${s.generatedBy}\` from \`reports/calibration/ledger/runs/*/results.json\`; every run's ledger recomputed with the current code. Do not edit.`,
    '',
    ...(warn.length ? [...warn, ''] : []),
    `- runs: ${s.runs}; commit${s.commits.length === 1 ? '' : 's'}: ${s.commits.join(', ') || '–'}`,
    `- wall time per run: median ${s.medianWallS === null ? '–' : `${Math.round(s.medianWallS)} s`} (${s.perRun.map((r) => (r.wallS === null ? '–' : Math.round(r.wallS))).join(', ')} s)`,
    `- stable rows: ${s.stableRows} of ${s.rows.length}; unstable in quick runs: ${s.unstableRows.join(', ') || 'none'}`,
    ...(s.skipped.length ? [`- skipped: ${s.skipped.map((k) => `${k.name} (${k.reason})`).join('; ')}`] : []),
    '',
    `Stable: ${s.method.stable}. Containment: ${s.method.containment}.`,
    '',
    '| claim | n | most common verdict | agreement | verdicts | median estimate | intervals containing it | stated coverage | floor | swing | stable |',
    '|---|---|---|---|---|---|---|---|---|---|---|',
    ...s.rows.map((r) =>
      [
        '',
        r.id,
        r.n,
        r.modalVerdict,
        `${r.agreeing} of ${r.n} (${share(r.agreement)})`,
        Object.entries(r.verdicts)
          .map(([v, c]) => `${v} ${c}`)
          .join(', '),
        fmt(r.medianGain),
        r.containing === null ? '–' : `${r.containing} of ${r.measured} (${share(r.containment)})`,
        r.statedCoverage === null ? `– (${r.coverageSource})` : `${share(r.statedCoverage)} (${r.coverageSource})`,
        r.containmentFloor === null ? '–' : `${r.containmentFloor}${r.containmentOk ? '' : ' **missed**'}`,
        r.swing ? '**yes**' : 'no',
        r.stable ? 'yes' : `**no: ${UNSTABLE_IN_QUICK}**`,
        '',
      ]
        .join(' | ')
        .trim(),
    ),
    '',
    '## Per run',
    '',
    '| run | commit | started | wall |',
    '|---|---|---|---|',
    ...s.perRun.map(
      (r) =>
        `| ${r.name} | ${r.gitSha ?? '–'} | ${r.startedAt} | ${r.wallS === null ? '–' : `${Math.round(r.wallS)} s`} |`,
    ),
    '',
  ];
  return lines.join('\n');
}
