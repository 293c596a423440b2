import { z } from 'zod';

/** One side of a paired comparison: a profile served in a topology. */
export const PairedSide = z.object({
  profile: z.string(),
  topology: z.string(),
  /** Extra `serve` flags of this side only (calibration: `--inject-delay-ms`). */
  args: z.array(z.string()).optional(),
});
export type PairedSide = z.infer<typeof PairedSide>;

/**
 * One measured slice of load on one side. Slices alternate between the sides A B B A …,
 * and two neighbouring slices (one per side) are a pair. rps counts 2xx responses only; a
 * slice in which no request was answered is 'stalled' (0 rps): it never pairs.
 */
export const PairedSlice = z.object({
  round: z.number().int().min(0),
  /** Pair number within the round (0-based). */
  pair: z.number().int().min(0),
  side: z.enum(['baseline', 'candidate']),
  status: z.enum(['ok', 'stalled', 'failed']),
  reason: z.string().optional(),
  rps: z.number(),
  requests: z.number().int(),
  errors: z.number().int(),
  timeouts: z.number().int(),
  /** (non-2xx + errors + timeouts) / attempts, percent. */
  errorPct: z.number(),
  p50Ms: z.number(),
  p95Ms: z.number(),
  /** The reads of a mixed scenario (2xx reads per second and their p95), when it mixes reads and writes. */
  readRps: z.number().optional(),
  readP95Ms: z.number().optional(),
  durationS: z.number(),
});
export type PairedSlice = z.infer<typeof PairedSlice>;

/** What a comparison is for: the report reads each by its purpose and scenario. */
export const PairedPurpose = z.enum([
  'tuned-vs-untuned',
  'consensus-vs-tuned',
  'profile-vs-tuned',
  'wal-under-writes',
  'pool',
  'aa',
]);
export type PairedPurpose = z.infer<typeof PairedPurpose>;

export const PairedComparison = z.object({
  id: z.string(),
  purpose: PairedPurpose,
  scenario: z.string(),
  baseline: PairedSide,
  candidate: PairedSide,
  /** Server and generator pinned to different CPUs (false where a topology needs every core). */
  pinned: z.boolean(),
  connections: z.number().int().positive(),
  slices: z.array(PairedSlice),
  /** Why a round of this comparison has no slices (a server that did not start, …). */
  problems: z.array(z.string()).default([]),
});
export type PairedComparison = z.infer<typeof PairedComparison>;

/** The paired stage of a run. */
export const PairedRecord = z.object({
  roundsPlanned: z.number().int(),
  roundsDone: z.number().int(),
  confidence: z.number(),
  /** Unmeasured and measured part of every slice, seconds. */
  slice: z.object({ settleS: z.number(), measureS: z.number() }),
  slicesPerSide: z.number().int(),
  warmupS: z.number(),
  orderSeed: z.number().int(),
  comparisons: z.array(PairedComparison),
});
export type PairedRecord = z.infer<typeof PairedRecord>;
