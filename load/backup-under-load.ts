import { builtinProfile, type Profile } from '../db/profiles.ts';
import type { CatalogSpec } from '../lib/records/catalog-spec.ts';
import { ensureDir } from '../lib/ensure-dir.ts';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { CLI_BIN, spawnServer, trackChild, type ServerHandle } from '../lib/server-process.ts';
import { countRows } from '../ops/catalog.ts';
import { restoreDatabase } from '../ops/restore.ts';
import { withReadOnly } from '../ops/sqlite-access.ts';
import { choosePinning, probeEnvironment } from '../lib/environment.ts';
import { Environment } from '../lib/records/environment.ts';
import { startGenerator } from './engines/autocannon/generator-process.ts';
import { seededDatabase } from './runner.ts';

/**
 * Backup under load: `loadlab backup` runs in its own process while `mix-80-20` runs against
 * the fixture server. A write prober in this process (POST /contents every `probeEveryMs`)
 * timestamps each write, so write latency during the backup window is compared with the
 * same load without a backup. The WAL size is sampled throughout; the backup is restored
 * and its row counts compared with what it claims and with the live database around it.
 */

export interface BackupUnderLoadOptions {
  /** Resolved from the catalog at the door; default BACKUP_UNDER_LOAD_DEFAULTS.profile, built in. */
  profile?: Profile;
  /** The catalog the spawned server knows (custom profiles); default the built-in one. */
  catalogSpec?: CatalogSpec;
  scenario?: string;
  scale?: number;
  seed?: number;
  connections?: number;
  warmupS?: number;
  durationS?: number;
  /** When the backup starts, as a fraction of the measured window. */
  backupAt?: number;
  method?: 'api' | 'vacuum-into';
  gzip?: boolean;
  probeEveryMs?: number;
  dataDir?: string;
  /** Pin the server and the generator to separate CPUs with taskset when possible (default true). */
  pin?: boolean;
  /** Skip the environment's fsync probe (tests). */
  skipFsyncProbe?: boolean;
}

export const BACKUP_UNDER_LOAD_DEFAULTS = {
  profile: 'tuned',
  scenario: 'mix-80-20',
  scale: 0.1,
  seed: 42,
  connections: 20,
  warmupS: 2,
  durationS: 10,
  backupAt: 0.3,
  method: 'api' as const,
  gzip: false,
  probeEveryMs: 10,
  dataDir: 'data/backup-under-load',
  pin: true,
  skipFsyncProbe: false,
};

const Percentiles = z.object({ count: z.number().int(), p50: z.number(), p99: z.number(), max: z.number() });
export const BackupUnderLoadRecord = z.object({
  kind: z.literal('backup-under-load'),
  environment: Environment,
  status: z.enum(['ok', 'failed']),
  reason: z.string().optional(),
  profile: z.string(),
  scenario: z.string(),
  scale: z.number(),
  connections: z.number().int(),
  method: z.string(),
  gzip: z.boolean(),
  backup: z
    .object({
      ms: z.number(),
      copyMs: z.number(),
      bytes: z.number(),
      integrity: z.array(z.string()),
      takenAt: z.string(),
    })
    .nullable(),
  /** POST /contents latency (ms) of the prober, by when the write started. */
  writeLatencyMs: z.object({ without: Percentiles, during: Percentiles, after: Percentiles }),
  load: z
    .object({ requests: z.number(), rps: z.number(), p99: z.number(), non2xx: z.number(), errors: z.number() })
    .nullable(),
  wal: z.object({ bytesAtStart: z.number(), maxDuring: z.number(), bytesAtEnd: z.number() }),
  rows: z
    .object({
      table: z.string(),
      liveBefore: z.number(),
      snapshot: z.number(),
      liveAfter: z.number(),
      restored: z.number(),
      /** The restored copy has exactly what the backup claims, and that lies between the live counts around it. */
      consistent: z.boolean(),
    })
    .nullable(),
});
export type BackupUnderLoadRecord = z.infer<typeof BackupUnderLoadRecord>;

const BackupJson = z.object({
  status: z.enum(['ok', 'failed']),
  reason: z.string().optional(),
  file: z.string().optional(),
  bytes: z.number(),
  takenAt: z.string(),
  ms: z.object({ copy: z.number(), total: z.number() }),
  verification: z.object({
    ok: z.boolean(),
    integrity: z.array(z.string()),
    tables: z.record(z.string(), z.number().nullable()),
  }),
});

