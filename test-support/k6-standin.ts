/**
 * Test-only: writes a stand-in `k6` executable into a directory. It answers `k6 version`,
 * and for `k6 run` records its argv, copies a summary file to the `--summary-export` path,
 * prints to stderr, and exits with the code asked for. Never used by product code: the
 * suite never fakes k6, it only tests its own handling of what k6 does.
 */
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface StandInBehaviour {
  /** Summary file to copy to the --summary-export path (none: write nothing). */
  summary?: string;
  exitCode?: number;
  stderr?: string;
  /** Sleep this long before exiting (for timeouts). */
  sleepMs?: number;
  /** Where to write the argv it was called with, as JSON. */
  argvFile?: string;
}

/** Writes the stand-in and returns its path (use it as K6_BIN). */
export function writeK6StandIn(dir: string, b: StandInBehaviour): string {
  const file = join(dir, 'k6-standin');
  const src = `#!${process.execPath}
const fs = require('node:fs');
const b = ${JSON.stringify(b)};
const args = process.argv.slice(2);
if (args[0] === 'version') { process.stdout.write('k6 v0.0.0-standin (test double)\\n'); process.exit(0); }
if (b.argvFile) fs.writeFileSync(b.argvFile, JSON.stringify(args));
const exp = args.find((a) => a.startsWith('--summary-export='));
if (b.summary && exp) fs.copyFileSync(b.summary, exp.slice('--summary-export='.length));
if (b.stderr) process.stderr.write(b.stderr);
process.stdout.write('stand-in: done\\n');
setTimeout(() => process.exit(b.exitCode ?? 0), b.sleepMs ?? 0);
`;
  writeFileSync(file, src);
  chmodSync(file, 0o755);
  return file;
}
