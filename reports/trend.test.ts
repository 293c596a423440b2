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

  it('never compares runs of different machines (CPU model, cores, Node, SQLite), and says so in its table', () => {
    const other = (over: Partial<typeof feb.environment>) => ({
      ...feb,
      environment: { ...feb.environment, ...over },
    });
    for (const moved of [
      other({ cpuModel: 'AMD EPYC 9654' }),
      other({ cores: feb.environment.cores * 2 }),
      other({ node: '99.0.0' }),
      other({ sqlite: '9.99.0' }),
    ]) {
      const rows = trendRows([jan, moved]);
      expect(rows.filter((r) => r.date.startsWith('2026-02')).every((r) => r.readChange === null)).toBe(true);
      const table = renderTrend(rows);
      expect(table).toMatch(
        /^2 machines \(CPU model, cores, Node, SQLite\): separate series, never compared with each other\./,
      );
      expect(table.match(/^### /gm)).toHaveLength(2);
      expect(JSON.stringify(trendChart(rows))).toContain('tuned · quick · machine 2');
    }
    // One machine: one table, headed by it.
    expect(renderTrend(trendRows([jan, feb]))).toMatch(/^machine: .* ×\d+ · Node .* · SQLite /);
  });
});
