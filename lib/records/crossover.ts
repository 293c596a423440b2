/**
 * `loadlab crossover`: SQLite (tuned) against PostgreSQL on the same requests while one
 * dimension the guide names is swept. Records in: one per (dimension, value, engine, round),
 * the measured trial; the comparisons and verdicts are computed from them (crossover/judge.ts).
 */
import { z } from 'zod';
import { recordFile } from './record-file.ts';

export const CROSSOVER_DIMENSIONS = ['concurrency', 'writes', 'size', 'processes'] as const;
export type CrossoverDimension = (typeof CROSSOVER_DIMENSIONS)[number];

export const CrossoverEngine = z.enum(['sqlite', 'postgres']);
export type CrossoverEngine = z.infer<typeof CrossoverEngine>;

/** One engine's trial at one point of a sweep, in one round. */
export const CrossoverRecord = z.object({
  dimension: z.enum(CROSSOVER_DIMENSIONS),
  /** The swept value: connections, write share in %, scale, or server processes. */
  value: z.number(),
  engine: CrossoverEngine,
  profile: z.string(),
  round: z.number().int().min(0),
  scenario: z.string(),
  connections: z.number().int(),
  topology: z.string(),
  scale: z.number(),
  status: z.enum(['ok', 'failed']),
  reason: z.string().optional(),
  /** Successful (2xx) answers per second; null when nothing was measured. */
  rps: z.number().nullable(),
  p95Ms: z.number().nullable(),
  /** Share of non-2xx answers, errors and timeouts, %. */
  errorPct: z.number().nullable(),
  /** The audit of a writing trial passed (null: read-only or not audited). */
  auditOk: z.boolean().nullable(),
});
export type CrossoverRecord = z.infer<typeof CrossoverRecord>;

export const CROSSOVER_SCHEMA_VERSION = 1;

export const CrossoverFile = recordFile('crossover', CROSSOVER_SCHEMA_VERSION, CrossoverRecord, {
  /** Size of the seeded SQLite file per scale, bytes (the size dimension's real figure). */
  sizes: z.array(z.object({ scale: z.number(), sqliteBytes: z.number().int(), pgBytes: z.number().int().nullable() })),
  /** PostgreSQL server: version, where it came from. */
  postgres: z.object({ version: z.string(), server: z.string() }),
  /** The noise band (percent) the verdicts used, and where it came from. */
  noise: z.object({ pct: z.number(), from: z.string() }),
  /** Wall seconds of the whole sweep. */
  wallS: z.number(),
});
export type CrossoverFile = z.infer<typeof CrossoverFile>;
