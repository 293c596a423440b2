import { z } from 'zod';
import { recordFile } from './record-file.ts';
import { Status } from './bench.ts';
import { Pinning } from './environment.ts';
import { LatencyMs } from './load.ts';

/** Server memory, bytes: RSS of the server and its workers from /proc (sampled through the run) and the V8 heap from /__stats. */
export const OverloadMemory = z.object({
  rssBeforeBytes: z.number().nullable(),
  rssPeakBytes: z.number().nullable(),
  rssAfterBytes: z.number().nullable(),
  heapUsedBeforeBytes: z.number().nullable(),
  heapUsedAfterBytes: z.number().nullable(),
  /** [seconds since the load started, RSS bytes], every sample. */
  rssSamples: z.array(z.tuple([z.number(), z.number()])),
});
export type OverloadMemory = z.infer<typeof OverloadMemory>;

/** One overload step: a profile driven with `connections` closed-loop clients. */
export const OverloadRecord = z.object({
  profile: z.string(),
  scenario: z.string(),
  connections: z.number().int(),
  /** serve --topology of the server under test. */
  topology: z.string(),
  durationS: z.number(),
  warmupS: z.number(),
  status: Status,
  reason: z.string().optional(),
  /** The server's shedding bounds (serve --max-inflight / --max-queue-ms). */
  limits: z.object({ maxInflight: z.number(), maxQueueMs: z.number() }),
  requests: z.number().int(),
  rps: z.number(),
  /** Every response (2xx, 503, other), from each response's own time. */
  latencyMs: LatencyMs,
  statusCodes: z.record(z.string(), z.number().int()),
  /** 503 answers / all answers, 0..1. */
  share503: z.number(),
  /** 5xx other than 503 (must be 0). */
  other5xx: z.number().int(),
  errors: z.number().int(),
  timeouts: z.number().int(),
  /** From /__stats after the run: shed by bound, SQLITE_BUSY answered 503, worst event-loop delay (one process's view under cluster:N). */
  server: z.object({
    alive: z.boolean(),
    shedInflight: z.number().int().nullable(),
    shedQueue: z.number().int().nullable(),
    busy: z.number().int().nullable(),
    peakEventLoopDelayMs: z.number().nullable(),
  }),
  memory: OverloadMemory,
  pinning: Pinning,
});
export type OverloadRecord = z.infer<typeof OverloadRecord>;

export const OVERLOAD_SCHEMA_VERSION = 1;

export const OverloadFile = recordFile('overload', OVERLOAD_SCHEMA_VERSION, OverloadRecord);
export type OverloadFile = z.infer<typeof OverloadFile>;
