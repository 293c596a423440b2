import { describe, expect, it } from 'vitest';
import { renderTable, type Column } from './table.ts';
import { pct, num, bytes } from './format.ts';

const cols: Column<{ name: string; n: number }>[] = [
  { header: 'name', cell: (r) => r.name },
  { header: 'n', align: 'right', cell: (r) => String(r.n) },
];

describe('renderTable', () => {
  it('renders Markdown with right-aligned columns and escaped pipes', () => {
    expect(renderTable(cols, [{ name: 'a|b', n: 12 }])).toBe('| name | n |\n| --- | ---: |\n| a\\|b | 12 |\n');
  });
  it('pads text tables to the widest cell', () => {
    expect(renderTable(cols, [{ name: 'alpha', n: 1 }, { name: 'b', n: 100 }], 'text')).toBe(
      'name     n\n-----  ---\nalpha    1\nb      100\n',
    );
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
  });
});
