import { describe, expect, it } from 'vitest';
import { abChangesChart } from './ab-chart.ts';
import { renderSvg, svgToPng } from './render.ts';
import { renderAbMarkdown } from '../ab-markdown.ts';
import { abFileOf, quickLike } from '../../test-support/ab-records.ts';

describe('the chart of paired changes beside AB.md', () => {
  it('one line per gating ratio metric, as a gain (+ is better), coloured by verdict; PNG ≤ 1,600 px wide', async () => {
    const ab = abFileOf(quickLike(8, 0.8), 8);
    const spec = abChangesChart(ab)!;
    const values = (
      spec as { data: { values: { metric: string; change: number; low: number; high: number; verdict: string }[] } }
    ).data.values;
    expect(values).toHaveLength(8); // rps and p95 of four arms; error shares (points) are left to the table
    const rps = values.find((v) => v.metric === 'read-point · tuned · rps (2xx)')!;
    expect(rps.change).toBeCloseTo(-0.2, 1);
    const p95 = values.find((v) => v.metric === 'read-point · tuned · p95')!;
    expect(p95.change).toBeLessThan(-0.15); // p95 up 25 % is a loss: −20 % as a gain
    expect(p95.low).toBeLessThanOrEqual(p95.high);
    expect(values.every((v) => v.verdict === 'regressed')).toBe(true);
    const svg = await renderSvg(spec);
    expect(svg).toContain('read-point · tuned · rps (2xx)');
    const png = await svgToPng(svg);
    expect(png.readUInt32BE(16)).toBeLessThanOrEqual(1600);
  });

  it('AB.md links the PNG when there is one', () => {
    expect(renderAbMarkdown(abFileOf(quickLike(8), 8), 'markdown', 'ab-changes.png')).toContain(
      '![paired changes, + is better](ab-changes.png)',
    );
    expect(renderAbMarkdown(abFileOf(quickLike(8), 8))).not.toContain('![paired changes');
  });
});
