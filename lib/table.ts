/**
 * The one table builder every report shares. Columns are data: a header, an alignment
 * and a cell function. Markdown for reports and PR summaries, aligned text for terminals.
 */
export interface Column<R> {
  header: string;
  align?: 'left' | 'right';
  cell: (row: R) => string;
}

export type TableFormat = 'markdown' | 'text';

/** Renders rows as a table; an empty row list gives a table with only its header. */
export function renderTable<R>(
  columns: readonly Column<R>[],
  rows: readonly R[],
  format: TableFormat = 'markdown',
): string {
  const cells = rows.map((row) => columns.map((c) => clean(c.cell(row), format)));
  const headers = columns.map((c) => clean(c.header, format));
  if (format === 'markdown') {
    const rule = columns.map((c) => (c.align === 'right' ? '---:' : '---'));
    return [headers, rule, ...cells].map((line) => `| ${line.join(' | ')} |`).join('\n') + '\n';
  }
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const pad = (text: string, i: number) =>
    columns[i]!.align === 'right' ? text.padStart(widths[i]!) : text.padEnd(widths[i]!);
  const lines = [headers.map(pad), widths.map((w) => '-'.repeat(w)), ...cells.map((r) => r.map(pad))];
  return lines.map((l) => l.join('  ').trimEnd()).join('\n') + '\n';
}

function clean(text: string, format: TableFormat): string {
  const oneLine = text.replace(/\r?\n/g, ' ');
  return format === 'markdown' ? oneLine.replace(/\|/g, '\\|') : oneLine;
}

/** Header-less aligned text columns (key/value lists, step lists): every cell but the last padded. */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}
