import { findConfigFile, readConfigFile } from '../lib/config-file.ts';
import type { ConfigFile } from '../lib/records/run-config.ts';
import { builtinCatalog, catalogFromSpec, type Catalog } from './catalog.ts';

/** A config file as read at the door: its path and validated contents. */
export interface LoadedConfig {
  path: string;
  data: ConfigFile;
}

/**
 * The catalog of a command line: the config file given (--config), else one found in the
 * current directory (lib/config-file.ts CONFIG_NAMES), else none; its customProfiles join
 * the built-in ones. The file is read once, here; `config` is what run and ab lay over their preset.
 */
export async function openCatalog(
  given: string | undefined,
): Promise<{ catalog: Catalog; config: LoadedConfig | null }> {
  const path = findConfigFile(given);
  if (path === undefined) return { catalog: builtinCatalog(), config: null };
  const data = await readConfigFile(path);
  const catalog = await catalogFromSpec({ source: path, customProfiles: data.customProfiles ?? {}, scenarioFiles: [] });
  return { catalog, config: { path, data } };
}
