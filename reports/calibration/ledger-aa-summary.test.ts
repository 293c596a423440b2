import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PairedRecord, PairedSlice } from '../../lib/records/paired.ts';
import type { RunResults } from '../../lib/records/run.ts';
import { ablation, fullRun, sampleRun } from '../../test-support/records.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { CLAIMS } from '../ledger/claims.ts';
import { buildLedger, type LedgerRow } from '../ledger/ledger.ts';
import { pairedGain } from '../ledger/measure-paired.ts';
import { uniformNoiseBands } from '../ledger/noise-bands.ts';
import {
  loadQuickStability,
  NO_QUICK_STABILITY,
  QuickStabilityFile,
  UNSTABLE_IN_QUICK,
} from '../ledger/quick-stability.ts';
import type { Verdict } from '../ledger/verdict.ts';
import { ledgerAaSummary } from './ledger-aa.ts';
import {
  binomialCdf,
  containmentFloor,
  renderLedgerAaMarkdown,
  statedCoverage,
  summarizeLedgerAa,
  summaryJson,
  swingsAcrossNoEffect,
  type AaRun,
} from './ledger-aa-summary.ts';

const bands = uniformNoiseBands(5, 'test');
const claim = (id: string) => CLAIMS.find((c) => c.id === id)!;

/** A hand-built ledger row: a verdict, and an interval [low, high] around a gain (or none). */
function row(id: string, verdict: Verdict, m?: [gain: number, low: number, high: number]): LedgerRow {
  return {
    claim: claim(id),
    measurement: m ? { gain: m[0], low: m[1], high: m[2], benchmark: 'test', detail: 'test' } : { unavailable: 'test' },
    verdict,
    band: null,
    indicative: true,
    unstableInQuick: null,
    label: verdict,
  };
}

function aaRun(name: string, rows: LedgerRow[], over: Partial<AaRun> = {}): AaRun {
  return { name, gitSha: 'abc1234', startedAt: '2026-01-02T03:04:05.000Z', mode: 'quick', wallS: 200, rows, ...over };
}

/** One run per verdict, all of claim `id`. */
const runsOf = (id: string, verdicts: Verdict[]) => verdicts.map((v, i) => aaRun(`q${i}`, [row(id, v)]));
const rep = <T>(x: T, n: number): T[] => Array.from({ length: n }, () => x);
const only = (runs: AaRun[]) => summarizeLedgerAa(runs).rows[0]!;

describe("the ledger's A/A: agreement, swing, stable", () => {
  it('takes the most common verdict and the share of runs that give it', () => {
    const r = only(
      runsOf('wal-reads', [
        ...rep<Verdict>('confirmed', 7),
        ...rep<Verdict>('not confirmed', 2),
        'larger than claimed',
      ]),
    );
    expect(r.n).toBe(10);
    expect(r.modalVerdict).toBe('confirmed');
    expect(r.agreeing).toBe(7);
    expect(r.agreement).toBeCloseTo(0.7, 12);
    expect(r.verdicts).toEqual({ confirmed: 7, 'not confirmed': 2, 'larger than claimed': 1 });
    expect(r.swing).toBe(false);
    expect(r.stable).toBe(false); // 0.7 < 0.9
  });

  it('is stable at 9 of 10 agreeing without a swing, unstable at 8 of 10', () => {
    const at = (k: number) =>
      only(runsOf('p95', [...rep<Verdict>('not confirmed', k), ...rep<Verdict>('confirmed', 10 - k)]));
    expect(at(9).stable).toBe(true);
    expect(at(8).agreement).toBeCloseTo(0.8, 12);
    expect(at(8).stable).toBe(false);
    expect(at(10).stable).toBe(true);
  });

  it('breaks a tie by the order of the verdicts and counts only the modal share as agreeing', () => {
    const r = only(runsOf('p95', [...rep<Verdict>('not confirmed', 5), ...rep<Verdict>('confirmed', 5)]));
    expect(r.modalVerdict).toBe('confirmed');
    expect(r.agreeing).toBe(5);
    expect(r.stable).toBe(false);
  });

  it('a swing across "no effect" (a gain in one run, contradicted in another) is unstable whatever the agreement', () => {
    expect(swingsAcrossNoEffect(['contradicted', 'confirmed'])).toBe(true);
    expect(swingsAcrossNoEffect(['larger than claimed', 'contradicted'])).toBe(true);
    expect(swingsAcrossNoEffect(['smaller than claimed', 'contradicted'])).toBe(true);
    expect(swingsAcrossNoEffect(['contradicted', 'not confirmed', 'not measurable here'])).toBe(false);
    expect(swingsAcrossNoEffect(['confirmed', 'larger than claimed', 'smaller than claimed', 'not confirmed'])).toBe(
      false,
    );
    const r = only(runsOf('mmap-reads', [...rep<Verdict>('contradicted', 9), 'smaller than claimed']));
    expect(r.agreement).toBeCloseTo(0.9, 12);
    expect(r.swing).toBe(true);
    expect(r.stable).toBe(false);
  });
});

