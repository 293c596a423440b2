import { ensureDir } from './ensure-dir.ts';
import { execFileSync, spawnSync } from 'node:child_process';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { cpus, hostname, release, totalmem, platform } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { packageVersion } from './versions.ts';
import type { Environment, Pinning } from './records/environment.ts';

function tryRun(cmd: string, args: string[]): string | null {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
  } catch {
    return null;
  }
}

/**
 * Filesystem type of a directory: `findmnt` (names ext4 as ext4), else `stat -f` (which
 * reports ext4 as 'ext2/ext3', the magic number they share), else 'unknown'.
 */
export function filesystemOf(dir: string): string {
  return tryRun('findmnt', ['-n', '-o', 'FSTYPE', '-T', dir]) || tryRun('stat', ['-f', '-c', '%T', dir]) || 'unknown';
}

/** Median µs of appending 4 KiB and fsyncing, in `dir` (what a commit costs on this disk). */
export function fsyncProbeUs(dir: string, rounds = 30): number | null {
  const file = join(dir, `.fsync-probe-${process.pid}`);
  try {
    const fd = openSync(file, 'w');
    const block = Buffer.alloc(4096, 7);
    const times: number[] = [];
    try {
      for (let i = 0; i < rounds; i++) {
        const t0 = process.hrtime.bigint();
        writeSync(fd, block);
        fsyncSync(fd);
        times.push(Number(process.hrtime.bigint() - t0) / 1000);
      }
    } finally {
      closeSync(fd);
    }
    times.sort((a, b) => a - b);
    return Math.round(times[Math.floor(times.length / 2)]!);
  } catch {
    return null;
  } finally {
    rmSync(file, { force: true });
  }
}

/** The k6 binary to use: K6_BIN, else `k6` on PATH; null when neither runs. */
export function findK6(): { bin: string; version: string } | null {
  const bin = process.env.K6_BIN || 'k6';
  const r = spawnSync(bin, ['version'], { encoding: 'utf8', timeout: 10_000 });
  if (r.error || r.status !== 0) return null;
  return { bin, version: (r.stdout || '').trim().split('\n')[0] ?? 'unknown' };
}

export function hasTaskset(): boolean {
  return spawnSync('taskset', ['-c', '0', 'true'], { timeout: 5000 }).status === 0;
}

/** Server on CPU 0, generator on CPU 1, when taskset exists and there are at least 2 CPUs. */
export function choosePinning(): Pinning {
  const n = cpus().length;
  if (n < 2) return { pinned: false, serverCpu: null, generatorCpu: null, reason: `only ${n} CPU` };
  if (!hasTaskset()) return { pinned: false, serverCpu: null, generatorCpu: null, reason: 'taskset not available' };
  return { pinned: true, serverCpu: 0, generatorCpu: 1 };
}

/**
 * True when a DAMON context pages out idle memory (seen on cloud VMs): file pages of a
 * database that sat idle are dropped from the page cache, so un-mmapped, small-cache
 * reads slow down between runs for reasons that are not SQLite's.
 */
export function damonPageout(root = '/sys/kernel/mm/damon/admin/kdamonds'): boolean {
  try {
    for (const k of readdirSync(root)) {
      if (!/^\d+$/.test(k)) continue;
      if (readFileSync(join(root, k, 'state'), 'utf8').trim() !== 'on') continue;
      const contexts = join(root, k, 'contexts');
      for (const c of readdirSync(contexts).filter((d) => /^\d+$/.test(d))) {
        const schemes = join(contexts, c, 'schemes');
        for (const sc of readdirSync(schemes).filter((d) => /^\d+$/.test(d))) {
          if (readFileSync(join(schemes, sc, 'action'), 'utf8').trim() === 'pageout') return true;
        }
      }
    }
  } catch {
    // no DAMON sysfs, or not readable: nothing to report
  }
  return false;
}

export interface ProbeOptions {
  dataDir: string;
  pinning?: Pinning;
  /** Skip the fsync probe (tests). */
  skipFsync?: boolean;
}

/** What this machine is, recorded with every result. */
export function probeEnvironment(opts: ProbeOptions): Environment {
  const dataDir = resolve(opts.dataDir);
  if (!existsSync(dataDir)) ensureDir(dataDir);
  const filesystem = filesystemOf(dataDir);
  const fsyncUs = opts.skipFsync ? null : fsyncProbeUs(dataDir);
  const db = new Database(':memory:');
  const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
  db.close();
  const k6 = findK6();
  const cores = cpus().length;
  const caveats: string[] = [];
  if (/tmpfs|ramfs/.test(filesystem))
    caveats.push(`data directory is on ${filesystem}: fsync costs nothing, so durability settings look free`);
  if (cores <= 2)
    caveats.push(
      `${cores} CPU cores: the server and the load generator each get one at most; multi-process topologies have no spare core`,
    );
  if (opts.pinning && !opts.pinning.pinned)
    caveats.push(`server and generator not pinned to separate CPUs (${opts.pinning.reason ?? 'unknown reason'})`);
  if (!k6) caveats.push('k6 not found (K6_BIN or PATH): k6 stages skipped');
  if (damonPageout()) {
    caveats.push(
      'the kernel pages out idle memory (DAMON pageout is on): database pages idle for a few seconds leave the page cache, so cold reads appear at random; compare runs made back to back',
    );
  }
  return {
    date: new Date().toISOString(),
    gitSha: tryRun('git', ['rev-parse', 'HEAD']),
    hostname: hostname(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    cores,
    memoryBytes: totalmem(),
    kernel: release(),
    platform: platform(),
    dataDir,
    filesystem,
    fsyncUs,
    node: process.version,
    sqlite,
    betterSqlite3: packageVersion('better-sqlite3'),
    autocannon: packageVersion('autocannon'),
    tinybench: packageVersion('tinybench'),
    k6: k6?.version ?? null,
    taskset: hasTaskset(),
    ...(opts.pinning ? { pinning: opts.pinning } : {}),
    caveats,
  };
}