function percentiles(samples: number[]): z.infer<typeof Percentiles> {
  if (samples.length === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
  const s = [...samples].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
  const r3 = (n: number) => Math.round(n * 1000) / 1000;
  return { count: s.length, p50: r3(at(0.5)), p99: r3(at(0.99)), max: r3(s[s.length - 1]!) };
}

const walSize = (db: string) => (existsSync(`${db}-wal`) ? statSync(`${db}-wal`).size : 0);
const liveContents = (db: string) => withReadOnly(db, (h) => countRows(h, 'contents') ?? 0, 5000);

/** Runs `loadlab backup` as a child process and parses its JSON line. */
function runBackupProcess(
  db: string,
  dir: string,
  method: string,
  gzip: boolean,
  timeoutMs: number,
): Promise<z.infer<typeof BackupJson>> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(
      process.execPath,
      [CLI_BIN, 'backup', db, '--dir', dir, '--method', method, ...(gzip ? ['--gzip'] : []), '--json'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    trackChild(child);
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-2000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const parsed = BackupJson.safeParse(
        (() => {
          try {
            return JSON.parse(out.trim().split('\n').pop() ?? '');
          } catch {
            return undefined;
          }
        })(),
      );
      if (parsed.success) resolveRun(parsed.data);
      else reject(new Error(`backup process exited (${code}) without a result: ${err.trim().split('\n').pop() ?? ''}`));
    });
  });
}

