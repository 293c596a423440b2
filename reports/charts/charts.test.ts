import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunResults } from '../../lib/records/run.ts';
import { sampleRun } from '../../test-support/records.ts';
import { RUN_CHARTS } from './specs.ts';
import { renderSvg, svgToPng } from './render.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

describe('run charts', () => {
  it('renders every chart of a full run to standalone SVG', async () => {
    const run = sampleRun();
    for (const chart of RUN_CHARTS) {
      const spec = chart.build(run);
      expect(spec, chart.file).not.toBeNull();
      const svg = await renderSvg(spec!);
      expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'), chart.file).toBe(true);
      expect(svg.trimEnd().endsWith('</svg>'), chart.file).toBe(true);
      expect(svg).toContain('<path');
    }
  });
  it('draws profiles and scenarios from the records', async () => {
    const svg = await renderSvg(RUN_CHARTS[0]!.build(sampleRun())!);
    expect(svg).toContain('untuned');
    expect(svg).toContain('mix-80-20');
  });
  it('draws the ablation as a labelled heatmap (setting × operation), no "undefined" anywhere', async () => {
    const spec = RUN_CHARTS.find((c) => c.file === 'ablation.svg')!.build(sampleRun())!;
    expect(JSON.stringify(spec)).toContain('"rect"');
    const svg = await renderSvg(spec);
    expect(svg).toContain('switched on in untuned');
    expect(svg).toContain('wal');
    expect(svg).toContain('+40 %');
    for (const chart of RUN_CHARTS)
      expect(await renderSvg(chart.build(sampleRun())!), chart.file).not.toContain('undefined');
  });

  it('renders every chart to a non-empty PNG too', async () => {
    for (const chart of RUN_CHARTS) {
      const png = await svgToPng(await renderSvg(chart.build(sampleRun())!));
      expect(png.subarray(1, 4).toString('latin1'), chart.file).toBe('PNG');
      expect(png.length, chart.file).toBeGreaterThan(5_000);
    }
  });

  it('returns null instead of an empty chart when a stage produced nothing', () => {
    const run = sampleRun({ load: [], capacity: [], ablation: [] });
    expect(RUN_CHARTS.map((c) => c.build(run))).toEqual([null, null, null, null]);
  });

  it("every chart of a quick run and of a full run is at most 1,600 px wide as the report's PNG", async () => {
    const quick = JSON.parse(
      readFileSync(join(ROOT, 'reports/calibration/ledger/runs/01/results.json'), 'utf8'),
    ) as RunResults;
    let drawn = 0;
    for (const run of [quick, sampleRun()])
      for (const chart of RUN_CHARTS) {
        const spec = chart.build(run);
        if (!spec) continue;
        const png = await svgToPng(await renderSvg(spec));
        drawn++;
        expect(png.readUInt32BE(16), `${chart.file} (${run.mode})`).toBeLessThanOrEqual(1600);
      }
    expect(drawn).toBeGreaterThanOrEqual(6); // the quick run's ablation and capacity, the full run's four
  });

  it('the ablation legend speaks percent, not log₂', async () => {
    const svg = await renderSvg(RUN_CHARTS.find((c) => c.file === 'ablation.svg')!.build(sampleRun())!);
    expect(svg).toContain('+700%');
    expect(svg).toContain('−88%');
    expect(svg).not.toContain('log₂');
  });
});
