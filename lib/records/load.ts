import { CountedRecord } from './counted.ts';
import { z } from 'zod';
import { recordFile } from './record-file.ts';
import { Pinning } from './environment.ts';
import { Status } from './bench.ts';

export const LatencyMs = z.object({
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  p999: z.number(),
  max: z.number(),
});
export type LatencyMs = z.infer<typeof LatencyMs>;

/** One measured trial (warm-up excluded). Latency from each response's own time, HDR, sub-ms. */
export const LoadTrial = z.object({
  requests: z.number().int(),
  rps: z.number(),
  latencyMs: LatencyMs,
  /** Connection errors (refused, reset). */
  errors: z.number().int(),
  timeouts: z.number().int(),
  non2xx: z.number().int(),
  /** Response count by status code, e.g. {"200": 1234, "503": 5}. */
  statusCodes: z.record(z.string(), z.number().int()),
  throughputBytesPerSec: z.number(),
  durationS: z.number(),
  /**
   * The read requests of a scenario mixing reads and writes (autocannon): 2xx reads per
   * second, every read answered, the non-2xx among them, and the reads' own latency.
   */
  reads: z
    .object({ rps: z.number(), requests: z.number().int(), non2xx: z.number().int(), latencyMs: LatencyMs })
    .optional(),
  /** 'failed' when the trial did not complete (server died, generator failed); its figures are partial. */
  status: z.enum(['ok', 'failed']).optional(),
  reason: z.string().optional(),
});
export type LoadTrial = z.infer<typeof LoadTrial>;

/** After a writing trial: 2xx writes acknowledged vs rows that appeared, and (autocannon) each write checked. */
export const Audit = z.object({
  /** 2xx inserts. */
  acked: z.number().int(),
  /** New rows in the inserted tables. */
  rows: z.number().int(),
  /** Acknowledged writes not found as acknowledged: missing + mismatched when checked one by one, else acked − rows. */
  lost: z.number().int(),
  /** New rows no acknowledged insert accounts for (by id and token when checked, else by count). */
  phantom: z.number().int(),
  integrity: z.string(),
  ok: z.boolean(),
  /** Writes sent without an answer (in flight when the run stopped, timed out): they may have committed, so up to this many phantom rows are expected. */
  unanswered: z.number().int().optional(),
  /** Per table: acked 2xx inserts vs new rows. */
  byTable: z
    .record(z.string(), z.object({ acked: z.number().int(), rows: z.number().int(), unanswered: z.number().int() }))
    .optional(),
  /** Acknowledged writes checked one by one: inserts by id and token, patched rows by their last acknowledged value. Absent: counts only (k6). */
  checked: z.number().int().optional(),
  /** Checked writes whose id holds no row. */
  missing: z.number().int().optional(),
  /** Checked writes whose id holds another write's row (a reused id), or a patched row holding a value no acknowledged PATCH set. */
  mismatched: z.number().int().optional(),
  /** The first few of those, in words. */
  examples: z.array(z.string()).optional(),
  /**
   * Updates (PATCH) sent whose answer the write log does not hold: taken as possibly
   * committed. Answers the generator received but did not record fail the audit.
   */
  unrecordedUpdates: z.number().int().optional(),
});
export type Audit = z.infer<typeof Audit>;

const Percentiles = z.object({
  count: z.number(),
  mean: z.number(),
  p50: z.number(),
  p90: z.number(),
  p95: z.number(),
  p99: z.number(),
  max: z.number(),
});

export const ServerTiming = z.object({
  requests: z.number().int(),
  handlerUs: Percentiles,
  dbUs: Percentiles,
  busy: z.number().int(),
});
export type ServerTiming = z.infer<typeof ServerTiming>;

export const LoadRecord = z.object({
  engine: z.enum(['autocannon', 'k6']),
  scenario: z.string(),
  profile: z.string(),
  /** 'single' | 'cluster:N' | 'readers:N' */
  topology: z.string(),
  connections: z.number().int(),
  /** Open-loop request rate, or null for closed loop. */
  rate: z.number().nullable(),
  warmupS: z.number(),
  /**
   * 'degraded': a built-in arm whose requests failed beyond its error budget (load/degraded.ts):
   * measured and shown, left out of every verdict.
   */
  status: z.enum(['ok', 'failed', 'skipped', 'degraded']),
  reason: z.string().optional(),
  trials: z.array(LoadTrial),
  /** Median of the trials, field by field. */
  median: LoadTrial.nullable(),
  spread: z
    .object({
      rps: z.object({ min: z.number(), max: z.number() }),
      p95: z.object({ min: z.number(), max: z.number() }),
    })
    .nullable(),
  /** One audit per writing trial; empty for read-only scenarios. */
  audit: z.array(Audit),
  auditSkipped: z.string().optional(),
  /** Server-side handler/SQLite time over the measured window (median trial), or null (e.g. --target). */
  serverTiming: ServerTiming.nullable(),
  pinning: Pinning,
  target: z.string().optional(),
  /** Engine-specific extras (k6 checks and thresholds, …). */
  extra: z.record(z.string(), z.unknown()).optional(),
});
export type LoadRecord = z.infer<typeof LoadRecord>;

export const CapacityPoint = z.object({
  connections: z.number().int(),
  rps: z.number(),
  p95: z.number(),
  errorPct: z.number(),
  ok: z.boolean(),
});

export const CapacityRecord = z.object({
  scenario: z.string(),
  profile: z.string(),
  sloP95Ms: z.number(),
  maxErrorPct: z.number(),
  status: Status,
  reason: z.string().optional(),
  /**
   * Highest concurrency with p95 < SLO and errors < maxErrorPct below the lowest that missed,
   * or null if none passed. With several sweeps: the median sweep's.
   */
  capacity: z.number().int().nullable(),
  /** The lowest concurrency that missed (after refinement): the true capacity lies in [capacity, failedAt − 1]. Null when every level passed; absent in older records. */
  failedAt: z.number().int().nullable().optional(),
  /** The median sweep's curve, sorted by concurrency (steps and refinement levels). */
  curve: z.array(CapacityPoint),
  /** Every sweep when the sweep was repeated (capacity.sweeps > 1), in the order run. */
  sweeps: z
    .array(
      z.object({
        capacity: z.number().int().nullable(),
        failedAt: z.number().int().nullable(),
        curve: z.array(CapacityPoint),
      }),
    )
    .optional(),
});
export type CapacityRecord = z.infer<typeof CapacityRecord>;

export const LOAD_SCHEMA_VERSION = 1;

export const LoadFile = recordFile('load', LOAD_SCHEMA_VERSION, LoadRecord, {
  capacity: z.array(CapacityRecord).default([]),
  /** Exact cost per request, server-side (`load --counted`): op = the scenario. */
  counted: z.array(CountedRecord).default([]),
});
export type LoadFile = z.infer<typeof LoadFile>;
