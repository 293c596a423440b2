/**
 * Counts one child job: the child (child.cjs) runs a statement n times and 2n times, each in
 * its own process on its own copy of the database, under cachegrind (instructions) and strace
 * (system calls). What the bench's operations and tune's queries both use; the caller turns
 * the two runs into per-operation figures (lib/records/counted.ts perOpFigures).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { CountedRun, SyscallTotals } from '../../lib/records/counted.ts';
import { errorText } from '../measure.ts';
import { copyDatabase } from '../workspace.ts';
import { CHILD_SCRIPT, ChildResult, type ChildJob, type JobSpec } from './job.ts';
import { parseCachegrindInstructions, parseStraceTrace, TRACED_SYSCALLS } from './parse.ts';
import { runChild } from './run-child.ts';
import type { CountingTools } from './tools.ts';

/**
 * Node flags of the child. The V8 ones make a run repeatable: fixed hash and random seeds, no
 * optimizing compiler, one thread, a fixed GC schedule. --expose-gc lets the child collect
 * just before its operations, so the collections inside them do not depend on how much
 * startup allocated (without it, 30 KB more job file moved a point read by 0.4 %).
 */
export const CHILD_NODE_FLAGS = [
  '--hash-seed=1',
  '--random-seed=1',
  '--no-opt',
  '--predictable',
  '--predictable-gc-schedule',
  '--expose-gc',
] as const;

export interface CountJobInput {
  job: JobSpec;
  /** The database each run copies (never written). */
  source: string;
  /** Operations in the shorter run; the longer runs 2n. */
  n: number;
  tools: CountingTools;
  /** Count instructions (needs valgrind). */
  instructions: boolean;
  /** Count system calls (strace; default true). At least one of the two. */
  syscalls?: boolean;
  /** A directory for the runs (a private one is made inside and removed). */
  dir: string;
  childTimeoutMs: number;
  signal?: AbortSignal;
}

export type JobCount =
  | { ok: true; runN: CountedRun; run2N: CountedRun; effective: ChildResult['effective']; sqlite: string }
  | { ok: false; reason: string; interrupted: boolean };

type Tool = 'cachegrind' | 'strace';

interface RunOutcome {
  instructions: number | null;
  syscalls: SyscallTotals | null;
  result: ChildResult;
}

/** Counts the job's n and 2n runs under each tool. Never throws. */
export async function countJob(input: CountJobInput): Promise<JobCount> {
  let base: string | undefined;
  try {
    // Absolute: the tools write their output relative to the child's working directory otherwise.
    base = mkdtempSync(join(resolve(input.dir), 'counted-'));
    const tools: Tool[] = [
      ...(input.instructions ? (['cachegrind'] as const) : []),
      ...(input.syscalls !== false ? (['strace'] as const) : []),
    ];
    if (tools.length === 0) throw new Error('nothing to count: neither instructions nor system calls');
    const outcomes: Partial<Record<Tool, [RunOutcome, RunOutcome]>> = {};
    for (const tool of tools) {
      // The n and 2n runs are independent processes on their own copies: run them side by side.
      const dirs = [prepareRun(tool, 1, base, input), prepareRun(tool, 2, base, input)] as const;
      const pair = await Promise.all([countRun(tool, 1, dirs[0], input), countRun(tool, 2, dirs[1], input)]);
      const failure = pair.find((r): r is { reason: string } => 'reason' in r);
      if (failure) return { ok: false, reason: `${tool}: ${failure.reason}`, interrupted: !!input.signal?.aborted };
      outcomes[tool] = pair as [RunOutcome, RunOutcome];
    }
    const st = outcomes.strace;
    const cg = outcomes.cachegrind;
    const { result } = (st ?? cg)![0];
    const { n } = input;
    return {
      ok: true,
      runN: { ops: n, instructions: cg?.[0].instructions ?? null, syscalls: st?.[0].syscalls ?? null },
      run2N: { ops: 2 * n, instructions: cg?.[1].instructions ?? null, syscalls: st?.[1].syscalls ?? null },
      effective: result.effective,
      sqlite: result.sqlite,
    };
  } catch (err) {
    return { ok: false, reason: errorText(err), interrupted: !!input.signal?.aborted };
  } finally {
    if (base) rmSync(base, { recursive: true, force: true });
  }
}

/** Names inside a run directory, relative to it (the child's working directory). */
const DB_FILE = 'db.sqlite';
const JOB_FILE = 'job.json';
const RESULT_FILE = 'result.json';

/**
 * The child's whole environment. Inherited variables change what node does at startup
 * (NODE_EXTRA_CA_CERTS alone parses a certificate bundle: 400 M instructions of 540 M), and
 * so the counts from one shell to the next; valgrind may need to be told where its tools are.
 */
function childEnv(): NodeJS.ProcessEnv {
  return process.env.VALGRIND_LIB ? { VALGRIND_LIB: process.env.VALGRIND_LIB } : {};
}

/**
 * A run directory for one child under one tool: its own fresh copy of the database and the
 * job. The child runs there with relative paths, so both runs of a pair (and every repetition)
 * read the same job file byte for byte; only the operation count on the command line differs.
 */
function prepareRun(tool: Tool, k: 1 | 2, base: string, input: CountJobInput): string {
  const dir = join(base, `${tool}-n${k}`);
  mkdirSync(dir);
  copyDatabase(input.source, join(dir, DB_FILE));
  const job: ChildJob = { ...input.job, database: DB_FILE, resultFile: RESULT_FILE };
  writeFileSync(join(dir, JOB_FILE), JSON.stringify(job));
  return dir;
}

/** Runs the child of a prepared run directory under its tool and reads the counts back. Never throws. */
async function countRun(
  tool: Tool,
  k: 1 | 2,
  dir: string,
  input: CountJobInput,
): Promise<RunOutcome | { reason: string }> {
  const resultFile = join(dir, RESULT_FILE);
  const outFile = join(dir, tool === 'cachegrind' ? 'cachegrind.out' : 'strace.txt');
  const child = [process.execPath, ...CHILD_NODE_FLAGS, CHILD_SCRIPT, JOB_FILE, String(k * input.n)];
  const { tools } = input;
  const cachegrind = ['-q', '--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${outFile}`];
  // Every thread (-f), descriptor paths (-y) so bookkeeping I/O can be left out, no string contents (-s 0).
  const strace = ['-f', '-qq', '-y', '-s', '0', '-o', outFile, '-e', `trace=${TRACED_SYSCALLS.join(',')}`, '--'];
  const [bin, options] = tool === 'cachegrind' ? [tools.valgrind!.bin, cachegrind] : [tools.strace!.bin, strace];
  const outcome = await runChild(bin, [...options, ...child], {
    cwd: dir,
    env: childEnv(),
    timeoutMs: input.childTimeoutMs,
    ...(input.signal ? { signal: input.signal } : {}),
  });
  if (!outcome.ok) return { reason: `${k * input.n} operations: ${outcome.reason ?? 'failed'}` };
  try {
    const result = ChildResult.parse(JSON.parse(readFileSync(resultFile, 'utf8')));
    const text = readFileSync(outFile, 'utf8');
    return tool === 'cachegrind'
      ? { instructions: parseCachegrindInstructions(text), syscalls: null, result }
      : { instructions: null, syscalls: parseStraceTrace(text), result };
  } catch (err) {
    return { reason: `${k * input.n} operations: reading the output failed: ${errorText(err)}` };
  }
}
