import { existsSync, readFileSync } from 'node:fs';
import { extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from './errors.ts';
import { ConfigFile } from './records/run-config.ts';

/** Names a config file is found by in the current directory when --config is not given, in this order. */
export const CONFIG_NAMES = [
  'loadlab.config.ts',
  'loadlab.config.mts',
  'loadlab.config.js',
  'loadlab.config.mjs',
  'loadlab.config.json',
];

/** The config file to use: the one given, else the first of CONFIG_NAMES in `dir`, else none. */
export function findConfigFile(given: string | undefined, dir = process.cwd()): string | undefined {
  if (given !== undefined) return given;
  return CONFIG_NAMES.map((n) => join(dir, n)).find((p) => existsSync(p));
}

export function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const i = error.issues[0]!;
  return `${i.path.map(String).join('.') || '(root)'}: ${i.message}`;
}

/**
 * A config file, read and validated: JSON, or TypeScript/JavaScript whose default export is
 * the config object (run through tsx, so `.ts` works without a build). Unknown keys are
 * errors; every problem is a UsageError naming the file and the key.
 */
export async function readConfigFile(path: string): Promise<ConfigFile> {
  const parsed = ConfigFile.safeParse(await readConfigModule(path));
  if (!parsed.success) throw new UsageError(`${path}: invalid config at ${firstIssue(parsed.error)}`);
  return parsed.data;
}

/** The raw default export (or JSON) of a config file; UsageError when it cannot be read. */
async function readConfigModule(path: string): Promise<unknown> {
  if (!existsSync(path)) throw new UsageError(`config file not found: ${path}`);
  let raw: unknown;
  const ext = extname(path);
  if (ext === '.json') {
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new UsageError(`${path}: not valid JSON (${(err as Error).message.split('\n')[0]})`);
    }
  } else if (['.ts', '.mts', '.js', '.mjs'].includes(ext)) {
    try {
      const mod = (await import(pathToFileURL(resolve(path)).href)) as { default?: unknown };
      raw = mod.default;
    } catch (err) {
      throw new UsageError(`${path}: could not be loaded (${(err as Error).message.split('\n')[0]})`);
    }
    if (raw === undefined) throw new UsageError(`${path}: no default export (export default { … })`);
  } else {
    throw new UsageError(`${path}: config files are .json, .ts, .mts, .js or .mjs`);
  }
  return raw;
}
