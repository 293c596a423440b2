import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { rowCounts } from '../db/data-shape.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { BenchFile } from '../lib/records/bench.ts';
import { drawParamSets } from './prepare.ts';
import { runBench } from './suite.ts';
import { WORKLOADS } from './workloads/index.ts';
import { ABLATION_CONFIDENCE, ABLATION_ROUNDS } from './ablation-delta.ts';
import { PAIRED_METHOD, signTestCoverage } from '../stats/index.ts';
import { profiles } from '../test-support/catalog.ts';

const tmp = tempDir('loadlab-bench-');
afterAll(() => tmp.cleanup());

describe('runBench end to end (tiny scale, 15 ms per operation)', () => {
  const stages: BenchFile[] = [];
  let result: BenchFile;
  beforeAll(async () => {
    result = await runBench({
      scale: 0.005,
      timeMs: 15,
      dataDir: tmp.dir,
      skipFsyncProbe: true,
      ablation: true,
      ablationToggles: ['wal'],
      ablationRounds: ABLATION_ROUNDS,
      ablationTaskMs: 1,
      onStage: (f) => stages.push(f),
    });
  });

  it('writes a valid file with one record per operation × profile', () => {
    const file = BenchFile.parse(result);
    expect(file.records).toHaveLength(WORKLOADS.length * 3);
    for (const w of WORKLOADS) {
      expect(file.records.filter((r) => r.op === w.name).map((r) => r.profile)).toEqual([
        'untuned',
        'tuned',
        'consensus',
      ]);
    }
    const bad = file.records.filter((r) => r.status !== 'ok');
    expect(bad).toEqual([]);
    for (const r of file.records) {
      expect(r.opsPerSec).toBeCloseTo(1e6 / r.latencyUs.mean, 6);
      expect(r.samples).toBeGreaterThanOrEqual(10);
      expect(r.effective.synchronous).toBe(r.profile === 'untuned' ? 2 : 1);
    }
  });

  it('records each profile’s plan: SCAN without indexes, SEARCH with them', () => {
    const file = result;
    const plan = (profile: string) => file.records.find((r) => r.op === 'indexed-list' && r.profile === profile)!.plan;
    expect(plan('untuned')).toContain('SCAN campaigns');
    expect(plan('tuned')).toContain('SEARCH campaigns USING INDEX idx_campaigns_client');
    expect(file.records.find((r) => r.op === 'temp-sort')!.plan).toContain('USE TEMP B-TREE FOR ORDER BY');
  });

  it('runs the ablation arms with synchronous set explicitly and compares them to their base', () => {
    const file = result;
    expect(file.ablation.map((a) => `${a.direction}:${a.pragma}`)).toContain('enable-on-untuned:wal');
    expect(file.ablation).toHaveLength(WORKLOADS.length * 2);
    const walArm = file.ablationArms.find((r) => r.profile === 'untuned+wal')!;
    expect(walArm.effective).toMatchObject({ journal_mode: 'wal', synchronous: 2 });
    expect(file.ablationArms).toHaveLength(WORKLOADS.length * 4);
    expect(file.ablationArms.filter((r) => r.status !== 'ok')).toEqual([]);
  });

  it('measures every arm in its own A B B A rounds and gives the interval with its method and coverage', () => {
    expect(result.options).toMatchObject({
      ablationRounds: ABLATION_ROUNDS,
      ablationTaskMs: 1,
      ablationConfidence: ABLATION_CONFIDENCE,
    });
    for (const a of result.ablation) {
      expect(a.status).toBe('ok');
      expect(a).toMatchObject({
        method: PAIRED_METHOD,
        confidence: ABLATION_CONFIDENCE,
        rounds: ABLATION_ROUNDS,
        coverage: signTestCoverage(ABLATION_ROUNDS, 1),
        verdictable: true,
      });
      expect(a.roundRatios).toHaveLength(ABLATION_ROUNDS);
      // 6 rounds at 95 %: the interval is [min, max] of the round values.
      expect(a.spread.low).toBeCloseTo(Math.min(...a.roundRatios!) - 1, 12);
      expect(a.spread.high).toBeCloseTo(Math.max(...a.roundRatios!) - 1, 12);
    }
  });

  it('hands over the file after each stage and removes its databases', () => {
    expect(stages.length).toBeGreaterThanOrEqual(3);
    expect(stages[0]!.records).toEqual([]);
    expect(stages[1]!.records.length).toBeGreaterThan(0);
    expect(stages[1]!.ablation).toEqual([]);
    expect(stages.at(-1)!.ablation.length).toBeGreaterThan(0);
    expect(existsSync(tmp.dir) && readdirSync(tmp.dir).filter((f) => f.startsWith('run-'))).toEqual([]);
  });
});

describe('an ablation with fewer rounds than its confidence needs', () => {
  it('measures, but gives no interval and no verdict', async () => {
    const file = await runBench({
      scale: 0.005,
      timeMs: 10,
      dataDir: tmp.dir,
      skipFsyncProbe: true,
      profiles: profiles('tuned'),
      ops: ['point-read'],
      ablation: true,
      ablationToggles: ['mmap'],
      ablationRounds: 2,
      ablationTaskMs: 1,
    });
    expect(file.ablation).toHaveLength(2);
    for (const a of file.ablation) {
      expect(a).toMatchObject({ status: 'ok', verdictable: false, significant: false, rounds: 2 });
      expect(a.coverage).toBeUndefined();
      expect(a.reason).toBe('not enough rounds: 2 of the 6 that 95 % needs');
    }
  });
});

describe('read keys', () => {
  it('are the same sequence for the same seed, whatever else happens', () => {
    const shape = { rows: rowCounts(0.1) };
    const w = WORKLOADS.find((x) => x.name === 'point-read')!;
    expect(drawParamSets(w, shape, 42, 50)).toEqual(drawParamSets(w, shape, 42, 50));
    expect(drawParamSets(w, shape, 42, 50)).not.toEqual(drawParamSets(w, shape, 43, 50));
  });
});

describe('an aborted run', () => {
  it('stops measuring and keeps every remaining operation as a skipped record', async () => {
    const controller = new AbortController();
    const file = await runBench({
      scale: 0.005,
      timeMs: 15,
      dataDir: tmp.dir,
      skipFsyncProbe: true,
      ops: ['point-read', 'aggregate'],
      profiles: profiles('untuned', 'tuned'),
      indexSweep: true,
      sweep: { sizes: [200], insertRows: 200 },
      signal: controller.signal,
      onProgress: (e) => {
        if (e.stage === 'bench' && e.done === 1) controller.abort();
      },
    });
    expect(file.records.map((r) => `${r.op}/${r.profile}/${r.status}`)).toEqual([
      'point-read/untuned/ok',
      'point-read/tuned/ok',
      'aggregate/untuned/skipped',
      'aggregate/tuned/skipped',
    ]);
    expect(file.records.at(-1)!.reason).toBe('interrupted');
    expect(file.indexSweep).toEqual([]);
  });
});
