import { NO_QUICK_STABILITY } from './quick-stability.ts';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ablation, capacity, sampleRun } from '../../test-support/records.ts';
import { samplePaired } from '../../test-support/paired-records.ts';
import { pct } from '../../lib/format.ts';
import { pairedGain } from './measure-paired.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { CLAIMS } from './claims.ts';
import { QUICK_NOTE, buildLedger, renderLedger } from './ledger.ts';
import { measureAblation, opKind } from './measure.ts';
import { CALIBRATION_FILE, NoiseBandsFile, loadNoiseBands, noiseKindOf, type NoiseBands } from './noise-bands.ts';
import { verdictFor } from './verdict.ts';

const claimed = { low: 1.3, high: 1.5 };
/** The stored calibration's figures, fixed here so the tests do not depend on the file. */
const calibrated: NoiseBands = { pct: { http: 15, bench: 5, size: 1 }, from: 'test calibration' };

describe('verdictFor (the stated rule, on the interval)', () => {
  it('is not measurable without a measurement', () => {
    expect(verdictFor(null, claimed, 0.05)).toBe('not measurable here');
  });
  it('confirms an interval that contains the claimed range or lies inside it', () => {
    expect(verdictFor({ gain: 1.4, low: 1.35, high: 1.45 }, claimed, 0.05)).toBe('confirmed');
    expect(verdictFor({ gain: 1.4, low: 1.1, high: 2 }, claimed, 0.05)).toBe('confirmed');
  });
  it('confirms an interval that straddles an edge of the claim, whatever its point estimate', () => {
    // Point estimates above and below the widened range (1.238 … 1.575): the old rule said larger / smaller.
    expect(verdictFor({ gain: 1.8, low: 1.4, high: 1.9 }, claimed, 0.05)).toBe('confirmed');
    expect(verdictFor({ gain: 1.18, low: 1.15, high: 1.35 }, claimed, 0.05)).toBe('confirmed');
  });
  it("confirms the guide's P95 claim (×4.72) when the interval ×4.41 … ×5.77 contains it", () => {
    expect(verdictFor({ gain: 5.6, low: 4.41, high: 5.77 }, { low: 850 / 180, high: 850 / 180 }, 0.15)).toBe(
      'confirmed',
    );
  });
  it('says larger only when the whole interval is above the widened claim, smaller only when wholly below', () => {
    expect(verdictFor({ gain: 1.8, low: 1.7, high: 1.9 }, claimed, 0.05)).toBe('larger than claimed');
    expect(verdictFor({ gain: 1.15, low: 1.1, high: 1.2 }, claimed, 0.05)).toBe('smaller than claimed');
    // Just inside the widening: 1.5 × 1.05 = 1.575, 1.3 / 1.05 = 1.238.
    expect(verdictFor({ gain: 1.6, low: 1.57, high: 1.7 }, claimed, 0.05)).toBe('confirmed');
    expect(verdictFor({ gain: 1.2, low: 1.1, high: 1.24 }, claimed, 0.05)).toBe('confirmed');
  });
  it('does not confirm an interval that reaches into "no effect", even one containing the claim', () => {
    expect(verdictFor({ gain: 1.4, low: 1.03, high: 1.6 }, claimed, 0.05)).toBe('not confirmed');
    expect(verdictFor({ gain: 1, low: 0.98, high: 1.02 }, claimed, 0.05)).toBe('not confirmed');
    expect(verdictFor({ gain: 0.9, low: 0.5, high: 2 }, claimed, 0.05)).toBe('not confirmed');
  });
  it('judges with the band it is given: the same interval is a real effect at ±5 % and noise at ±15 %', () => {
    const m = { gain: 1.2, low: 1.1, high: 1.3 };
    expect(verdictFor(m, { low: 1.2, high: 1.2 }, 0.05)).toBe('confirmed');
    expect(verdictFor(m, { low: 1.2, high: 1.2 }, 0.15)).toBe('not confirmed');
  });
  it('calls an interval wholly below no effect contradicted', () => {
    expect(verdictFor({ gain: 0.7, low: 0.65, high: 0.75 }, claimed, 0.05)).toBe('contradicted');
  });
  it('confirms a plain "faster" claim for any interval above no effect', () => {
    expect(verdictFor({ gain: 1.1, low: 1.07, high: 1.13 }, null, 0.05)).toBe('confirmed');
    expect(verdictFor({ gain: 1.1, low: 1.04, high: 1.13 }, null, 0.05)).toBe('not confirmed');
  });
});

