import { defineCommand, numberFlag } from '../../lib/cli-kit.ts';
import { UsageError } from '../../lib/errors.ts';
import { maintainDatabase, type MaintainResult } from '../../ops/maintain.ts';
import { OPS_DEFAULTS, guard } from '../../ops/sqlite-access.ts';
import { columns, formatBytes, formatMs } from '../../ops/units.ts';

/** The text report of `loadlab maintain` (pure). */
export function renderMaintain(r: MaintainResult): string {
  const lines = [
    `maintain ${r.file} (journal_mode ${r.journalMode}, auto_vacuum ${r.autoVacuum})`,
    '',
    ...columns([['step', 'status', 'time', 'note'], ...r.steps.map((s) => [s.step, s.status, formatMs(s.ms), s.message])]),
  ];
  for (const s of r.steps) {
    if (!s.space) continue;
    const { predictedBytes: p, actualBytes: a } = s.space;
    const diff = p === 0 ? (a === 0 ? 'both zero' : 'nothing predicted') : `${(((a - p) / p) * 100).toFixed(1)}% from predicted`;
    lines.push(
      '',
      `${s.step}: predicted reclaim ${formatBytes(p)} (freelist ${s.space.freelistBefore} × ${s.space.pageSize} B), ` +
        `actual ${formatBytes(a)} (file ${formatBytes(s.space.fileBytesBefore)} -> ${formatBytes(s.space.fileBytesAfter)}); ${diff}`,
    );
  }
  lines.push('', `file ${formatBytes(r.fileBytesBefore)} -> ${formatBytes(r.fileBytesAfter)}, -wal ${r.walBytesAfter === null ? 'none' : formatBytes(r.walBytesAfter)}`);
  return lines.join('\n') + '\n';
}

export const command = defineCommand({
  name: 'maintain',
  summary: 'Maintenance steps, each timed: PRAGMA optimize, ANALYZE, incremental_vacuum, VACUUM (predicted vs actual reclaim), WAL checkpoint.',
  usage: 'loadlab maintain DB [--optimize] [--analyze] [--incremental-vacuum N] [--vacuum] [--checkpoint] [--busy-timeout MS] [--json]',
  details: `Steps run in this order whatever the order of the flags: optimize, analyze,
incremental-vacuum, vacuum, checkpoint. For VACUUM and incremental_vacuum it prints the
reclaim predicted from freelist_count × page_size (at most N pages for incremental_vacuum N)
beside the actual change in file size
(in WAL mode the WAL is checkpointed before and after, so the file size is comparable).

options:
  --optimize              PRAGMA optimize=0x10002 (all tables considered)
  --analyze               ANALYZE (full statistics)
  --incremental-vacuum N  free N pages (0 = all); needs auto_vacuum=INCREMENTAL
  --vacuum                VACUUM: rewrites the file, needs its size free and an exclusive lock
  --checkpoint            PRAGMA wal_checkpoint(TRUNCATE)
  --busy-timeout MS       how long to wait for another process's lock (default ${OPS_DEFAULTS.busyTimeoutMs})
  --json                  print the result as JSON

exit: 0 ok, 1 a step failed (e.g. a checkpoint blocked by readers), 2 bad path / not SQLite / locked.
example: loadlab maintain data/app.sqlite --optimize --vacuum --checkpoint`,
  options: {
    optimize: { type: 'boolean' },
    analyze: { type: 'boolean' },
    'incremental-vacuum': { type: 'string' },
    vacuum: { type: 'boolean' },
    checkpoint: { type: 'boolean' },
    'busy-timeout': { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const pages = values['incremental-vacuum'] === undefined ? undefined : numberFlag('incremental-vacuum', values['incremental-vacuum'], 0, { min: 0, integer: true });
    const busyTimeoutMs = numberFlag('busy-timeout', values['busy-timeout'], OPS_DEFAULTS.busyTimeoutMs, { min: 0, integer: true });
    const opts = { optimize: values.optimize, analyze: values.analyze, incrementalVacuumPages: pages, vacuum: values.vacuum, checkpoint: values.checkpoint, busyTimeoutMs };
    if (!opts.optimize && !opts.analyze && pages === undefined && !opts.vacuum && !opts.checkpoint) {
      throw new UsageError('maintain: nothing to do: pass at least one of --optimize, --analyze, --incremental-vacuum N, --vacuum, --checkpoint');
    }
    const result = guard(positionals[0]!, () => maintainDatabase(positionals[0]!, opts));
    process.stdout.write(values.json ? JSON.stringify(result) + '\n' : renderMaintain(result));
    return result.steps.some((s) => s.status === 'failed') ? 1 : 0;
  },
});
