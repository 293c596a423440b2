import { defineCommand } from '../../lib/cli-kit.ts';
import { UsageError } from '../../lib/errors.ts';
import { maintainDatabase, type MaintainResult } from '../../ops/maintain.ts';
import { OPS_DEFAULTS, guard } from '../../ops/sqlite-access.ts';
import { bytes, duration } from '../../lib/format.ts';
import { alignColumns } from '../../lib/table.ts';

/** The text report of `loadlab maintain` (pure). */
export function renderMaintain(r: MaintainResult): string {
  const lines = [
    `maintain ${r.file} (journal_mode ${r.journalMode}, auto_vacuum ${r.autoVacuum})`,
    '',
    ...alignColumns([
      ['step', 'status', 'time', 'note'],
      ...r.steps.map((s) => [s.step, s.status, duration(s.ms), s.message]),
    ]),
  ];
  for (const s of r.steps) {
    if (!s.space) continue;
    const { predictedBytes: p, actualBytes: a } = s.space;
    const diff =
      p === 0 ? (a === 0 ? 'both zero' : 'nothing predicted') : `${(((a - p) / p) * 100).toFixed(1)}% from predicted`;
    lines.push(
      '',
      `${s.step}: predicted reclaim ${bytes(p)} (freelist ${s.space.freelistBefore} × ${s.space.pageSize} B), ` +
        `actual ${bytes(a)} (file ${bytes(s.space.fileBytesBefore)} -> ${bytes(s.space.fileBytesAfter)}); ${diff}`,
    );
  }
  lines.push(
    '',
    `file ${bytes(r.fileBytesBefore)} -> ${bytes(r.fileBytesAfter)}, -wal ${r.walBytesAfter === null ? 'none' : bytes(r.walBytesAfter)}`,
  );
  return lines.join('\n') + '\n';
}

export const command = defineCommand({
  name: 'maintain',
  summary:
    'Maintenance steps, each timed: PRAGMA optimize, ANALYZE, incremental_vacuum, VACUUM (predicted vs actual reclaim), WAL checkpoint.',
  args: 'DB',
  details: `Steps run in this order whatever the order of the flags: optimize, analyze,
incremental-vacuum, vacuum, checkpoint. For VACUUM and incremental_vacuum it prints the
reclaim predicted from freelist_count × page_size (at most N pages for incremental_vacuum N)
beside the actual change in file size
(in WAL mode the WAL is checkpointed before and after, so the file size is comparable).

exit: 0 ok, 1 a step failed (e.g. a checkpoint blocked by readers), 2 bad path / not SQLite / locked.
example: loadlab maintain data/app.sqlite --optimize --vacuum --checkpoint`,
  options: {
    optimize: { kind: 'boolean', help: 'PRAGMA optimize=0x10002 (all tables considered)' },
    analyze: { kind: 'boolean', help: 'ANALYZE (full statistics)' },
    'incremental-vacuum': {
      kind: 'number',
      value: 'N',
      min: 0,
      integer: true,
      help: 'free N pages (0 = all); needs auto_vacuum=INCREMENTAL',
    },
    vacuum: { kind: 'boolean', help: 'VACUUM: rewrites the file, needs its size free and an exclusive lock' },
    checkpoint: { kind: 'boolean', help: 'PRAGMA wal_checkpoint(TRUNCATE)' },
    'busy-timeout': {
      kind: 'number',
      value: 'MS',
      default: OPS_DEFAULTS.busyTimeoutMs,
      min: 0,
      integer: true,
      help: "how long to wait for another process's lock",
    },
    json: { kind: 'boolean', help: 'print the result as JSON' },
  },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const pages = values['incremental-vacuum'];
    const busyTimeoutMs = values['busy-timeout'];
    const opts = {
      optimize: values.optimize,
      analyze: values.analyze,
      incrementalVacuumPages: pages,
      vacuum: values.vacuum,
      checkpoint: values.checkpoint,
      busyTimeoutMs,
    };
    if (!opts.optimize && !opts.analyze && pages === undefined && !opts.vacuum && !opts.checkpoint) {
      throw new UsageError(
        'maintain: nothing to do: pass at least one of --optimize, --analyze, --incremental-vacuum N, --vacuum, --checkpoint',
      );
    }
    const result = guard(positionals[0]!, () => maintainDatabase(positionals[0]!, opts));
    process.stdout.write(values.json ? JSON.stringify(result) + '\n' : renderMaintain(result));
    return result.steps.some((s) => s.status === 'failed') ? 1 : 0;
  },
});