describe("the ledger's A/A: containment of the median estimate", () => {
  /** Five measured runs (gains 1.0 … 1.4, median 1.2) and one not measured. */
  const runs = (cov: (i: number) => number | null, reach: number) =>
    [1.0, 1.1, 1.2, 1.3, 1.4, null].map((g, i) =>
      aaRun(
        `q${i}`,
        [
          g === null
            ? row('read-qps', 'not measurable here')
            : row('read-qps', 'not confirmed', [g, g - reach, g + reach]),
        ],
        {
          coverage: { 'read-qps': { coverage: g === null ? null : cov(i), source: 'test' } },
        },
      ),
    );

  it('takes the median over measured runs and counts the intervals that contain it', () => {
    // ±0.15: runs at 1.1, 1.2, 1.3 reach 1.2; 1.0 and 1.4 do not.
    const r = only(runs(() => 0.95, 0.15));
    expect(r.n).toBe(6);
    expect(r.measured).toBe(5);
    expect(r.medianGain).toBeCloseTo(1.2, 12);
    expect(r.containing).toBe(3);
    expect(r.containment).toBeCloseTo(0.6, 12);
    expect(r.statedCoverage).toBe(0.95);
    // Binomial(5, 0.95): P(X ≤ 3) = 0.0226 < 0.05 ≤ P(X ≤ 4) = 0.226.
    expect(r.containmentFloor).toBe(4);
    expect(r.containmentOk).toBe(false);
    const wide = only(runs(() => 0.95, 0.25)); // ±0.25: 1.0 + 0.25 and 1.4 − 0.25 reach 1.2 too
    expect(wide.containing).toBe(5);
    expect(wide.containmentOk).toBe(true);
  });

  it('states the lowest coverage of the runs, and none when any measured run has none', () => {
    expect(only(runs((i) => (i === 2 ? 0.969 : 0.99), 0.15)).statedCoverage).toBe(0.969);
    const r = only(runs((i) => (i === 2 ? null : 0.99), 0.15));
    expect(r.statedCoverage).toBeNull();
    expect(r.containmentFloor).toBeNull();
    expect(r.containmentOk).toBeNull();
    expect(r.containing).toBe(3); // containment is counted all the same
  });

  it('computes the binomial slack exactly', () => {
    const p9 = 10 * 0.031 * 0.969 ** 9;
    expect(binomialCdf(8, 10, 0.969)).toBeCloseTo(1 - 0.969 ** 10 - p9, 12);
    expect(binomialCdf(10, 10, 0.3)).toBeCloseTo(1, 12);
    expect(containmentFloor(10, 0.969)).toBe(9);
    expect(containmentFloor(10, 0.95)).toBe(8);
    expect(containmentFloor(10, 0.5)).toBe(2); // P(X ≤ 1) = 11/1024, P(X ≤ 2) = 56/1024
  });
});

