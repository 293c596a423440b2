import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CalibrationRun } from '../../lib/records/calibration.ts';
import {
  bandFromEstimates,
  CALIBRATION_FILE,
  MeasuredNoiseBandsFile,
  NOISE_KINDS,
  type AaPoint,
} from '../ledger/noise-bands.ts';
import { sizeEstimates } from '../../run/calibrate.ts';

/**
 * The shipped noise bands are data, not typing: the file is one `loadlab calibrate` wrote,
 * every run file it names is in the repository, and each band is the rule applied to them.
 */
describe('reports/calibration/noise-bands.json', () => {
  const file = MeasuredNoiseBandsFile.parse(JSON.parse(readFileSync(CALIBRATION_FILE, 'utf8')));
  const runs = file.runFiles.map((f) => {
    const path = join(dirname(CALIBRATION_FILE), f);
    return { path, run: CalibrationRun.parse(JSON.parse(readFileSync(path, 'utf8'))) };
  });

  it('was measured by loadlab calibrate on a named machine, from stored runs of every kind', () => {
    expect(file.runs).toBeGreaterThanOrEqual(5);
    expect(file.machine.cores).toBeGreaterThan(0);
    expect(file.source).toMatch(/measured by `loadlab calibrate` on /);
    for (const kind of NOISE_KINDS) expect(runs.filter((r) => r.run.noiseKind === kind)).toHaveLength(file.runs);
    expect(JSON.stringify(file)).not.toMatch(/shared\//);
  });

  it('holds, for each kind, the band the rule gives on those runs', () => {
    for (const kind of NOISE_KINDS) {
      const mine = runs.filter((r) => r.run.noiseKind === kind);
      const estimates: AaPoint[] =
        kind === 'size'
          ? sizeEstimates(mine.map((r) => ({ file: r.path, records: r.run.vacuum ?? [] })))
          : mine.flatMap((r) =>
              r.run.estimates.flatMap((e) =>
                'gain' in e ? [{ gain: e.gain, ...(e.low !== undefined ? { low: e.low, high: e.high } : {}) }] : [],
              ),
            );
      expect(estimates.length, kind).toBeGreaterThan(0);
      expect(file.bands[kind], kind).toBe(bandFromEstimates(estimates, file.floorPct, file.stepPct)!.pct);
    }
  });
});