describe('noise bands', () => {
  const tmp = tempDir();
  afterAll(() => tmp.cleanup());

  it('the stored calibration file is valid and is what the ledger loads (its values: reports/calibration/shipped-bands.test.ts)', () => {
    const bands = loadNoiseBands(5);
    const file = NoiseBandsFile.parse(JSON.parse(readFileSync(CALIBRATION_FILE, 'utf8')));
    expect(bands.pct).toEqual(file.bands);
    expect(bands.from).toMatch(/^reports\/calibration\/noise-bands\.json, measured by `loadlab calibrate` on /);
  });
  it('falls back to thresholds.ledgerNoisePct and says why when the file is missing or invalid', () => {
    expect(loadNoiseBands(5, join(tmp.dir, 'none.json'))).toEqual({
      pct: { http: 5, bench: 5, size: 5 },
      from: 'thresholds.ledgerNoisePct of the run config (no reports/calibration/noise-bands.json)',
    });
    const bad = join(tmp.dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ source: 'x', bands: { http: -1, bench: 5, size: 1 } }));
    expect(loadNoiseBands(7, bad).from).toMatch(/invalid: bands\.http/);
  });
  it('judges each claim with the band of its kind of metric', () => {
    expect(noiseKindOf({ kind: 'load', scenario: 'read', metric: 'rps' })).toBe('http');
    expect(noiseKindOf({ kind: 'capacity' })).toBe('http');
    expect(noiseKindOf({ kind: 'ablation', pragma: 'wal', ops: 'read' })).toBe('bench');
    expect(noiseKindOf({ kind: 'index-scan' })).toBe('bench');
    expect(noiseKindOf({ kind: 'vacuum' })).toBe('size');
    // Paired interval about +22 % … +29 % vs a claimed +150 %: smaller at ±15 %, not confirmed at ±25 % (reaches no effect).
    const readQps = (bands: NoiseBands) =>
      buildLedger(sampleRun({ paired: samplePaired() }), CLAIMS, bands).find((r) => r.claim.id === 'read-qps')!;
    expect(readQps(calibrated).verdict).toBe('smaller than claimed');
    const wide = { pct: { http: 25, bench: 5, size: 1 }, from: 'test' };
    expect(readQps(wide)).toMatchObject({ verdict: 'not confirmed', band: { kind: 'http', pct: 25 } });
  });
});

describe('measureAblation', () => {
  it('classifies ops by name', () => {
    expect(opKind('insert-content')).toBe('write');
    expect(opKind('list-client-campaigns')).toBe('read');
  });
  it('takes the median gain over matching ops and ignores other kinds', () => {
    const m = measureAblation(
      [
        ablation('wal', 'a-read', 0.2),
        ablation('wal', 'b-read', 0.4),
        ablation('wal', 'c-read', 0.3),
        ablation('wal', 'insert-x', 5),
      ],
      'wal',
      'read',
    );
    expect('unavailable' in m).toBe(false);
    if (!('unavailable' in m)) {
      expect(m.gain).toBeCloseTo(1.3, 9);
      expect(m.low).toBeCloseTo(1.27, 9);
    }
  });
  it('inverts disable-on-tuned arms', () => {
    const m = measureAblation([ablation('wal', 'read-x', -0.5, 0, { direction: 'disable-on-tuned' })], 'wal', 'read');
    expect('unavailable' in m ? 0 : m.gain).toBeCloseTo(2, 9);
  });
  it('explains a missing or failed ablation', () => {
    const m = measureAblation(
      [ablation('mmap', 'read-x', 0, 0, { status: 'failed', reason: 'disk full' })],
      'mmap',
      'read',
    );
    expect(m).toEqual({ unavailable: 'ablation mmap failed: disk full' });
  });
});

