import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { UsageError } from '../../lib/errors.ts';
import { BACKUP_METHODS, type BackupMethod } from '../../ops/backup.ts';
import { bytes } from '../../lib/format.ts';
import {
  BACKUP_UNDER_LOAD_DEFAULTS as D,
  runBackupUnderLoad,
  type BackupUnderLoadRecord,
} from '../../load/backup-under-load.ts';

/** The text report (pure). */
export function renderBackupUnderLoad(r: BackupUnderLoadRecord): string {
  const w = r.writeLatencyMs;
  const line = (name: string, p: typeof w.without) =>
    `  ${name.padEnd(8)} n=${String(p.count).padEnd(5)} p50 ${p.p50.toFixed(2)} ms  p99 ${p.p99.toFixed(2)} ms  max ${p.max.toFixed(2)} ms`;
  const e = r.environment;
  const lines = [
    `context     ${e.date}, git ${e.gitSha?.slice(0, 10) ?? '?'}, node ${e.node}, SQLite ${e.sqlite}, ${e.cpuModel} × ${e.cores}, ${e.filesystem}, fsync ${e.fsyncUs ?? '?'} µs, ${e.pinning?.pinned ? `server CPU ${e.pinning.serverCpu}, generator CPU ${e.pinning.generatorCpu}` : 'not pinned'}`,
    ...e.caveats.map((c) => `caveat      ${c}`),
    `backup under load: ${r.scenario}, profile ${r.profile}, scale ${r.scale}, ${r.connections} connections, backup ${r.method}${r.gzip ? ' + gzip' : ''}: ${r.status.toUpperCase()}${r.reason ? ` (${r.reason})` : ''}`,
    r.backup
      ? `backup      ${r.backup.ms.toFixed(0)} ms total (copy ${r.backup.copyMs.toFixed(0)} ms), ${bytes(r.backup.bytes)}, integrity_check ${r.backup.integrity.join('; ')}`
      : 'backup      none',
    'write latency (POST /contents prober, by start time):',
    line('without', w.without),
    line('during', w.during),
    line('after', w.after),
    r.load
      ? `load        ${r.load.requests} requests, ${r.load.rps} rps, p99 ${r.load.p99} ms, non-2xx ${r.load.non2xx}, errors ${r.load.errors}`
      : 'load        generator failed',
    `WAL         ${bytes(r.wal.bytesAtStart)} at backup start, max ${bytes(r.wal.maxDuring)} during, ${bytes(r.wal.bytesAtEnd)} at the end`,
    r.rows
      ? `rows        contents: live ${r.rows.liveBefore} before <= snapshot ${r.rows.snapshot} <= live ${r.rows.liveAfter} after; restored ${r.rows.restored}: ${r.rows.consistent ? 'consistent' : 'INCONSISTENT'}`
      : 'rows        not checked',
  ];
  if (w.during.count < 100)
    lines.push(
      `note: ${w.during.count} writes fell in the backup window; a p99 of so few samples is close to their max.`,
    );
  return lines.join('\n') + '\n';
}

export const command = defineCommand({
  name: 'backup-under-load',
  summary:
    'Take a backup while mix-80-20 runs: backup duration, write p99 during vs without, WAL growth, restore row counts.',
  details: `Seeds (or reuses) a database, serves a fresh copy, runs the scenario with autocannon in
its own process, and after --backup-at of the measured window runs 'loadlab backup' in
another process. A prober here sends POST /contents every ${D.probeEveryMs} ms and sorts each write by
its start time: before the backup ("without"), inside its window ("during"), after it.
The WAL size is sampled every 20 ms. The backup is restored; its row count must equal what
it claims and lie between the live counts just before and after it.

exit: 0 ok, 1 the backup failed or its rows are inconsistent, 2 bad options.
example: loadlab backup-under-load --scale 0.1 --duration 10 --out reports/runs/backup-under-load.json`,
  options: {
    profile: { ...SHARED.profile, default: D.profile },
    config: SHARED.config,
    scale: { ...SHARED.scale, default: D.scale },
    connections: {
      kind: 'number',
      value: 'N',
      default: D.connections,
      min: 1,
      max: 1000,
      integer: true,
      help: 'autocannon connections',
    },
    duration: { kind: 'number', value: 'S', default: D.durationS, min: 1, max: 600, help: 'measured seconds' },
    warmup: { kind: 'number', value: 'S', default: D.warmupS, min: 0, max: 60, help: 'warm-up seconds, excluded' },
    'backup-at': {
      kind: 'number',
      value: 'F',
      default: D.backupAt,
      min: 0,
      max: 0.9,
      help: 'backup start as a fraction of the measured window',
    },
    method: { kind: 'string', value: 'M', default: D.method, help: 'api | vacuum-into' },
    gzip: { kind: 'boolean', help: 'compress the backup' },
    'data-dir': {
      kind: 'string',
      value: 'DIR',
      default: D.dataDir,
      help: 'seeded database and run files; use a real disk',
    },
    'no-pin': {
      kind: 'boolean',
      help: 'do not pin the server and the generator to separate CPUs (default: pin with taskset)',
    },
    out: { kind: 'string', value: 'FILE', help: 'also write the record as JSON' },
    json: { kind: 'boolean', help: 'print the record as JSON' },
  },
  async run({ values }, { catalog }) {
    const profile = catalog.profile(values.profile);
    const method = values.method as BackupMethod;
    if (!BACKUP_METHODS.includes(method))
      throw new UsageError(`--method must be one of ${BACKUP_METHODS.join(', ')}, got '${values.method}'`);
    const record = await runBackupUnderLoad({
      profile,
      catalogSpec: catalog.spec,
      method,
      gzip: values.gzip ?? false,
      scale: values.scale,
      connections: values.connections,
      durationS: values.duration,
      warmupS: values.warmup,
      backupAt: values['backup-at'],
      dataDir: values['data-dir'],
      pin: !(values['no-pin'] ?? false),
    });
    if (values.out) writeJsonAtomic(values.out, record);
    process.stdout.write(values.json ? JSON.stringify(record) + '\n' : renderBackupUnderLoad(record));
    return record.status === 'ok' ? 0 : 1;
  },
});
