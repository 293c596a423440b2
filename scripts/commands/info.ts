import { defineCommand } from '../../lib/cli-kit.ts';
import { AUTO_VACUUM_NAMES } from '../../ops/catalog.ts';
import { collectInfo, type DatabaseInfo } from '../../ops/info.ts';
import { bytes } from '../../lib/format.ts';
import { alignColumns } from '../../lib/table.ts';

/** The text report of `loadlab info` (pure). */
export function renderInfo(info: DatabaseInfo): string {
  const lines = [
    `database      ${info.file}  ${bytes(info.bytes)}, -wal ${info.walBytes === null ? 'none' : bytes(info.walBytes)}`,
    `sqlite        ${info.sqliteVersion}`,
    `journal_mode  ${info.journalMode}`,
    `auto_vacuum   ${AUTO_VACUUM_NAMES[info.autoVacuum] ?? info.autoVacuum} (${info.autoVacuum})`,
    `pages         ${info.pageCount} × ${info.pageSize} B; ${info.freelistCount} free (${bytes(info.freeBytes)} VACUUM could return)`,
    `user_version  ${info.userVersion}`,
    '',
    ...alignColumns([
      ['table', 'rows', 'indexes'],
      ...info.tables.map((t) => [
        t.name,
        t.rows === null ? '?' : String(t.rows),
        t.indexes
          .map((i) => `${i.name}(${i.columns.join(', ')})${i.unique ? ' unique' : ''}${i.partial ? ' partial' : ''}`)
          .join('; ') || '-',
      ]),
    ]),
  ];
  if (info.views.length > 0) lines.push('', `views         ${info.views.join(', ')}`);
  lines.push('', `quick_check   ${info.quickCheckOk ? 'ok' : 'FAILED: ' + info.quickCheck.join('; ')}`);
  return lines.join('\n') + '\n';
}

export const command = defineCommand({
  name: 'info',
  summary: 'Describe an SQLite database (PRAGMAs, sizes, tables, indexes, quick_check) without writing to it.',
  args: 'DB',
  details: `Opens DB read-only: the file is never written (any SQLite file, not only seeded ones).
Shows journal_mode, auto_vacuum, page_size, page_count, freelist_count, the file and -wal
sizes, every table with its row count and indexes, the SQLite version and PRAGMA quick_check.

exit: 0 ok, 1 quick_check found a problem, 2 bad path / not SQLite / locked.
example: loadlab info data/tuned.sqlite`,
  options: { json: { kind: 'boolean', help: 'print the result as JSON' } },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const info = collectInfo(positionals[0]!);
    process.stdout.write(values.json ? JSON.stringify(info) + '\n' : renderInfo(info));
    return info.quickCheckOk ? 0 : 1;
  },
});