describe('buildLedger on a hand-built run', () => {
  const rows = buildLedger(sampleRun({ paired: samplePaired() }), CLAIMS, calibrated);
  const verdict = (id: string) => rows.find((r) => r.claim.id === id)!.verdict;

  it('has one row per claim of the guide', () => {
    expect(rows.map((r) => r.claim.id)).toEqual(CLAIMS.map((c) => c.id));
  });
  it('computes every verdict from the records', () => {
    expect(verdict('wal-reads')).toBe('confirmed');
    expect(verdict('normal-writes')).toBe('confirmed');
    expect(verdict('cache-queries')).toBe('not confirmed');
    expect(verdict('mmap-reads')).toBe('contradicted');
    expect(verdict('temp-store')).toBe('confirmed');
    expect(verdict('indexes-queries')).toBe('larger than claimed');
    expect(verdict('scan-vs-search')).toBe('larger than claimed');
    expect(verdict('wal-reads-while-writing')).toBe('confirmed');
    expect(verdict('pool-10x')).toBe('not confirmed');
    expect(verdict('vacuum-size')).toBe('confirmed');
    expect(verdict('read-qps')).toBe('smaller than claimed');
    expect(verdict('write-qps')).toBe('larger than claimed');
    expect(verdict('p95')).toBe('smaller than claimed');
    // One sweep: untuned in 50…99, tuned in 100…199, so the gain is ×1.01 … ×3.98: noise cannot be ruled out.
    expect(verdict('users')).toBe('not confirmed');
  });
  it('says why a claim is not measurable when its stage produced nothing', () => {
    // The load, p95, pool and WAL rows are judged from the paired stage only: sequential trials are not enough.
    const r = buildLedger(sampleRun({ capacity: [] }), CLAIMS, calibrated);
    for (const id of ['read-qps', 'write-qps', 'p95', 'pool-10x', 'wal-reads-while-writing']) {
      const row = r.find((x) => x.claim.id === id)!;
      expect(row.verdict).toBe('not measurable here');
      expect(row.measurement).toEqual({
        unavailable:
          'no paired stage in this run (paired.enabled is false, or the results predate it): sequential trials give no interval of known coverage',
      });
    }
    expect(r.find((x) => x.claim.id === 'users')!.verdict).toBe('not measurable here');
    // Too few rounds: no interval, so no verdict, and the reason says so.
    const few = buildLedger(sampleRun({ paired: samplePaired({ rounds: 5 }) }), CLAIMS, calibrated);
    const readQps = few.find((x) => x.claim.id === 'read-qps')!;
    expect(readQps.verdict).toBe('not measurable here');
    expect(readQps.measurement).toEqual({
      unavailable: "tuned vs untuned on 'read-list': not enough rounds: 5 of the 6 that 95 % needs",
    });
  });
  it('reads the load rows from the paired comparison: gain, interval of the round medians, coverage', () => {
    const paired = samplePaired();
    const readQps = buildLedger(sampleRun({ paired }), CLAIMS, calibrated).find((x) => x.claim.id === 'read-qps')!;
    const g = pairedGain(
      paired.comparisons.find((c) => c.id === 'tuned-vs-untuned/read-list')!,
      'rps',
      0.95,
    );
    if ('unavailable' in g) throw new Error(g.unavailable);
    expect(readQps.measurement).toMatchObject({ gain: g.gain, low: g.low, high: g.high });
    expect(g.coverage).toBeCloseTo(1 - 2 / 64, 12);
    expect('benchmark' in readQps.measurement && readQps.measurement.benchmark).toBe(
      "autocannon 'read-list', untuned and tuned interleaved in slices; 6 rounds, 24 pairs of 16-connection slices, sign-test interval of the round medians, coverage 96.9 %",
    );
  });
  it('renders the table with each interval and band, the bands legend and the rule', () => {
    const paired = samplePaired();
    const md = renderLedger(sampleRun({ mode: 'full', paired }), calibrated);
    expect(md).toContain(
      '| journal_mode=WAL: reads +30-50 % (§2, §3) | +30 % to +50 % | +37.5 % | +34.5 % … +40.5 % | ±5 % bench |',
    );
    const read = pairedGain(
      paired.comparisons.find((c) => c.id === 'tuned-vs-untuned/read-list')!,
      'rps',
      0.95,
    );
    if ('unavailable' in read) throw new Error(read.unavailable);
    expect(md).toContain(
      `| read QPS 100 -> 250 (+150 %) (§8) | +150 % | ${pct(read.gain - 1)} | ${pct(read.low - 1)} … ${pct(read.high - 1)} | ±15 % http |`,
    );
    expect(md).toMatch(
      /\| read QPS 100 -> 250 \(\+150 %\) \(§8\) \| \+150 % \| \+2\d\.\d % \| \+2\d\.\d % … \+2\d\.\d % \|/,
    );
    expect(md).toContain(
      '**Noise bands**: http ±15 % (HTTP throughput and latency), bench ±5 % (microbenchmarks), size ±1 % (file sizes); from test calibration.',
    );
    expect(md).toContain('**Verdict rule**');
    // The long benchmark text sits under the table, collapsed, one note per row the table names.
    expect(md).toContain('| note wal-reads |');
    expect(md).toMatch(
      /<details><summary>What each row measured[^\n]*\n\n- \*\*note wal-reads\*\*: tinybench ablation/,
    );
    // Collapsed under the table: the first screen is the table, the method one click away.
    expect(md.indexOf('<details><summary>How each verdict is made')).toBeLessThan(md.indexOf('**Noise bands**'));
    expect(md.lastIndexOf('</details>')).toBeGreaterThan(md.indexOf('**Verdict rule**'));
    expect(md).toContain('A verdict reads the measured **interval**, never the point estimate');
    // VACUUM reads as the headline does: a size change with the same sign, not a gain.
    const vacuum = md.split('\n').find((l) => l.startsWith('| VACUUM'))!;
    expect(vacuum).toContain('| −35 % |');
    expect(vacuum.split('|')[3]!.trim()).toMatch(/^−\d/);
    expect(vacuum).not.toMatch(/\| \+\d/);
    // The pool row is measured, its reason computed from the run's cores, not typed.
    expect(md).toContain('2 cores shared by the servers and the load generator');
    expect(md).not.toContain(QUICK_NOTE);
  });
  it('marks every verdict of a quick run indicative and says so in the header', () => {
    const run = sampleRun({ mode: 'quick' });
    // Without the stored stability summary (quick-stability.test.ts covers "unstable in quick runs").
    const quickRows = buildLedger(run, CLAIMS, calibrated, NO_QUICK_STABILITY);
    expect(quickRows.every((r) => r.indicative && r.label === `${r.verdict} (quick: indicative)`)).toBe(true);
    const md = renderLedger(run, calibrated, quickRows);
    expect(md.split('\n')[0]).toMatch(
      /^\*\*Quick run: every verdict below is indicative only\*\* \(quick: indicative\)/,
    );
    const tableRows = md.split('\n').filter((l) => /^\| [^-]/.test(l) && !l.startsWith('| claim'));
    expect(tableRows).toHaveLength(CLAIMS.length);
    for (const line of tableRows) expect(line).toMatch(/\*\* \(quick: indicative\)/);
    const full = buildLedger(sampleRun({ mode: 'full' }), CLAIMS, calibrated);
    expect(full.every((r) => !r.indicative && r.label === r.verdict)).toBe(true);
  });
});

