import { describe, expect, it } from 'vitest';
import { ablation, sampleRun } from '../../test-support/records.ts';
import {
  consensusTruth,
  pairedComparisonRecord,
  pairedRecord,
  samplePaired,
  SAMPLE_PAIRED_TRUTHS,
  type PairedNoise,
  type PairedTruth,
} from '../../test-support/paired-records.ts';

/** sampleRun's paired stage plus consensus vs tuned, the consensus comparison under `noise`. */
const samplePairedWith = (consensus: PairedTruth, noise: PairedNoise = {}) =>
  pairedRecord([
    ...SAMPLE_PAIRED_TRUTHS.map((t, i) => pairedComparisonRecord(t, { seed: 100 + i, rounds: noise.rounds })),
    pairedComparisonRecord(consensus, { seed: 200, ...noise }),
  ]);
import { buildLedger } from '../ledger/ledger.ts';
import { CLAIMS } from '../ledger/claims.ts';
import { uniformNoiseBands } from '../ledger/noise-bands.ts';
import { consensusVsTuned, outcomeOf, renderRecommendation, settingOutcomes, writeEffects } from './recommendation.ts';

const bands = uniformNoiseBands(5, 'test');

describe('the computed recommendation', () => {
  it('reads each setting from its ledger verdict: a real gain paid off, noise made no difference, a loss cost', () => {
    const rows = buildLedger(sampleRun(), CLAIMS, bands);
    const by = Object.fromEntries(settingOutcomes(rows).map((s) => [s.setting, s.outcome]));
    // sampleRun: WAL +35-40 % on reads, cache +1 %, mmap −30 %.
    expect(by['journal_mode=WAL']).toBe('paid off');
    expect(by['cache_size 64 MB']).toBe('no difference');
    expect(by['mmap_size 256 MB']).toBe('cost something');
  });

  it('says "no difference" only when the whole interval lies inside the band, else "not shown"', () => {
    const rows = buildLedger(sampleRun(), CLAIMS, bands);
    const cache = rows.find((r) => r.claim.id === 'cache-queries')!;
    expect(cache.verdict).toBe('not confirmed');
    const at = (low: number, high: number) =>
      outcomeOf({ ...cache, measurement: { gain: (low + high) / 2, low, high, benchmark: 'b', detail: 'd' } });
    // Band ±5 %: inside is no difference; reaching +8 % (not confirmed, yet not inside) is not shown.
    expect(at(0.97, 1.04)).toBe('no difference');
    expect(at(0.99, 1.08)).toBe('not shown');
    expect(at(0.7, 1.2)).toBe('not shown');
  });

  it('lists what a setting did on a write, only when its whole interval lies beyond the band', () => {
    const run = sampleRun({
      ablation: [
        ablation('indexes', 'insert-100-tx', -0.3, 0.05),
        ablation('indexes', 'insert-autocommit', -0.02, 0.05),
        ablation('indexes', 'indexed-list', -0.5, 0.05),
      ],
    });
    const effects = writeEffects(run, 0.05);
    expect(effects.map((e) => [e.pragma, e.effect.scope, e.effect.outcome])).toEqual([
      ['indexes', 'insert-100-tx, added to untuned', 'cost something'],
    ]);
    expect(effects[0]!.effect.evidence).toBe('−35 % … −25 %');
  });

  it('WAL that helps writes and not reads is advice to turn it on, never "made no difference"; each setting sits in one bucket', () => {
    // Reads: WAL within ±2 % (the ledger's read claim: no difference); writes: +472 % added
    // to untuned, −90 % when removed from tuned (a gain of ×10 turned the setting's way).
    const run = sampleRun({
      ablation: [
        ablation('wal', 'get-campaign', 0.01, 0.01),
        ablation('wal', 'list-contents', 0.0, 0.01),
        ablation('wal', 'insert-autocommit', 4.72, 0.1),
        ablation('wal', 'update-by-key', -0.9, 0.01, { direction: 'disable-on-tuned' }),
        ablation('normal', 'insert-content', 1.5, 0.2),
        ablation('indexes', 'indexed-list', 12, 1),
        ablation('indexes', 'insert-100-tx', -0.3, 0.05),
      ],
    });
    const rows = buildLedger(run, CLAIMS, bands);
    expect(rows.find((r) => r.claim.id === 'wal-reads')!.verdict).toBe('not confirmed');
    const wal = settingOutcomes(rows, run, 0.05).find((x) => x.setting === 'journal_mode=WAL')!;
    expect(wal.outcome).toBe('paid off');
    expect(wal.effects.map((e) => [e.scope, e.outcome])).toEqual([
      ['reads', 'no difference'],
      ['insert-autocommit, added to untuned', 'paid off'],
      ['update-by-key, removed from tuned', 'paid off'],
    ]);
    const md = renderRecommendation(run, rows, { http: 15, bench: 5 });
    const line = (head: string) => md.split('\n').find((l) => l.startsWith(`- **${head}`)) ?? '';
    expect(line('Paid off here')).toContain(
      'journal_mode=WAL (reads: no difference −1 % … +2 %; insert-autocommit, added to untuned: gain +462 % … +482 %; ' +
        'update-by-key, removed from tuned: gain +809 % … +1,011 % (the ablation table: −91 % … −89 % without it))',
    );
    expect(line('Made no difference here')).not.toContain('journal_mode=WAL');
    // Indexes: a gain on reads, a loss on a batch insert: a trade-off, in that bucket only.
    expect(line('A trade-off here')).toContain('the five indexes (');
    expect(line('Paid off here')).not.toContain('the five indexes');
    expect(line('Cost something here')).not.toContain('the five indexes');
    const named = settingOutcomes(rows, run, 0.05).map((x) => x.setting);
    expect(new Set(named).size).toBe(named.length);
  });

  it('says whether consensus beats tuned from the paired intervals and the band', () => {
    const withConsensus = (rpsRatio: number, p95Ratio: number, noise: PairedNoise = {}) =>
      sampleRun({ paired: samplePairedWith(consensusTruth(rpsRatio, p95Ratio), noise) });
    // Both intervals wholly beyond +15 %: consensus beats tuned (and the reverse).
    const beats = consensusVsTuned(withConsensus(1.3, 1 / 1.3), 0.15);
    expect(beats.verdict).toBe('consensus beats tuned');
    expect(beats.scenario).toBe('mix-80-20');
    for (const g of [beats.rps, beats.p95]) {
      if ('unavailable' in g) throw new Error(g.unavailable);
      expect(g.low).toBeGreaterThan(1.15);
      expect(g.coverage).toBeCloseTo(1 - 2 / 64, 12);
    }
    expect(consensusVsTuned(withConsensus(1 / 1.3, 1.3), 0.15).verdict).toBe('tuned beats consensus');
    // Every interval inside ±15 %: on par.
    expect(consensusVsTuned(withConsensus(1.02, 1), 0.15).verdict).toBe('on par');
    // Throughput better, p95 worse, each beyond the band: mixed.
    expect(consensusVsTuned(withConsensus(1.3, 1.3), 0.15).verdict).toBe('mixed');
    // Intervals reaching past the band on one side and into it on the other: no difference shown either way.
    const wide = consensusVsTuned(withConsensus(1.15, 1 / 1.15, { sliceNoise: 0.02, roundNoise: 0.1 }), 0.15);
    expect(wide.verdict).toBe('no difference shown');
    // Too few rounds for 95 %: no interval, so not measured (with the reason).
    const few = consensusVsTuned(withConsensus(1.3, 1 / 1.3, { rounds: 5 }), 0.15);
    expect(few.verdict).toBe('not measured');
    expect(few.rps).toEqual({
      unavailable: "consensus vs tuned on 'mix-80-20': not enough rounds: 5 of the 6 that 95 % needs",
    });
    // No paired stage, or none with consensus: not measured.
    expect(consensusVsTuned(sampleRun(), 0.15).verdict).toBe('not measured');
    expect(consensusVsTuned(sampleRun({ paired: samplePaired() }), 0.15).verdict).toBe('not measured');
  });

  it('prints the consensus line with both gains, their intervals and the computed coverage', () => {
    const run = sampleRun({ paired: samplePairedWith(consensusTruth(1.3, 1 / 1.3)) });
    const md = renderRecommendation(run, buildLedger(run, CLAIMS, bands), { http: 15, bench: 5 });
    expect(md).toMatch(
      /- \*\*consensus vs tuned\*\* \('mix-80-20', paired\): consensus beats tuned — consensus against tuned, \+ is better: throughput \+\d+ % \[\+\d+ %, \+\d+ %\], p95 speed \+\d+ % \[\+\d+ %, \+\d+ %\] \(96\.9 % intervals\); band ±15 %\./,
    );
    expect(md).toContain('6 paired rounds of 4 slices per side');
    const without = renderRecommendation(sampleRun(), [], { http: 15, bench: 5 });
    expect(without).not.toContain('consensus vs tuned');
  });

  it('opens a quick run with the caveat and how to measure', () => {
    const run = sampleRun();
    const md = renderRecommendation(run, buildLedger(run, CLAIMS, bands), { http: 15, bench: 5 });
    expect(md.split('\n')[0]).toBe('## Recommendation (computed from this run)');
    expect(md).toContain('**Quick run: indicative figures only**');
    expect(md).toContain('npx loadlab run --full');
    expect(renderRecommendation({ ...run, mode: 'full' }, [], { http: 15, bench: 5 })).not.toContain('Quick run');
  });
});
