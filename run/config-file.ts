import { UsageError } from '../lib/errors.ts';
import { firstIssue, readConfigFile } from '../lib/config-file.ts';
import { mergeConfig, type ConfigFile, type RunConfig } from '../lib/records/run-config.ts';

export { CONFIG_NAMES, findConfigFile } from '../lib/config-file.ts';

/** A preset with a config file's contents laid over it; a bad combination is a UsageError naming the file. */
export function configOver(preset: RunConfig, data: ConfigFile, path: string): RunConfig {
  try {
    return mergeConfig(preset, data);
  } catch (err) {
    const issues = (err as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
    throw new UsageError(`${path}: invalid config${issues ? ` at ${firstIssue({ issues })}` : ''}`);
  }
}

/**
 * Reads a config file (lib/config-file.ts) and returns the preset with the file laid over it.
 * Its customProfiles are the catalog's business (catalog/open.ts), not this function's.
 */
export async function loadConfigFile(path: string, preset: RunConfig): Promise<RunConfig> {
  return configOver(preset, await readConfigFile(path), path);
}

/** What a config file may contain, typed, for `loadlab.config.ts`: `export default defineConfig({ … })`. */
export function defineConfig(config: ConfigFile): ConfigFile {
  return config;
}
