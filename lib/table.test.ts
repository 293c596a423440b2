import { describe, expect, it } from 'vitest';
import { renderTable, type Column } from './table.ts';
import { bytes, changeOrRatio, changesOrRatios, DASH, latency, num, opsPerSec, pct, ratio, rme } from './format.ts';

const cols: Column<{ name: string; n: number }>[] = [
  { header: 'name', cell: (r) => r.name },
  { header: 'n', align: 'right', cell: (r) => String(r.n) },
];

describe('renderTable', () => {
  it('renders Markdown with right-aligned columns and escaped pipes', () => {
    expect(renderTable(cols, [{ name: 'a|b', n: 12 }])).toBe('| name | n |\n| --- | ---: |\n| a\\|b | 12 |\n');
  });
  it('pads text tables to the widest cell', () => {
    expect(
      renderTable(
        cols,
        [
          { name: 'alpha', n: 1 },
          { name: 'b', n: 100 },
        ],
        'text',
      ),
    ).toBe('name     n\n-----  ---\nalpha    1\nb      100\n');
  });
});

describe('format', () => {
  it('signs percentages and handles missing values', () => {
    expect(pct(0.314)).toBe('+31.4 %');
    expect(pct(-0.3)).toBe('−30.0 %');
    expect(pct(null)).toBe('–');
    expect(num(1234.5)).toBe('1,235');
    expect(num(0.012345)).toBe('0.0123');
    expect(bytes(3 * 1048576)).toBe('3.0 MiB');
    expect(bytes(8 * 1024 ** 3)).toBe('8.0 GiB');
  });
  it('prints every missing value as the one empty-cell mark', () => {
    const formats = [num, pct, bytes, latency, opsPerSec, rme, ratio, changeOrRatio];
    for (const format of formats) expect(format(null)).toBe(DASH);
    expect(DASH).toBe('–');
    expect(opsPerSec(Number.POSITIVE_INFINITY)).toBe(DASH);
    expect(ratio(Number.POSITIVE_INFINITY)).toBe('∞');
  });
  it('formats bench and load figures by magnitude', () => {
    expect(opsPerSec(12.34)).toBe('12.3');
    expect(opsPerSec(125000)).toBe('125,000');
    expect([latency(1.5), latency(12), latency(1234)]).toEqual(['1.50', '12.0', '1,234']);
    expect([rme(3), rme(12.4)]).toEqual(['±3.0%', '±12%']);
    expect([ratio(1), ratio(17.3)]).toEqual(['1.00x', '17.3x']);
  });
  it('shows a change as a percentage up to ±100 %, and a spread in the same form as its value', () => {
    expect(changeOrRatio(0.05)).toBe('+5.0%');
    expect(changeOrRatio(-0.3)).toBe('−30%');
    expect(changeOrRatio(1.5)).toBe('2.50x');
    expect(changesOrRatios([0.5, 0.1, 1.2])).toEqual(['1.50x', '1.10x', '2.20x']);
  });
});
