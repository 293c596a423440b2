import { z } from 'zod';
import { Status } from './status.ts';

/** System calls of one child process, from a full strace trace (every thread). */
export const SyscallTotals = z.object({
  /** fsync + fdatasync calls. */
  fsync: z.number().int().nonnegative(),
  /** write + pwrite64 calls, and the bytes their return values report. */
  writeCalls: z.number().int().nonnegative(),
  writeBytes: z.number().int().nonnegative(),
  /** read + pread64 calls, and the bytes their return values report. */
  readCalls: z.number().int().nonnegative(),
  readBytes: z.number().int().nonnegative(),
});
export type SyscallTotals = z.infer<typeof SyscallTotals>;

/** What one child process (startup, setup and `ops` operations) cost in total. Null: not counted. */
export const CountedRun = z.object({
  ops: z.number().int().positive(),
  /** Instructions executed (cachegrind's Ir), every thread. */
  instructions: z.number().int().nonnegative().nullable(),
  syscalls: SyscallTotals.nullable(),
});
export type CountedRun = z.infer<typeof CountedRun>;

/**
 * Exact cost counters of one operation under one profile. Each figure is by difference:
 * (total of a process running 2n operations − total of one running n) / n, so process
 * startup and setup cancel. Counts do not move with machine load; wall time does. They
 * include what the operations cause later in the same process: garbage collection, WAL
 * checkpoints (the one at close too). Per-operation figures are null when not measured
 * (skipped, failed, or instructions not asked for).
 */
export const CountedRecord = z.object({
  op: z.string(),
  profile: z.string(),
  status: Status,
  reason: z.string().optional(),
  /** Operations in the shorter run; the longer one runs 2n. */
  n: z.number().int().positive(),
  /** Statements per operation, in one transaction when more than 1. */
  batch: z.number().int().positive(),
  writes: z.boolean(),
  instructionsPerOp: z.number().nullable(),
  /** fsync + fdatasync per operation. */
  fsyncPerOp: z.number().nullable(),
  /** write + pwrite64 per operation; bytes from the calls' return values. */
  writeCallsPerOp: z.number().nullable(),
  writeBytesPerOp: z.number().nullable(),
  /** read + pread64 per operation (reads through mmap make no call). */
  readCallsPerOp: z.number().nullable(),
  readBytesPerOp: z.number().nullable(),
  /** The raw totals the per-operation figures come from. */
  totals: z.object({ n: CountedRun.nullable(), twoN: CountedRun.nullable() }),
  /** PRAGMAs as the child read them back after setting them. */
  effective: z.record(z.string(), z.union([z.number(), z.string()])),
  tools: z.object({
    valgrind: z.string().nullable(),
    strace: z.string().nullable(),
    node: z.string(),
    sqlite: z.string().nullable(),
  }),
  /** Node flags the child ran with (predictable V8: fixed seeds, no optimizing compiler, fixed GC schedule). */
  nodeFlags: z.array(z.string()),
  /** How long the whole measurement took (all child runs), ms. Not a result: it moves with load. */
  wallMs: z.number().nonnegative(),
});
export type CountedRecord = z.infer<typeof CountedRecord>;

/** A record with nothing counted yet (skipped, failed, or to be filled in): every per-op figure null. */
export function uncountedRecord(
  base: Pick<CountedRecord, 'op' | 'profile' | 'status' | 'n' | 'batch' | 'writes' | 'tools' | 'nodeFlags'>,
  reason?: string,
): CountedRecord {
  return {
    ...base,
    ...(reason !== undefined ? { reason } : {}),
    instructionsPerOp: null,
    fsyncPerOp: null,
    writeCallsPerOp: null,
    writeBytesPerOp: null,
    readCallsPerOp: null,
    readBytesPerOp: null,
    totals: { n: null, twoN: null },
    effective: {},
    wallMs: 0,
  };
}

/** The per-operation figures of a record from its two runs: (total of 2n − total of n) / n, null where not counted. */
export function perOpFigures(
  runN: CountedRun,
  run2N: CountedRun,
): Pick<
  CountedRecord,
  | 'instructionsPerOp'
  | 'fsyncPerOp'
  | 'writeCallsPerOp'
  | 'writeBytesPerOp'
  | 'readCallsPerOp'
  | 'readBytesPerOp'
  | 'totals'
> {
  const n = runN.ops;
  const perOp = (pick: (r: CountedRun) => number | null | undefined): number | null => {
    const a = pick(runN);
    const b = pick(run2N);
    return a == null || b == null ? null : (b - a) / n;
  };
  return {
    instructionsPerOp: perOp((r) => r.instructions),
    fsyncPerOp: perOp((r) => r.syscalls?.fsync),
    writeCallsPerOp: perOp((r) => r.syscalls?.writeCalls),
    writeBytesPerOp: perOp((r) => r.syscalls?.writeBytes),
    readCallsPerOp: perOp((r) => r.syscalls?.readCalls),
    readBytesPerOp: perOp((r) => r.syscalls?.readBytes),
    totals: { n: runN, twoN: run2N },
  };
}
