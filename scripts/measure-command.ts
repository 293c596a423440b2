import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from '../lib/atomic-write.ts';
import { probeEnvironment } from '../lib/environment.ts';
import type { Environment, Pinning } from '../lib/records/environment.ts';
import { interruptible } from '../load/cli-support.ts';

/** Where a measuring command keeps its databases. */
export interface WorkDirectory {
  path: string;
  /** True when made here (under data/), so the command removes it afterwards. */
  temporary: boolean;
  remove(): void;
}

/** The directory given with --dir (created if missing), else a fresh `data/<prefix>-XXXXXX`. */
export function workDirectory(given: string | undefined, prefix: string): WorkDirectory {
  const dir = given ? resolve(given) : undefined;
  mkdirSync(dir ?? 'data', { recursive: true });
  const path = dir ?? mkdtempSync(join(resolve('data'), `${prefix}-`));
  return { path, temporary: dir === undefined, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** One measurement as a command runs it: what to measure, how to print it, what to write. */
export interface Measurement<R> {
  workDir: string;
  pinning: Pinning;
  measure(signal: AbortSignal): Promise<R>;
  /** The report on stdout. */
  render(result: R): string;
  /** The --json-out path, if any. */
  jsonOut: string | undefined;
  /** --json: print the file to stdout instead of the report. */
  printJson?: boolean;
  /** The validated file written to --json-out (and printed by --json). */
  file(environment: Environment, result: R): unknown;
  passed(result: R): boolean;
}

/**
 * The sequence measuring commands share: probe the environment, measure with Ctrl-C turned
 * into an orderly stop, print the report, write the JSON atomically. Returns the exit code:
 * 130 when interrupted, else 0 when the result passed, 1 when not.
 */
export async function measureCommand<R>(m: Measurement<R>): Promise<number> {
  const interrupt = interruptible();
  try {
    const environment = probeEnvironment({ dataDir: m.workDir, pinning: m.pinning });
    const result = await m.measure(interrupt.signal);
    process.stdout.write(m.printJson ? JSON.stringify(m.file(environment, result), null, 2) + '\n' : m.render(result));
    if (m.jsonOut) {
      writeJsonAtomic(m.jsonOut, m.file(environment, result));
      process.stderr.write(`wrote ${m.jsonOut}\n`);
    }
    if (interrupt.interrupted()) return 130;
    return m.passed(result) ? 0 : 1;
  } finally {
    interrupt.dispose();
  }
}
