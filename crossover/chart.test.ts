import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CrossoverFile } from '../lib/records/crossover.ts';
import { renderSvg, svgToPng } from '../reports/charts/render.ts';
import { judgeCrossover } from './judge.ts';
import { crossoverChart } from './markdown.ts';

/** The stored quick sweep (reports/crossover/quick-r3/), measured on this machine. */
const file = CrossoverFile.parse(
  JSON.parse(
    readFileSync(fileURLToPath(new URL('../reports/crossover/quick-r3/crossover.json', import.meta.url)), 'utf8'),
  ),
);

describe('the crossover charts, from a stored sweep', () => {
  const verdicts = judgeCrossover(file, 'quick');
  const chart = (dim: string) =>
    crossoverChart(
      file,
      verdicts.find((v) => v.plan.dimension === dim)!,
    );

  it('every dimension has a chart that fits 1,600 px as PNG', async () => {
    expect(verdicts.length).toBeGreaterThanOrEqual(4);
    for (const v of verdicts) {
      const png = await svgToPng(await renderSvg(crossoverChart(file, v)));
      expect(png.readUInt32BE(16), v.plan.dimension).toBeLessThanOrEqual(1600);
    }
  });

  it('processes are counted in whole numbers: ticks at the values swept, never 1.5', async () => {
    const svg = await renderSvg(chart('processes'));
    expect(svg).not.toMatch(/>1\.5</);
    expect(svg).toMatch(/>1</);
    expect(svg).toMatch(/>2</);
  });

  it("draws the guide's threshold as a rule inside the sweep, and says when it lies outside", () => {
    const concurrency = JSON.stringify(chart('concurrency'));
    expect(concurrency).toContain('"t":100');
    expect(concurrency).toContain("dashed: the guide's threshold");
    const size = JSON.stringify(chart('size'));
    expect(size).not.toContain('"t":10240');
    expect(size).toContain("the guide's threshold, 10240 MB (SQLite file), lies outside the sweep");
  });
});
