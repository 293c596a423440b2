import { z } from 'zod';
import { Status } from './status.ts';

/**
 * WAL's promise at the engine level: reads on one connection while another connection (a
 * writer thread) commits one row per transaction without pause. Reads refused with
 * SQLITE_BUSY (busy_timeout 0 fails at once) are counted, not timed.
 */
export const ReadsWhileWritingRecord = z.object({
  profile: z.string(),
  status: Status,
  reason: z.string().optional(),
  durationS: z.number(),
  /** Reads answered, per second, and their latency (µs, answered reads only). */
  reads: z.number().int(),
  readsPerSec: z.number(),
  latencyUs: z.object({ p50: z.number(), p95: z.number(), p99: z.number(), max: z.number() }),
  /** Reads refused with SQLITE_BUSY/LOCKED. */
  refused: z.number().int(),
  /** The writer's commits, and its attempts refused with SQLITE_BUSY/LOCKED. */
  writes: z.number().int(),
  writesBusy: z.number().int(),
});
export type ReadsWhileWritingRecord = z.infer<typeof ReadsWhileWritingRecord>;
