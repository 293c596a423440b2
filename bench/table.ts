/** One table builder for every bench table: plain text for terminals, Markdown for reports. */
export type TableFormat = 'text' | 'markdown';

export interface Column {
  header: string;
  align?: 'left' | 'right';
}

export function renderTable(columns: Column[], rows: string[][], format: TableFormat): string {
  if (format === 'markdown') {
    const esc = (s: string) => s.replace(/\|/g, '\\|');
    const head = `| ${columns.map((c) => esc(c.header)).join(' | ')} |`;
    const rule = `|${columns.map((c) => (c.align === 'right' ? '---:' : '---')).join('|')}|`;
    return [head, rule, ...rows.map((r) => `| ${columns.map((_, i) => esc(r[i] ?? '')).join(' | ')} |`)].join('\n') + '\n';
  }
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    columns
      .map((c, i) => (c.align === 'right' ? (cells[i] ?? '').padStart(widths[i]!) : (cells[i] ?? '').padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
