import { z } from 'zod';
import { recordFile } from './record-file.ts';
import { Status } from './bench.ts';

/** One kill-and-restart cycle of the crash-durability test. */
export const DurabilityCycle = z.object({
  cycle: z.number().int(),
  /** When the server was SIGKILLed, ms after the writers started. */
  killAfterMs: z.number(),
  /** Writes acknowledged with 2xx during this cycle. */
  acked: z.number().int(),
  /** Requests that failed (connection reset at the kill, timeouts) or answered non-2xx. */
  failedWrites: z.number().int(),
  restartMs: z.number().nullable(),
  /** Acknowledged writes (from every cycle so far) not found by id and title after this restart. */
  lost: z.number().int(),
  integrity: z.string(),
});
export type DurabilityCycle = z.infer<typeof DurabilityCycle>;

/** Per profile: every write acknowledged with 2xx must survive SIGKILL + restart. */
export const DurabilityRecord = z.object({
  profile: z.string(),
  /** Effective journal_mode and synchronous, as the server read them back. */
  journalMode: z.string().nullable(),
  synchronous: z.number().nullable(),
  status: Status,
  reason: z.string().optional(),
  cyclesRequested: z.number().int(),
  /** Completed kill + restart + audit cycles: fewer than requested fails, unless the user set a time budget. */
  cycles: z.number().int(),
  /** The user set the time budget (--max-seconds) and accepted fewer cycles when it runs out. */
  budgetExplicit: z.boolean().default(false),
  writers: z.number().int(),
  acked: z.number().int(),
  /**
   * Acknowledged writes found lost after any restart: no row with their id holding their
   * title (ids alone are reused: contents.id has no AUTOINCREMENT). Kept across cycles.
   */
  lost: z.number().int(),
  /** Up to 20 of the lost ids. */
  lostIds: z.array(z.number().int()),
  /** Of the lost writes, those whose id held another write's row: a lost tail whose ids were handed out again. */
  reused: z.number().int().optional(),
  /** Rows written but never acknowledged (in flight at the kill): allowed, informational. */
  unackedPresent: z.number().int(),
  /** 'ok' when every integrity_check after a restart said ok, else the first problem. */
  integrity: z.string(),
  kills: z.number().int(),
  restarts: z.number().int(),
  durationS: z.number(),
  perCycle: z.array(DurabilityCycle),
});
export type DurabilityRecord = z.infer<typeof DurabilityRecord>;

export const DURABILITY_SCHEMA_VERSION = 1;

export const DurabilityFile = recordFile('durability', DURABILITY_SCHEMA_VERSION, DurabilityRecord, {
  /** What the test does not cover, stated with the results. */
  notTested: z.array(z.string()),
});
export type DurabilityFile = z.infer<typeof DurabilityFile>;
