import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../lib/atomic-write.ts';
import { CalibrationRun } from '../lib/records/calibration.ts';
import type { VacuumRecord } from '../lib/records/run.ts';
import { describeNoiseBands, loadNoiseBands } from '../reports/ledger/noise-bands.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { AA_TWIN, aaSpecs, runCalibration, sizeEstimates } from './calibrate.ts';
import { QUICK } from './presets.ts';

const tmp = tempDir('loadlab-calibrate-');
afterAll(() => tmp.cleanup());

describe('the A/A plan', () => {
  it('compares tuned with its twin on each scenario, two servers, purpose aa', () => {
    expect(
      aaSpecs(['read-list', 'write']).map((s) => [s.id, s.purpose, s.baseline.profile, s.candidate.profile]),
    ).toEqual([
      ['aa/tuned/read-list', 'aa', 'tuned', AA_TWIN],
      ['aa/tuned/write', 'aa', 'tuned', AA_TWIN],
    ]);
  });

  it('judges sizes by each repeat over the smallest, so the largest is the spread of any two', () => {
    const vac = (profile: string, after: number) =>
      ({ profile, status: 'ok', bytes: { seeded: 10, beforeVacuum: 100, afterVacuum: after } }) as VacuumRecord;
    const est = sizeEstimates([
      { file: 'a', records: [vac('tuned', 50)] },
      { file: 'b', records: [vac('tuned', 51)] },
      { file: 'c', records: [vac('tuned', 50), { ...vac('untuned', 1), status: 'failed' }] },
    ]);
    expect(est.filter((e) => e.metric === 'tuned afterVacuum bytes').map((e) => [e.file, e.gain])).toEqual([
      ['a', 1],
      ['b', 1.02],
      ['c', 1],
    ]);
    expect(est.filter((e) => e.metric === 'tuned beforeVacuum bytes').every((e) => e.gain === 1)).toBe(true);
    expect(est.some((e) => e.metric.startsWith('untuned'))).toBe(false);
  });
});

// Test-only settings: the smallest configuration that still gives every kind an estimate
// (2 rounds at 50 % is the fewest the paired interval accepts; one operation; scale 0.01).
const TINY = {
  ...QUICK,
  scale: 0.01,
  headline: { ...QUICK.headline, readScenario: 'read-list', writeScenario: 'write', p95Scenario: 'write' },
  paired: { ...QUICK.paired, rounds: 2, durationS: 0.125, warmupS: 0.05, confidence: 0.5, connections: 4 },
  bench: { ...QUICK.bench, ops: ['point-read'], ablationRounds: 2, ablationTaskMs: 1 },
  profiles: ['tuned'],
};

describe('one tiny real calibration (--runs 1)', () => {
  it('stores every run, and the bands file it gives is read back with its machine and runs', async () => {
    const bandsFile = join(tmp.dir, 'noise-bands.json');
    const result = await runCalibration({
      runs: 1,
      outDir: join(tmp.dir, 'bands'),
      bandsFile,
      dataDir: join(tmp.dir, 'data'),
      machine: {
        cpuModel: 'cpu',
        cores: 2,
        platform: 'linux',
        kernel: 'k',
        node: process.version,
        sqlite: '3',
        filesystem: 'fs',
      },
      cores: 2,
      pinning: { pinned: false, serverCpu: null, generatorCpu: null, reason: 'test' },
      config: TINY,
    });
    expect(result.problem).toBeUndefined();
    expect(result.runFiles.map((f) => f.slice(result.sessionDir.length + 1))).toEqual([
      'http-01.json',
      'bench-01.json',
      'size-01.json',
    ]);
    const http = CalibrationRun.parse(JSON.parse(readFileSync(result.runFiles[0]!, 'utf8')));
    expect(http.paired!.comparisons.map((c) => [c.purpose, c.baseline.profile, c.candidate.profile])).toEqual([
      ['aa', 'tuned', AA_TWIN],
      ['aa', 'tuned', AA_TWIN],
    ]);
    expect(http.estimates).toHaveLength(4);
    const file = result.file!;
    expect(file.runFiles).toEqual(result.runFiles.map((f) => f.slice(tmp.dir.length + 1)));
    expect(file.runFiles[0]).toMatch(/^bands\/[^/]+\/http-01\.json$/);
    expect(file.settings.http).toMatchObject({ rounds: 2, durationS: 0.125, confidence: 0.5 });
    for (const kind of ['http', 'bench', 'size'] as const) {
      expect(file.bands[kind]).toBeGreaterThanOrEqual(file.floorPct);
      expect(file.bands[kind]).toBeGreaterThanOrEqual(file.estimates[kind].largest.pct);
    }
    writeJsonAtomic(bandsFile, file);
    expect(describeNoiseBands(loadNoiseBands(5, bandsFile))).toContain(
      `measured by \`loadlab calibrate\` on cpu (2 cores, linux k), Node ${process.version}, SQLite 3, fs`,
    );
  }, 60_000);
});
