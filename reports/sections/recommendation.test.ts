import { describe, expect, it } from 'vitest';
import { ablation, loadRecord, sampleRun } from '../../test-support/records.ts';
import { buildLedger } from '../ledger/ledger.ts';
import { CLAIMS } from '../ledger/claims.ts';
import { uniformNoiseBands } from '../ledger/noise-bands.ts';
import { consensusVsTuned, renderRecommendation, settingOutcomes, writeCosts } from './recommendation.ts';

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

  it('lists what a setting cost on a write, only when its whole interval is a loss', () => {
    const run = sampleRun({
      ablation: [
        ablation('indexes', 'insert-100-tx', -0.3, 0.05),
        ablation('indexes', 'insert-autocommit', -0.02, 0.05),
        ablation('indexes', 'indexed-list', -0.5, 0.05),
      ],
    });
    const costs = writeCosts(run, 0.05);
    expect(costs.map((c) => c.setting)).toEqual(['the five indexes on insert-100-tx, added to untuned']);
    expect(costs[0]!.evidence).toBe('−35 % … −25 %');
  });

  it('says whether consensus beats tuned from the headline medians and the band', () => {
    const base = sampleRun();
    const withConsensus = (read: number, write: number, p95: number) =>
      sampleRun({
        load: [
          ...base.load.filter((r) => r.profile !== 'consensus'),
          loadRecord('read-list', 'consensus', [read, read, read], [4, 4, 4]),
          loadRecord('write', 'consensus', [write, write, write], [4, 4, 4]),
          loadRecord('mix-80-20', 'consensus', [1000, 1000, 1000], [p95, p95, p95]),
        ],
      });
    const tunedOf = (id: 'read-list' | 'write') => base.load.find((r) => r.scenario === id && r.profile === 'tuned')!;
    const tRead = tunedOf('read-list').median!.rps;
    const tWrite = tunedOf('write').median!.rps;
    const tP95 = base.load.find((r) => r.scenario === 'mix-80-20' && r.profile === 'tuned')!.median!.latencyMs.p95;
    expect(consensusVsTuned(withConsensus(tRead * 1.3, tWrite * 1.3, tP95 / 1.3), 0.15).verdict).toBe(
      'consensus beats tuned',
    );
    expect(consensusVsTuned(withConsensus(tRead * 1.05, tWrite * 0.97, tP95), 0.15).verdict).toBe('on par');
    expect(consensusVsTuned(withConsensus(tRead * 1.3, tWrite * 0.6, tP95), 0.15).verdict).toBe('mixed');
    const noConsensus = sampleRun({ load: base.load.filter((r) => r.profile !== 'consensus') });
    expect(consensusVsTuned(noConsensus, 0.15).verdict).toBe('not measured');
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
