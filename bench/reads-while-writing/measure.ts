import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { openDatabase } from '../../db/open.ts';
import type { Profile } from '../../db/profiles.ts';
import { rowCounts } from '../../db/data-shape.ts';
import { createSqliteStore } from '../../db/store.ts';
import { createRng } from '../../lib/rng.ts';
import type { ReadsWhileWritingRecord } from '../../lib/records/reads-while-writing.ts';
import * as hdr from 'hdr-histogram-js';

// Worker threads do not inherit tsx's loader: register it in the thread, then load the module.
const BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./writer-thread.ts', import.meta.url).href)}); })`;

export interface ReadsWhileWritingOptions {
  /** The seeded database (copied; the copy is removed after). */
  seeded: string;
  profile: Profile;
  scale: number;
  seed: number;
  workDir: string;
  durationMs: number;
}

interface WriterResult {
  writes: number;
  busy: number;
  errors: number;
  lastError: string;
}

/**
 * Reads by primary key on this thread's connection for `durationMs`, while a writer thread
 * inserts without pause on its own connection; both opened with the profile. Bounded: the
 * writer stops when the read loop ends, and is terminated if it does not within 10 s.
 */
export async function measureReadsWhileWriting(o: ReadsWhileWritingOptions): Promise<ReadsWhileWritingRecord> {
  const file = join(o.workDir, `rww-${o.profile.name}-${process.pid}-${Date.now().toString(36)}.sqlite`);
  const failed = (reason: string): ReadsWhileWritingRecord => ({
    profile: o.profile.name,
    status: 'failed',
    reason,
    durationS: 0,
    reads: 0,
    readsPerSec: 0,
    latencyUs: { p50: 0, p95: 0, p99: 0, max: 0 },
    refused: 0,
    writes: 0,
    writesBusy: 0,
  });
  copyFileSync(o.seeded, file);
  const rows = rowCounts(o.scale);
  const stop = new SharedArrayBuffer(4);
  const flag = new Int32Array(stop);
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { db: file, profile: o.profile, stop, campaigns: rows.campaigns },
  });
  const messages: unknown[] = [];
  const waiters: ((m: unknown) => void)[] = [];
  worker.on('message', (m) => {
    const w = waiters.shift();
    if (w) w(m);
    else messages.push(m);
  });
  let workerError: Error | null = null;
  worker.once('error', (err) => {
    workerError = err;
    for (const w of waiters.splice(0)) w({ error: err.message });
  });
  const next = (timeoutMs: number) =>
    new Promise<unknown>((resolve) => {
      if (messages.length) return resolve(messages.shift());
      if (workerError) return resolve({ error: (workerError as Error).message });
      const timer = setTimeout(
        () => resolve({ error: `no answer from the writer thread within ${timeoutMs} ms` }),
        timeoutMs,
      );
      waiters.push((m) => {
        clearTimeout(timer);
        resolve(m);
      });
    });
  let store: ReturnType<typeof createSqliteStore> | null = null;
  try {
    store = createSqliteStore(openDatabase(file, o.profile));
    const ready = (await next(30_000)) as { ready?: boolean; error?: string };
    if (!ready.ready) return failed(`writer thread did not start: ${ready.error ?? 'unknown'}`);
    const rng = createRng(o.seed);
    // Latency in µs (HDR, 3 significant digits).
    const histogram = hdr.build({
      lowestDiscernibleValue: 1,
      highestTrackableValue: 60_000_000,
      numberOfSignificantValueDigits: 3,
    });
    let reads = 0;
    let refused = 0;
    const t0 = performance.now();
    const end = t0 + o.durationMs;
    let now = t0;
    while (now < end) {
      const id = rng.int(1, rows.campaigns);
      try {
        store.getCampaign(id);
        const t = performance.now();
        histogram.recordValue(Math.max(1, Math.round((t - now) * 1000)));
        reads++;
        now = t;
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        if (typeof code !== 'string' || !/^SQLITE_(BUSY|LOCKED)/.test(code)) throw err;
        refused++;
        now = performance.now();
      }
    }
    const durationS = (now - t0) / 1000;
    Atomics.store(flag, 0, 1);
    const w = (await next(10_000)) as Partial<WriterResult> & { error?: string };
    const at = (p: number) => (reads ? histogram.getValueAtPercentile(p) : 0);
    const latencyUs = { p50: at(50), p95: at(95), p99: at(99), max: reads ? histogram.maxValue : 0 };
    histogram.destroy();
    if (w.error !== undefined || w.writes === undefined) return failed(`writer thread: ${w.error ?? 'no result'}`);
    if (w.errors) return failed(`writer thread: ${w.errors} failed writes, e.g. ${w.lastError}`);
    return {
      profile: o.profile.name,
      status: 'ok',
      durationS,
      reads,
      readsPerSec: reads / durationS,
      latencyUs,
      refused,
      writes: w.writes,
      writesBusy: w.busy ?? 0,
    };
  } catch (err) {
    return failed((err as Error).message);
  } finally {
    Atomics.store(flag, 0, 1);
    store?.close();
    await worker.terminate();
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
  }
}