describe('opKind', () => {
  it("prefers the bench record's writes flag over the name", () => {
    expect(opKind('temp-sort', new Map([['temp-sort', true]]))).toBe('write');
    expect(opKind('insert-autocommit', new Map())).toBe('write');
  });
});

describe('capacity lower bounds (rule 5)', () => {
  const users = (caps: ReturnType<typeof capacity>[]) =>
    buildLedger(sampleRun({ capacity: caps }), CLAIMS, calibrated).find((r) => r.claim.id === 'users')!;
  it('a tuned sweep that passed every level settles only "larger than claimed"', () => {
    const r = users([
      capacity('untuned', 25, [
        [10, 50],
        [25, 150],
        [50, 400],
      ]),
      capacity('tuned', 100, [
        [10, 5],
        [25, 8],
        [50, 20],
        [100, 60],
      ]),
    ]);
    expect(r.verdict).toBe('not measurable here');
    expect(r.measurement).toEqual({
      unavailable: expect.stringMatching(/at least ×4\.00; raise capacity.maxConnections/),
    });
    // untuned failed at 12 (a bisection level): its true capacity is 10 or 11, so tuned's 100+ is ≥ ×9.1.
    const big = users([
      capacity('untuned', 10, [
        [10, 50],
        [12, 400],
      ]),
      capacity('tuned', 100, [
        [10, 5],
        [25, 8],
        [50, 20],
        [100, 60],
      ]),
    ]);
    expect(big.verdict).toBe('larger than claimed');
  });
  it('takes the interval from the levels tried, and from every sweep when repeated', () => {
    const untuned = capacity('untuned', 25, [
      [10, 50],
      [25, 150],
      [35, 250],
    ]);
    const tuned = capacity('tuned', 141, [
      [100, 100],
      [141, 150],
      [170, 300],
    ]);
    const one = users([untuned, tuned]);
    expect(one.measurement).toMatchObject({ gain: 141 / 25, low: 141 / 34, high: 169 / 25 });
    expect('unavailable' in one.measurement ? '' : one.measurement.detail).toBe(
      '25 -> 141 connections (true capacity untuned 25…34, tuned 141…169)',
    );
    const sweeps = users([
      untuned,
      {
        ...tuned,
        sweeps: [
          { capacity: 141, failedAt: 170, curve: tuned.curve },
          { capacity: 120, failedAt: 141, curve: tuned.curve },
          { capacity: 141, failedAt: 200, curve: tuned.curve },
        ],
      },
    ]);
    expect(sweeps.measurement).toMatchObject({ gain: 141 / 25, low: 120 / 34, high: 199 / 25 });
  });
  it('an untuned sweep that missed the lowest level is an upper bound: the gain is at least tuned / that level', () => {
    // The full run of 2026-11-27 at scale 1: untuned missed at 10 (p95 517 ms), tuned held to 400.
    const tuned = capacity('tuned', 400, [
      [10, 7],
      [400, 154],
      [800, 224],
    ]);
    const r = users([capacity('untuned', null, [[10, 517]]), tuned]);
    expect(r.verdict).toBe('larger than claimed');
    expect(r.measurement).toMatchObject({ gain: 400 / 9, low: 400 / 9, high: Number.POSITIVE_INFINITY });
    const md = renderLedger(sampleRun({ capacity: [capacity('untuned', null, [[10, 517]]), tuned] }), calibrated);
    expect(md).toMatch(/\| concurrent users [^\n]*\| ≥ ×44\.4 \| ×44\.4 … unbounded \|/);
    expect('unavailable' in r.measurement ? '' : r.measurement.detail).toBe(
      'under 10 -> 400 connections (true capacity untuned 0…9, tuned 400…799)',
    );
    // A tuned capacity that does not clear the widened claim (×4 × 1.15) from that bound: no verdict.
    const low = users([
      capacity('untuned', null, [[10, 517]]),
      capacity('tuned', 25, [
        [25, 100],
        [50, 300],
      ]),
    ]);
    expect(low.verdict).toBe('not measurable here');
    expect(low.measurement).toEqual({ unavailable: expect.stringMatching(/at least ×2\.78 \(25 \/ 9\)/) });
    // Both missed the lowest level: nothing to bound.
    const none = users([capacity('untuned', null, [[10, 517]]), capacity('tuned', null, [[10, 300]])]);
    expect(none.measurement).toEqual({ unavailable: expect.stringMatching(/at no swept concurrency/) });
  });
  it('says so when both profiles passed every level', () => {
    const r = users([
      capacity('untuned', 50, [
        [10, 5],
        [50, 9],
      ]),
      capacity('tuned', 50, [
        [10, 5],
        [50, 8],
      ]),
    ]);
    expect(r.measurement).toEqual({
      unavailable: 'both met the SLO at every level up to 50 connections: raise capacity.maxConnections',
    });
  });
});
