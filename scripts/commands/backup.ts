import { defineCommand } from '../../lib/cli-kit.ts';
import { UsageError } from '../../lib/errors.ts';
import {
  BACKUP_DEFAULTS,
  BACKUP_METHODS,
  backupDatabase,
  type BackupMethod,
  type BackupResult,
} from '../../ops/backup.ts';
import { bytes, duration } from '../../lib/format.ts';

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
    `  method ${r.method}, snapshot at ${r.takenAt}, ${bytes(r.sqliteBytes)}${r.gzip ? ` -> ${bytes(r.bytes)} gzip` : ''}`,
    `  integrity_check ok; rows: ${rows || '(no tables)'}`,
    `  copy ${duration(r.ms.copy)}, verify ${duration(r.ms.verify)}${r.gzip ? `, gzip ${duration(r.ms.compress)}` : ''}, total ${duration(r.ms.total)}`,
  ];
  if (r.retention) {
    lines.push(`  retention: kept ${r.retention.kept.length}, deleted ${r.retention.deleted.length}`);
    for (const d of r.retention.deleted) lines.push(`    deleted ${d.name} (${d.reason})`);
  }
  return lines.join('\n') + '\n';
}

export const command = defineCommand({
  name: 'backup',
  summary:
    'Consistent online backup: backup API or VACUUM INTO, integrity-checked, fsynced, timestamped, optional gzip and retention.',
  args: 'DB',
  details: `Takes a point-in-time copy while the database is in use (WAL writers are not blocked;
a rollback-journal database makes its writers wait for the copy). The copy is written
to a temp file in DIR, checked with PRAGMA integrity_check, fsynced, gzipped if asked,
renamed to <db>-<YYYYmmddTHHMMSS.sssZ>.sqlite[.gz], and DIR is fsynced. Only then does
retention run; it deletes only files named like this database's backups, never the one
just made, and nothing at all when verification failed.

With --keep and --max-age both, a backup goes when either rule says so.

exit: 0 ok, 1 verification failed (nothing kept), 2 bad path / not SQLite / locked.
example: loadlab backup data/app.sqlite --dir backups --gzip --keep 7`,
  options: {
    dir: { kind: 'string', value: 'DIR', required: true, help: 'where backups go (created if missing)' },
    method: {
      kind: 'string',
      value: 'M',
      default: 'api',
      help: 'api (the SQLite online backup API) | vacuum-into (a compacted copy)',
    },
    gzip: { kind: 'boolean', help: 'compress the verified copy (node:zlib), .sqlite.gz' },
    keep: { kind: 'number', value: 'N', min: 1, integer: true, help: 'keep the N newest backups of this database' },
    'max-age': {
      kind: 'number',
      value: 'DAYS',
      min: 0,
      help: 'delete backups older than DAYS (by the time in their name)',
    },
    'busy-timeout': {
      kind: 'number',
      value: 'MS',
      default: BACKUP_DEFAULTS.busyTimeoutMs,
      min: 0,
      integer: true,
      help: 'how long to wait for a lock held by a writer',
    },
    json: { kind: 'boolean', help: 'print the result as JSON' },
  },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const method = values.method as BackupMethod;
    if (!BACKUP_METHODS.includes(method))
      throw new UsageError(`--method must be one of ${BACKUP_METHODS.join(', ')}, got '${values.method}'`);
    const retention = { keep: values.keep, maxAgeDays: values['max-age'] };
    const result = await backupDatabase({
      db: positionals[0]!,
      dir: values.dir,
      method,
      gzip: values.gzip ?? false,
      retention,
      busyTimeoutMs: values['busy-timeout'],
    });
    process.stdout.write(values.json ? JSON.stringify(result) + '\n' : renderBackup(result));
    return result.status === 'ok' ? 0 : 1;
  },
});
