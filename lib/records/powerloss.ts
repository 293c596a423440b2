import { z } from 'zod';
import { recordFile } from './record-file.ts';
import { Status } from './bench.ts';

/** What a crash image of one mode showed, summed over the cut points (load/powerloss/image.ts). */
export const PowerlossModeTally = z.object({
  images: z.number().int(),
  /** Images SQLite could not open, or whose integrity_check was not ok. */
  corrupt: z.number().int(),
  /** Images missing at least one write acknowledged before the cut (by id and title). */
  withLoss: z.number().int(),
  /** Acknowledged writes missing, summed over the images. */
  lost: z.number().int(),
});
export type PowerlossModeTally = z.infer<typeof PowerlossModeTally>;

/**
 * What SQLite documents for a profile's journal mode and synchronous level, and so what the
 * simulator must find: 'lose-nothing' (FULL in WAL mode, EXTRA), 'no-corruption' (NORMAL in
 * WAL mode; FULL in DELETE mode, whose last commit rides on an unlink the directory has not
 * synced), 'control' (OFF: it must lose writes, or the simulator is blind), 'unknown'.
 */
export const PowerlossExpectation = z.enum(['lose-nothing', 'no-corruption', 'control', 'unknown']);
export type PowerlossExpectation = z.infer<typeof PowerlossExpectation>;

/** One profile: a write run under the recorder, then crash images at seeded cut points, each opened and audited. */
export const PowerlossRecord = z.object({
  profile: z.string(),
  journalMode: z.string().nullable(),
  synchronous: z.number().nullable(),
  status: Status,
  reason: z.string().optional(),
  writers: z.number().int(),
  durationS: z.number(),
  /** How creates and unlinks were made durable in the images (load/powerloss/image.ts). */
  metadata: z.enum(['journaled', 'synchronous']).default('journaled'),
  /** Replaying the whole log gave the files the kill left on disk, byte for byte: the recorder saw every change. */
  replayMatchesDisk: z.boolean(),
  /** Writes acknowledged with 2xx during the run. */
  acked: z.number().int(),
  /** Events the recorder logged, and of them sync barriers (fsync/fdatasync of a file or the directory). */
  events: z.number().int(),
  syncs: z.number().int(),
  cuts: z.number().int(),
  /** Cut points with at least one acknowledged write before them (the others cannot lose anything). */
  cutsWithAcked: z.number().int(),
  /** Cut points where an image of any mode lost an acknowledged write. */
  cutsWithLoss: z.number().int(),
  images: z.number().int(),
  corrupt: z.number().int(),
  withLoss: z.number().int(),
  byMode: z.record(z.string(), PowerlossModeTally),
  /** Most acknowledged writes lost in one image. */
  maxLost: z.number().int(),
  /** How long before the cut the lost writes had been acknowledged, ms: the window a power cut takes. */
  lossWindowMs: z.object({ median: z.number(), max: z.number() }).nullable(),
  expectation: PowerlossExpectation,
  /** The measured outcome against the expectation, computed (load/powerloss/verdict.ts). */
  verdict: z.enum(['as expected', 'NOT as expected', 'no verdict']),
  why: z.string(),
  wallS: z.number(),
});
export type PowerlossRecord = z.infer<typeof PowerlossRecord>;

export const POWERLOSS_SCHEMA_VERSION = 1;

export const PowerlossFile = recordFile('powerloss', POWERLOSS_SCHEMA_VERSION, PowerlossRecord, {
  /** The durability model the images were built under, in words. */
  model: z.string(),
  /** The recorder's design and what it cannot see. */
  recorder: z.string(),
});
export type PowerlossFile = z.infer<typeof PowerlossFile>;