describe("the ledger's A/A: runs, commits, wall times, the file", () => {
  const mixed = [
    aaRun('q1', [row('wal-reads', 'confirmed'), row('p95', 'not confirmed')], { wallS: 230 }),
    aaRun('q2', [row('wal-reads', 'contradicted'), row('p95', 'not confirmed')], { wallS: 200 }),
    aaRun('q3', [row('wal-reads', 'confirmed'), row('p95', 'not confirmed')], { wallS: 210, gitSha: 'def5678' }),
    aaRun('q4', [row('wal-reads', 'confirmed'), row('p95', 'not confirmed')], { wallS: null }),
    aaRun('f1', [row('wal-reads', 'contradicted'), row('p95', 'confirmed')], { mode: 'full', wallS: 900 }),
  ];

  it('summarises quick runs only, with their commits and the median wall time', () => {
    const s = summarizeLedgerAa(mixed, [{ name: 'x', reason: 'no results.json' }]);
    expect(s.runs).toBe(4);
    expect(s.enoughRuns).toBe(false);
    expect(s.commits).toEqual(['abc1234', 'def5678']);
    expect(s.oneCommit).toBe(false);
    expect(s.medianWallS).toBe(210);
    expect(s.perRun.map((r) => r.name)).toEqual(['q1', 'q2', 'q3', 'q4']);
    expect(s.skipped.map((k) => k.name)).toEqual(['x', 'f1']);
    expect(s.rows.map((r) => [r.id, r.n, r.stable])).toEqual([
      ['wal-reads', 4, false],
      ['p95', 4, true],
    ]);
    expect(s.unstableRows).toEqual(['wal-reads']);
    expect(s.stableRows).toBe(1);
    const md = renderLedgerAaMarkdown(s);
    expect(md).toContain('> **Only 4 quick runs**');
    expect(md).toContain('> **Runs of 2 commits**');
    expect(md).toMatch(
      /\| wal-reads \| 4 \| confirmed \| 3 of 4 \(75 %\) \|.*\| \*\*yes\*\* \| \*\*no: unstable in quick runs\*\* \|/,
    );
    expect(md).toContain('median 210 s');
  });

  it('writes a file the ledger reads: its unstable rows say so in a quick run', () => {
    const s = summarizeLedgerAa([
      ...mixed.slice(0, 4),
      aaRun('q5', [row('wal-reads', 'confirmed', [1.4, 1.3, Number.POSITIVE_INFINITY])]),
    ]);
    const json = summaryJson(s);
    expect(json).toContain('"Infinity"'); // an unbounded interval end survives as a string
    expect(QuickStabilityFile.safeParse(JSON.parse(json)).success).toBe(true);
    const { dir, cleanup } = tempDir('ledger-aa-');
    try {
      writeFileSync(join(dir, 'summary.json'), json);
      const stability = loadQuickStability(join(dir, 'summary.json'));
      expect([...stability.unstable.keys()]).toEqual(['wal-reads']);
      const rows = buildLedger(sampleRun(), CLAIMS, bands, stability);
      expect(rows.find((r) => r.claim.id === 'wal-reads')!.label).toBe(UNSTABLE_IN_QUICK);
      expect(rows.find((r) => r.claim.id === 'p95')!.label).not.toBe(UNSTABLE_IN_QUICK);
    } finally {
      cleanup();
    }
  });
});

describe('ledger-aa.ts on stored run directories', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('reads every runs/*/results.json, recomputes the ledger and lists what it skipped', () => {
    const t = tempDir('ledger-aa-runs-');
    cleanup = t.cleanup;
    const put = (name: string, run: RunResults | null) => {
      mkdirSync(join(t.dir, name));
      if (run) writeFileSync(join(t.dir, name, 'results.json'), JSON.stringify(run));
    };
    put('q01', sampleRun({ wallS: 180 }));
    put('q02', sampleRun({ wallS: 220 }));
    put('full', fullRun());
    put('empty', null);
    const s = ledgerAaSummary(t.dir);
    expect(s.runs).toBe(2);
    expect(s.medianWallS).toBe(200);
    expect(s.commits).toEqual(['abc1234def']);
    expect(s.rows.map((r) => r.id)).toEqual(CLAIMS.map((c) => c.id));
    expect(s.skipped).toEqual([
      { name: 'empty', reason: 'no results.json' },
      { name: 'full', reason: 'a full run: the A/A is of quick runs' },
    ]);
    // Two copies of one run agree on everything.
    expect(s.rows.every((r) => r.agreement === 1 && r.stable)).toBe(true);
  });
});

