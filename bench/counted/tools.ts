/**
 * Finds valgrind and strace the way k6 is found: on PATH, as users install them. Missing
 * tools make skipped records (with the install hint), never a crash.
 */
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';

export const INSTALL_HINT = 'apt-get install valgrind strace';

export interface Tool {
  bin: string;
  /** As the tool reports it, e.g. '3.19.0'; null when it would not say. */
  version: string | null;
}

export interface CountingTools {
  valgrind: Tool | null;
  strace: Tool | null;
}

/** The first executable file called `name` in the directories of `searchPath` (a PATH value), or null. */
export function findOnPath(name: string, searchPath: string | undefined): string | null {
  for (const dir of (searchPath ?? '').split(delimiter)) {
    if (!dir) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not there, or not executable: try the next directory
    }
  }
  return null;
}

/** The version number in a tool's version text: 'valgrind-3.19.0' and 'strace -- version 6.1' alike. */
export function versionIn(text: string): string | null {
  return /(\d+\.\d+(?:\.\d+)?)/.exec(text)?.[1] ?? null;
}

function probe(name: string, versionFlag: string, searchPath: string | undefined): Tool | null {
  const bin = findOnPath(name, searchPath);
  if (!bin) return null;
  const r = spawnSync(bin, [versionFlag], { encoding: 'utf8', timeout: 10_000 });
  return { bin, version: r.error ? null : versionIn(`${r.stdout ?? ''}\n${r.stderr ?? ''}`) };
}

/** valgrind and strace on `searchPath` (default: this process's PATH). */
export function findCountingTools(searchPath: string | undefined = process.env.PATH): CountingTools {
  return { valgrind: probe('valgrind', '--version', searchPath), strace: probe('strace', '-V', searchPath) };
}

/** Why a measurement cannot run (the first tool it needs that is missing), or null when it can. */
export function missingToolReason(tools: CountingTools, needsValgrind: boolean): string | null {
  if (needsValgrind && !tools.valgrind) return `valgrind not found (${INSTALL_HINT})`;
  if (!tools.strace) return `strace not found (${INSTALL_HINT})`;
  return null;
}
