import { afterAll, describe, expect, it } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import {
  BAND_RULE,
  MeasuredNoiseBandsFile,
  aaDeviationPct,
  bandFromEstimates,
  describeNoiseBands,
  loadNoiseBands,
  measuredSource,
} from './noise-bands.ts';

const tmp = tempDir('loadlab-noise-bands-');
afterAll(() => tmp.cleanup());

describe('the band rule', () => {
  it('measures an A/A estimate symmetrically in log space, as the band is applied', () => {
    expect(aaDeviationPct(1.25)).toBeCloseTo(25, 9);
    expect(aaDeviationPct(0.8)).toBeCloseTo(25, 9);
    expect(aaDeviationPct(1)).toBe(0);
  });

  it('takes the largest deviation, rounds it up to 0.5 % and keeps the floor', () => {
    // 1/0.88 = 1.1364: 13.64 % is larger than |0.88 - 1| = 12 %, and rounds up to 14.
    expect(bandFromEstimates([1.02, 0.88, 1.1, 0.97])).toEqual({ pct: 14, largestPct: expect.closeTo(13.636, 3) });
    expect(bandFromEstimates([1.13])!.pct).toBe(13);
    expect(bandFromEstimates([1.1301])!.pct).toBe(13.5);
    expect(bandFromEstimates([1, 1.002, 0.999])!.pct).toBe(1);
    expect(bandFromEstimates([1.004], 0, 0.5)!.pct).toBe(0.5);
    expect(bandFromEstimates([])).toBeNull();
    expect(bandFromEstimates([0, Number.NaN])).toBeNull();
  });

  it('leaves no A/A estimate outside its band', () => {
    const gains = [0.91, 1.07, 1.0312, 0.9666, 1.089];
    const { pct } = bandFromEstimates(gains)!;
    for (const g of gains) {
      expect(g).toBeGreaterThanOrEqual(1 / (1 + pct / 100));
      expect(g).toBeLessThanOrEqual(1 + pct / 100);
    }
  });
});

const machine = {
  cpuModel: 'Test CPU 3000',
  cores: 2,
  platform: 'linux',
  kernel: '6.1.0',
  node: 'v20.20.0',
  sqlite: '3.49.1',
  filesystem: 'ext4',
};
const largest = (metric: string) => ({ pct: 3.2, gain: 1.032, metric, file: 'bands/x/http-01.json' });

function measuredFile(): MeasuredNoiseBandsFile {
  const head = { machine, date: '2026-12-04T06:00:00.000Z', runs: 3 };
  return {
    schemaVersion: 2,
    kind: 'noise-bands',
    source: measuredSource(head),
    bands: { http: 12.5, bench: 4, size: 1 },
    rule: BAND_RULE,
    floorPct: 1,
    stepPct: 0.5,
    ...head,
    settings: {
      http: {
        profile: 'tuned',
        scenarios: ['read-list', 'write', 'mix-80-20'],
        scale: 0.05,
        connections: 50,
        rounds: 6,
        durationS: 0.5,
        warmupS: 0.3,
        confidence: 0.95,
        metrics: ['rps', 'p95'],
      },
      bench: { arms: ['untuned+identity', 'tuned-identity'], ops: ['point-read'], scale: 0.05, rounds: 6, taskMs: 2 },
      size: {
        profiles: ['untuned', 'tuned'],
        scale: 0.05,
        deleteShare: 0.35,
        updateShare: 0.1,
        metrics: ['beforeVacuum', 'afterVacuum'],
      },
    },
    estimates: {
      http: { count: 18, unavailable: 0, largest: largest('aa/tuned/write p95') },
      bench: { count: 6, unavailable: 0, largest: largest('point-read tuned-identity') },
      size: { count: 12, unavailable: 0, largest: largest('tuned afterVacuum bytes') },
    },
    runFiles: ['bands/x/http-01.json', 'bands/x/bench-01.json', 'bands/x/size-01.json'],
  };
}

describe('a bands file written by loadlab calibrate', () => {
  it('is read back by loadNoiseBands, and the legend names the machine, the date, the runs and the rule', () => {
    const file = join(tmp.dir, 'noise-bands.json');
    writeJsonAtomic(file, measuredFile());
    const bands = loadNoiseBands(5, file);
    expect(bands.pct).toEqual({ http: 12.5, bench: 4, size: 1 });
    const legend = describeNoiseBands(bands);
    expect(legend).toContain('http ±12.5 %');
    expect(legend).toContain(
      'from reports/calibration/noise-bands.json, measured by `loadlab calibrate` on Test CPU 3000 (2 cores, linux 6.1.0), Node v20.20.0, SQLite 3.49.1, ext4, 2026-12-04, 3 runs.',
    );
    expect(legend).toContain('Rule: the band of a kind of metric is the smallest b that keeps every A/A comparison');
  });

  it('falls back with a reason when a measured file is invalid, naming the field', () => {
    const file = join(tmp.dir, 'broken.json');
    writeFileSync(file, JSON.stringify({ ...measuredFile(), runFiles: [] }));
    const bands = loadNoiseBands(7, file);
    expect(bands.pct).toEqual({ http: 7, bench: 7, size: 7 });
    expect(bands.from).toMatch(/invalid: runFiles /);
    expect(describeNoiseBands(bands)).not.toContain('Rule:');
  });

  it('still reads a stated file (source and bands only) as before', () => {
    const file = join(tmp.dir, 'stated.json');
    writeFileSync(file, JSON.stringify({ source: 'set by hand', bands: { http: 15, bench: 5, size: 1 } }));
    expect(loadNoiseBands(5, file)).toEqual({
      pct: { http: 15, bench: 5, size: 1 },
      from: 'reports/calibration/noise-bands.json (set by hand)',
    });
  });
});

describe('the band rule reads intervals, as the ledger does', () => {
  it('counts how far an A/A interval lies beyond no effect, not how far its point is', () => {
    // A wide interval around 1 is no effect whatever its point; one that misses 1 needs a band to its near end.
    expect(aaDeviationPct({ gain: 1.3, low: 0.9, high: 1.6 })).toBe(0);
    expect(aaDeviationPct({ gain: 1.1, low: 1.02, high: 1.2 })).toBeCloseTo(2, 9);
    expect(aaDeviationPct({ gain: 0.9, low: 0.8, high: 0.96 })).toBeCloseTo((1 / 0.96 - 1) * 100, 9);
    // An exact figure (no interval) counts its point.
    expect(aaDeviationPct({ gain: 1.05 })).toBeCloseTo(5, 9);
    expect(
      bandFromEstimates([
        { gain: 1.3, low: 0.9, high: 1.6 },
        { gain: 1.1, low: 1.02, high: 1.2 },
      ])!.pct,
    ).toBe(2);
  });
});
