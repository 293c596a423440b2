import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../lib/errors.ts';
import { ConfigFile, mergeConfig, type RunConfig } from '../lib/records/run-config.ts';

function firstIssue(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const i = error.issues[0]!;
  return `${i.path.map(String).join('.') || '(root)'}: ${i.message}`;
}

/**
 * Reads a config file: JSON, or TypeScript/JavaScript whose default export is the config
 * object (run through tsx, so `.ts` works without a build). Validated with zod; unknown
 * keys are errors. Returns the preset with the file laid over it.
 */
export async function loadConfigFile(path: string, preset: RunConfig): Promise<RunConfig> {
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
  const parsed = ConfigFile.safeParse(raw);
  if (!parsed.success) throw new UsageError(`${path}: invalid config at ${firstIssue(parsed.error)}`);
  const merged = (() => {
    try {
      return mergeConfig(preset, parsed.data);
    } catch (err) {
      const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
      throw new UsageError(`${path}: invalid config${issues ? ` at ${firstIssue({ issues })}` : ''}`);
    }
  })();
  return merged;
}
