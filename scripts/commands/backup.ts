import { defineCommand, numberFlag, requireFlag } from '../../lib/cli-kit.ts';
import { UsageError } from '../../lib/errors.ts';
import { BACKUP_DEFAULTS, BACKUP_METHODS, backupDatabase, type BackupMethod, type BackupResult } from '../../ops/backup.ts';
import { formatBytes, formatMs } from '../../ops/units.ts';

/** The text report of `loadlab backup` (pure). */
export function renderBackup(r: BackupResult): string {
  const rows = Object.entries(r.verification.tables)
    .map(([t, n]) => `${t}=${n ?? '?'}`)
    .join(' ');
  if (r.status !== 'ok') {
    return `backup FAILED (${r.method}): ${r.reason}\nnothing was kept and retention did not run.\n`;
  }
  const lines = [
    `backup ${r.file}`,
    `  method ${r.method}, snapshot at ${r.takenAt}, ${formatBytes(r.sqliteBytes)}${r.gzip ? ` -> ${formatBytes(r.bytes)} gzip` : ''}`,
    `  integrity_check ok; rows: ${rows || '(no tables)'}`,
    `  copy ${formatMs(r.ms.copy)}, verify ${formatMs(r.ms.verify)}${r.gzip ? `, gzip ${formatMs(r.ms.compress)}` : ''}, total ${formatMs(r.ms.total)}`,
  ];
  if (r.retention) {
    lines.push(`  retention: kept ${r.retention.kept.length}, deleted ${r.retention.deleted.length}`);
    for (const d of r.retention.deleted) lines.push(`    deleted ${d.name} (${d.reason})`);
  }
  return lines.join('\n') + '\n';
}

export const command = defineCommand({
  name: 'backup',
  summary: 'Consistent online backup: backup API or VACUUM INTO, integrity-checked, fsynced, timestamped, optional gzip and retention.',
  usage: 'loadlab backup DB --dir DIR [--method api|vacuum-into] [--gzip] [--keep N] [--max-age DAYS] [--busy-timeout MS] [--json]',
  details: `Takes a point-in-time copy while the database is in use (WAL writers are not blocked;
a rollback-journal database makes its writers wait for the copy). The copy is written
to a temp file in DIR, checked with PRAGMA integrity_check, fsynced, gzipped if asked,
renamed to <db>-<YYYYmmddTHHMMSS.sssZ>.sqlite[.gz], and DIR is fsynced. Only then does
retention run; it deletes only files named like this database's backups, never the one
just made, and nothing at all when verification failed.

options:
  --dir DIR        where backups go (created if missing)
  --method M       api (the SQLite online backup API, default) | vacuum-into (a compacted copy)
  --gzip           compress the verified copy (node:zlib), .sqlite.gz
  --keep N         keep the N newest backups of this database
  --max-age DAYS   delete backups older than DAYS (by the time in their name)
                   (with both, a backup goes when either rule says so)
  --busy-timeout MS  how long to wait for a lock held by a writer (default ${BACKUP_DEFAULTS.busyTimeoutMs})
  --json           print the result as JSON

exit: 0 ok, 1 verification failed (nothing kept), 2 bad path / not SQLite / locked.
example: loadlab backup data/app.sqlite --dir backups --gzip --keep 7`,
  options: {
    dir: { type: 'string' },
    method: { type: 'string' },
    gzip: { type: 'boolean' },
    keep: { type: 'string' },
    'max-age': { type: 'string' },
    'busy-timeout': { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const dir = requireFlag('backup', 'dir', values.dir);
    const method = (values.method ?? 'api') as BackupMethod;
    if (!BACKUP_METHODS.includes(method)) throw new UsageError(`--method must be one of ${BACKUP_METHODS.join(', ')}, got '${values.method}'`);
    const keep = values.keep === undefined ? undefined : numberFlag('keep', values.keep, 0, { min: 1, integer: true });
    const maxAgeDays = values['max-age'] === undefined ? undefined : numberFlag('max-age', values['max-age'], 0, { min: 0 });
    const busyTimeoutMs = numberFlag('busy-timeout', values['busy-timeout'], BACKUP_DEFAULTS.busyTimeoutMs, { min: 0, integer: true });
    const result = await backupDatabase({ db: positionals[0]!, dir, method, gzip: values.gzip ?? false, retention: { keep, maxAgeDays }, busyTimeoutMs });
    process.stdout.write(values.json ? JSON.stringify(result) + '\n' : renderBackup(result));
    return result.status === 'ok' ? 0 : 1;
  },
});