/** Fires POST /contents every `everyMs` until stopped; records (start wall time, latency ms). */
function startProber(url: string, everyMs: number) {
  const samples: { at: number; ms: number; ok: boolean }[] = [];
  const body = JSON.stringify({ campaign_id: 1, title: 'backup-under-load probe', body: 'probe body '.repeat(20) });
  const timer = setInterval(() => {
    const at = Date.now();
    const t0 = performance.now();
    fetch(`${url}/contents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(10_000),
    })
      .then((r) => r.arrayBuffer().then(() => samples.push({ at, ms: performance.now() - t0, ok: r.status === 201 })))
      .catch(() => samples.push({ at, ms: performance.now() - t0, ok: false }));
  }, everyMs);
  return { samples, stop: () => clearInterval(timer) };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One measured run. A failure (server, generator, backup) is data in the record, not a throw. */
export async function runBackupUnderLoad(o: BackupUnderLoadOptions = {}): Promise<BackupUnderLoadRecord> {
  const opts = {
    ...BACKUP_UNDER_LOAD_DEFAULTS,
    ...Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)),
  } as Omit<typeof BACKUP_UNDER_LOAD_DEFAULTS, 'profile'>;
  const profile = o.profile ?? builtinProfile(BACKUP_UNDER_LOAD_DEFAULTS.profile);
  const dataDir = resolve(opts.dataDir);
  const seeded = seededDatabase(dataDir, profile, opts.scale, opts.seed);
  const runDir = join(dataDir, `run-${process.pid}-${Date.now().toString(36)}`);
  ensureDir(runDir);
  const db = join(runDir, 'live.sqlite');
  copyFileSync(seeded, db);
  const pinning = opts.pin
    ? choosePinning()
    : { pinned: false, serverCpu: null, generatorCpu: null, reason: 'pinning off' };
  const environment = probeEnvironment({ dataDir, pinning, skipFsync: opts.skipFsyncProbe });
  const base = {
    kind: 'backup-under-load' as const,
    environment,
    profile: profile.name,
    scenario: opts.scenario,
    scale: opts.scale,
    connections: opts.connections,
    method: opts.method,
    gzip: opts.gzip,
  };
  const wal = { bytesAtStart: 0, maxDuring: 0, bytesAtEnd: 0 };
  let server: ServerHandle | undefined;
  let prober: ReturnType<typeof startProber> | undefined;
  let generator: ReturnType<typeof startGenerator> | undefined;
  let record: BackupUnderLoadRecord;
  try {
    server = await spawnServer({
      db,
      profile: profile.name,
      ...(o.catalogSpec ? { catalog: o.catalogSpec } : {}),
      startTimeoutMs: 30_000,
      ...(pinning.serverCpu !== null ? { cpu: pinning.serverCpu } : {}),
    });
    generator = startGenerator(
      {
        url: server.url,
        scenario: opts.scenario,
        scale: opts.scale,
        seed: opts.seed,
        connections: opts.connections,
        warmupS: opts.warmupS,
        durationS: opts.durationS,
        rate: null,
        resetStats: true,
        timeoutS: 10,
      },
      {
        deadlineMs: (opts.warmupS + opts.durationS + 30) * 1000,
        ...(pinning.generatorCpu !== null ? { cpu: pinning.generatorCpu } : {}),
      },
    );
    const genResult = generator.result.catch((err: Error) => err);
    await sleep(opts.warmupS * 1000);
    const measureStart = Date.now();
    prober = startProber(server.url, opts.probeEveryMs);
    await sleep(opts.durationS * 1000 * opts.backupAt);
    wal.bytesAtStart = walSize(db);
    const liveBefore = liveContents(db);
    let sampling = true;
    const walSampler = (async () => {
      while (sampling) {
        wal.maxDuring = Math.max(wal.maxDuring, walSize(db));
        await sleep(20);
      }
    })();
    const backup = await runBackupProcess(
      db,
      join(runDir, 'backups'),
      opts.method,
      opts.gzip,
      opts.durationS * 1000 + 60_000,
    ).catch((err: Error) => err);
    sampling = false;
    await walSampler;
    const liveAfter = liveContents(db);
    const endAt = measureStart + opts.durationS * 1000;
    await sleep(Math.max(0, endAt - Date.now()));
    prober.stop();
    await sleep(200);
    const gen = await genResult;
    wal.bytesAtEnd = walSize(db);

    const load =
      gen instanceof Error
        ? null
        : {
            requests: gen.measured.requests,
            rps: gen.measured.durationS > 0 ? Math.round(gen.measured.requests / gen.measured.durationS) : 0,
            p99: gen.measured.latencyMs.p99,
            non2xx: Object.entries(gen.measured.statusCodes)
              .filter(([c]) => !c.startsWith('2'))
              .reduce((n, [, v]) => n + v, 0),
            errors: gen.measured.errors,
          };
    const okSamples = prober.samples.filter((s) => s.ok);
    const window =
      backup instanceof Error
        ? null
        : { from: Date.parse(backup.takenAt), to: Date.parse(backup.takenAt) + backup.ms.total };
    const writeLatencyMs = {
      without: percentiles(okSamples.filter((s) => !window || s.at < window.from).map((s) => s.ms)),
      during: percentiles(
        window ? okSamples.filter((s) => s.at >= window.from && s.at <= window.to).map((s) => s.ms) : [],
      ),
      after: percentiles(window ? okSamples.filter((s) => s.at > window.to).map((s) => s.ms) : []),
    };
    if (backup instanceof Error || backup.status !== 'ok' || !backup.file) {
      const reason = backup instanceof Error ? backup.message : `backup ${backup.status}: ${backup.reason ?? ''}`;
      record = { ...base, status: 'failed', reason, backup: null, writeLatencyMs, load, wal, rows: null };
    } else {
      const snapshot = backup.verification.tables.contents ?? -1;
      const restored = await restoreDatabase({ backup: backup.file, target: join(runDir, 'restored.sqlite') });
      const restoredRows = restored.verification.tables.contents ?? -1;
      const consistent =
        restored.status === 'ok' && restoredRows === snapshot && liveBefore <= snapshot && snapshot <= liveAfter;
      record = {
        ...base,
        status: consistent && load !== null ? 'ok' : 'failed',
        ...(consistent
          ? load === null
            ? { reason: `generator failed: ${(gen as Error).message}` }
            : {}
          : { reason: 'restored row counts differ from the snapshot the backup claims' }),
        backup: {
          ms: backup.ms.total,
          copyMs: backup.ms.copy,
          bytes: backup.bytes,
          integrity: backup.verification.integrity,
          takenAt: backup.takenAt,
        },
        writeLatencyMs,
        load,
        wal,
        rows: { table: 'contents', liveBefore, snapshot, liveAfter, restored: restoredRows, consistent },
      };
    }
  } catch (err) {
    record = {
      ...base,
      status: 'failed',
      reason: (err as Error).message.split('\n')[0]!,
      backup: null,
      writeLatencyMs: { without: percentiles([]), during: percentiles([]), after: percentiles([]) },
      load: null,
      wal,
      rows: null,
    };
  } finally {
    prober?.stop();
    generator?.stop();
    await server?.stop();
  }
  rmSync(runDir, { recursive: true, force: true });
  return BackupUnderLoadRecord.parse(record);
}
