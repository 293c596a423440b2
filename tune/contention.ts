/**
 * busy_timeout where writes contend: the only setting that changes nothing on one connection.
 * With the winner's settings on a fresh copy of its file, several connections (worker
 * threads, each its own better-sqlite3 connection) run your writing statements at once, and
 * one runs your reads, for a fixed time, once per busy_timeout value. Each value reports the
 * writes done, the share SQLite refused as busy (SQLITE_BUSY: the error an application sees),
 * and the slowest calls. The answer is the smallest value with no refusal at this contention;
 * the fragment keeps 5000 ms unless that is not enough.
 */
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DRIVER_PATH } from '../bench/counted/job.ts';
import type { Query } from '../db/queries-file.ts';
import { FRAGMENT_BUSY_TIMEOUT_MS } from './fragment.ts';
import { pragmaStatements, type Settings } from './space.ts';

const WORKER = fileURLToPath(new URL('./contention-worker.cjs', import.meta.url));

/** busy_timeout values tried, ms: stock SQLite's 0, short waits, better-sqlite3's and the fragment's 5000. */
export const BUSY_TIMEOUTS = [0, 10, 100, 1000, 5000] as const;
/** Connections that write at once, and that read beside them. */
export const WRITERS = 4;
export const READERS = 1;
/** Calls per connection at most (the time bounds it first on any real database). */
const MAX_CALLS = 200_000;

export interface ContentionValue {
  busyTimeoutMs: number;
  /** Successful write calls per second, all writers together. */
  writesPerS: number;
  writeCalls: number;
  /** Write calls refused with SQLITE_BUSY, over all write calls. */
  busyShare: number;
  /** Read calls refused with SQLITE_BUSY (a rollback journal's readers wait for writers too). */
  readBusy: number;
  readCalls: number;
  /** Errors other than busy (the first one's message), which make the value unusable. */
  otherErrors: number;
  firstError?: string;
  /** The slowest write calls, ms: 99th percentile and maximum. */
  p99Ms: number | null;
  maxMs: number | null;
}

export interface ContentionResult {
  writers: number;
  readers: number;
  durationS: number;
  settings: Settings;
  values: ContentionValue[];
  /** The smallest value with no refusal (null: every value saw some). */
  smallestClean: number | null;
  /** What the fragment sets. */
  recommendedMs: number;
  error?: string;
}

interface WorkerResult {
  ok: number;
  busy: number;
  other: number;
  firstError: string | null;
  times: number[];
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** The smallest clean value, and what the fragment sets (5000 unless a larger one was needed and clean). */
export function chooseBusyTimeout(
  values: readonly ContentionValue[],
): Pick<ContentionResult, 'smallestClean' | 'recommendedMs'> {
  const clean = values
    .filter((v) => v.busyShare === 0 && v.readBusy === 0 && v.otherErrors === 0 && v.writeCalls > 0)
    .map((v) => v.busyTimeoutMs)
    .sort((a, b) => a - b);
  const smallestClean = clean[0] ?? null;
  return { smallestClean, recommendedMs: Math.max(FRAGMENT_BUSY_TIMEOUT_MS, smallestClean ?? 0) };
}

/** One busy_timeout value: WRITERS + READERS connections on `file` for `durationS`. */
async function runValue(
  file: string,
  settings: Settings,
  writes: readonly Query[],
  reads: readonly Query[],
  busyTimeoutMs: number,
  durationS: number,
): Promise<ContentionValue> {
  const gate = new SharedArrayBuffer(4);
  const roles = [
    ...Array.from({ length: WRITERS }, () => writes),
    ...(reads.length ? Array.from({ length: READERS }, () => reads) : []),
  ];
  const workers = roles.map(
    (qs) =>
      new Worker(WORKER, {
        workerData: {
          driver: DRIVER_PATH,
          file,
          // The journal mode is the file's (the variant is made in it); every connection sets the rest.
          pragmas: pragmaStatements(settings).filter((p) => !p.startsWith('journal_mode')),
          busyTimeoutMs,
          statements: qs.map((q) => ({ sql: q.sql, params: q.params })),
          durationMs: durationS * 1000,
          maxCalls: MAX_CALLS,
          gate,
        },
      }),
  );
  const results = workers.map(
    (w) =>
      new Promise<WorkerResult>((resolve, reject) => {
        w.on('message', (m: WorkerResult | { ready: true }) => {
          if (!('ready' in m)) resolve(m);
        });
        w.once('error', reject);
        w.once('exit', (code) => {
          if (code !== 0) reject(new Error(`a contention worker exited with ${code}`));
        });
      }),
  );
  // Open the gate once every connection is open and prepared.
  await Promise.all(
    workers.map((w) => new Promise<void>((resolve) => w.on('message', (m: { ready?: true }) => m.ready && resolve()))),
  );
  const flag = new Int32Array(gate);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  const all = await Promise.all(results);
  const w = all.slice(0, WRITERS);
  const r = all.slice(WRITERS);
  const writeCalls = w.reduce((s, x) => s + x.ok + x.busy + x.other, 0);
  const times = w.flatMap((x) => x.times).sort((a, b) => a - b);
  const firstError = all.find((x) => x.firstError)?.firstError;
  return {
    busyTimeoutMs,
    writesPerS: w.reduce((s, x) => s + x.ok, 0) / durationS,
    writeCalls,
    busyShare: writeCalls ? w.reduce((s, x) => s + x.busy, 0) / writeCalls : 0,
    readBusy: r.reduce((s, x) => s + x.busy, 0),
    readCalls: r.reduce((s, x) => s + x.ok + x.busy + x.other, 0),
    otherErrors: all.reduce((s, x) => s + x.other, 0),
    ...(firstError ? { firstError } : {}),
    p99Ms: quantile(times, 0.99),
    maxMs: times.at(-1) ?? null,
  };
}

/**
 * Every busy_timeout value in turn, each on its own fresh copy (`freshCopy`), `durationS` each.
 * Never throws: a failure is the record's error.
 */
export async function measureContention(input: {
  freshCopy: () => string;
  release?: (file: string) => void;
  settings: Settings;
  queries: readonly Query[];
  writing: ReadonlySet<string>;
  durationS: number;
}): Promise<ContentionResult> {
  const writes = input.queries.filter((q) => input.writing.has(q.name));
  const reads = input.queries.filter((q) => !input.writing.has(q.name));
  const base = {
    writers: WRITERS,
    readers: reads.length ? READERS : 0,
    durationS: input.durationS,
    settings: input.settings,
  };
  const values: ContentionValue[] = [];
  try {
    if (writes.length === 0) throw new Error('no query writes');
    for (const ms of BUSY_TIMEOUTS) {
      const file = input.freshCopy();
      try {
        values.push(await runValue(file, input.settings, writes, reads, ms, input.durationS));
      } finally {
        input.release?.(file);
      }
    }
    return { ...base, values, ...chooseBusyTimeout(values) };
  } catch (err) {
    return {
      ...base,
      values,
      smallestClean: null,
      recommendedMs: FRAGMENT_BUSY_TIMEOUT_MS,
      error: err instanceof Error ? err.message : String(err),
    };
  }
}
