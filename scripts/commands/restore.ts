import { defineCommand } from '../../lib/cli-kit.ts';
import { restoreDatabase, type RestoreResult } from '../../ops/restore.ts';
import { bytes, duration } from '../../lib/format.ts';

/** The text report of `loadlab restore` (pure). */
export function renderRestore(r: RestoreResult): string {
  if (r.status !== 'ok') return `restore FAILED: ${r.reason}\n${r.target} was not touched.\n`;
  const rows = Object.entries(r.verification.tables)
    .map(([t, n]) => `${t}=${n ?? '?'}`)
    .join(' ');
  const lines = [
    `restored ${r.backup} -> ${r.target}${r.replaced ? ' (replaced)' : ''}`,
    `  ${r.compressed ? 'decompressed, ' : ''}integrity_check ok, ${bytes(r.bytes)}, ${duration(r.ms)}`,
    `  rows: ${rows || '(no tables)'}`,
  ];
  if (r.removedSidecars.length > 0) lines.push(`  removed stale ${r.removedSidecars.join(', ')}`);
  return lines.join('\n') + '\n';
}

export const command = defineCommand({
  name: 'restore',
  summary: 'Restore a backup (plain or gzip) over a database atomically, after an integrity check.',
  args: 'BACKUP DB',
  details: `Decompresses (gzip is detected from the content) or copies BACKUP into a temp file beside
DB, runs PRAGMA integrity_check, fsyncs, removes DB's stale -wal/-shm/-journal (an old WAL
replayed into the new file would corrupt it), renames over DB and fsyncs the directory.
DB is untouched unless the copy verified. Stop the application first: a process that
still has the old file open keeps using the old file.

exit: 0 restored, 1 the backup failed verification, 2 bad path / not SQLite / target exists / locked.
example: loadlab restore backups/app-20261126T030000.000Z.sqlite.gz data/app.sqlite --force`,
  options: {
    force: { kind: 'boolean', help: 'replace an existing DB (refused while another process holds its write lock)' },
    json: { kind: 'boolean', help: 'print the result as JSON' },
  },
  positionals: [2, 2],
  async run({ values, positionals }) {
    const result = await restoreDatabase({
      backup: positionals[0]!,
      target: positionals[1]!,
      force: values.force ?? false,
    });
    process.stdout.write(values.json ? JSON.stringify(result) + '\n' : renderRestore(result));
    return result.status === 'ok' ? 0 : 1;
  },
});
