import { describe, expect, it } from 'vitest';
import { loadRecord, sampleRun } from '../test-support/records.ts';
import { renderTrend, trendChart, trendRows } from './trend.ts';
import { renderSvg } from './charts/render.ts';

describe('trend', () => {
  const jan = sampleRun({ startedAt: '2026-01-01T00:00:00.000Z' });
  const feb = sampleRun({
    startedAt: '2026-02-01T00:00:00.000Z',
    load: jan.load.map((r) =>
      r.scenario === 'read-list' && r.profile === 'tuned'
        ? loadRecord('read-list', 'tuned', [5500, 5500, 5500], [4, 4, 4])
        : r,
    ),
  });

  it('orders runs by date and compares each profile with its previous run', () => {
    const rows = trendRows([feb, jan]);
    expect(rows.map((r) => `${r.date.slice(0, 7)} ${r.profile}`).slice(0, 4)).toEqual([
      '2026-01 untuned',
      '2026-01 tuned',
      '2026-01 consensus',
      '2026-02 untuned',
    ]);
    const febTuned = rows.find((r) => r.date.startsWith('2026-02') && r.profile === 'tuned')!;
    expect(febTuned.readRps).toBe(5500);
    expect(febTuned.readChange).toBeCloseTo(0.1, 9);
    expect(rows[0]!.readChange).toBeNull();
  });
  it('never compares a quick run with a full one: each mode is its own series', () => {
    const full = { ...feb, mode: 'full' as const, startedAt: '2026-03-01T00:00:00.000Z' };
    const rows = trendRows([jan, full]);
    expect(rows.filter((r) => r.mode === 'full').every((r) => r.readChange === null)).toBe(true);
    const spec = JSON.stringify(trendChart(rows));
    expect(spec).toContain('tuned · quick');
    expect(spec).toContain('tuned · full');
  });

  it('renders a table and an SVG chart', async () => {
    const rows = trendRows([jan, feb]);
    expect(renderTrend(rows)).toContain('| 2026-02-01 | abc1234 | quick | tuned | 5,500 | +10.0 %');
    const svg = await renderSvg(trendChart(rows)!);
    expect(svg).toContain('<svg');
  });
});