describe('stated coverage, from the run’s own records', () => {
  /** A paired tuned-vs-untuned comparison on a scenario: 6 rounds of 4 pairs, candidate ~×1.2. */
  function paired(scenario: string): PairedRecord {
    const slices: PairedSlice[] = [];
    for (let round = 0; round < 6; round++)
      for (let pair = 0; pair < 4; pair++)
        for (const side of ['baseline', 'candidate'] as const) {
          const rps = side === 'baseline' ? 1000 : 1000 * (1.2 + 0.01 * ((round + pair) % 3) - 0.01);
          slices.push({
            round,
            pair,
            side,
            status: 'ok',
            rps,
            requests: Math.round(rps / 2),
            errors: 0,
            timeouts: 0,
            errorPct: 0,
            p50Ms: 1,
            p95Ms: side === 'baseline' ? 3 : 2.5,
            durationS: 0.5,
          });
        }
    return {
      roundsPlanned: 6,
      roundsDone: 6,
      confidence: 0.95,
      slice: { settleS: 0.1, measureS: 0.5 },
      slicesPerSide: 4,
      warmupS: 0.3,
      orderSeed: 1,
      comparisons: [
        {
          id: 'c1',
          purpose: 'tuned-vs-untuned',
          scenario,
          baseline: { profile: 'untuned', topology: 'single' },
          candidate: { profile: 'tuned', topology: 'single' },
          pinned: true,
          connections: 10,
          slices,
          problems: [],
        },
      ],
    };
  }

  it("takes a paired row's coverage from its comparison, and only when it gives the row's very interval", () => {
    const base = sampleRun();
    const run = sampleRun({ paired: paired(base.config.headline.readScenario) });
    const rows = buildLedger(run, CLAIMS, bands, NO_QUICK_STABILITY);
    const readQps = rows.find((r) => r.claim.id === 'read-qps')!;
    expect('unavailable' in readQps.measurement).toBe(false);
    const exact = pairedGain(run.paired!.comparisons[0]!, 'rps', 0.95);
    if ('unavailable' in exact) throw new Error(exact.unavailable);
    const c = statedCoverage(readQps, run);
    expect(c.coverage).toBe(exact.coverage);
    expect(c.coverage).toBeGreaterThanOrEqual(0.95);
    expect(c.source).toMatch(/^paired record \(tuned-vs-untuned/);
    // An interval the record does not give: only the rounded figure of the text is left.
    const moved = { ...readQps, measurement: { ...readQps.measurement, low: 0.5 } } as LedgerRow;
    const t = statedCoverage(moved, run);
    expect(t.source).toMatch(/benchmark text/);
    expect(Math.abs(t.coverage! - exact.coverage)).toBeLessThanOrEqual(0.0005);
  });

  it("takes a single-op ablation row's coverage from its record; a median of several ops states none", () => {
    const run = sampleRun({
      ablation: [
        ablation('temp_store', 'temp-sort', 0.1, 0.03, { coverage: 0.969 }),
        ablation('wal', 'get-campaign', 0.4, 0.03, { coverage: 0.969 }),
        ablation('wal', 'list-contents', 0.35, 0.03, { coverage: 0.969 }),
      ],
    });
    const rows = buildLedger(run, CLAIMS, bands, NO_QUICK_STABILITY);
    const of = (id: string) =>
      statedCoverage(
        rows.find((r) => r.claim.id === id)!,
        run,
      );
    expect(of('temp-store')).toEqual({ coverage: 0.969, source: 'ablation record (sign-test interval of the rounds)' });
    expect(of('wal-reads').coverage).toBeNull();
    expect(of('wal-reads').source).toContain("median of 2 ops' interval bounds");
    expect(of('vacuum-size').coverage).toBeNull();
    expect(statedCoverage(row('users', 'not measurable here'), run).coverage).toBeNull();
  });
});
