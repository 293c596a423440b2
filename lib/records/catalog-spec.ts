import { z } from 'zod';
import { CustomProfiles } from './custom-profile.ts';

/**
 * The catalog as data: what a child process (a `loadlab` command started by this one) needs to
 * build the same catalog of profiles and scenarios as its parent. Built-in profiles and
 * scenarios need nothing; custom profiles travel as their definitions (the child's own code
 * builds them), user scenarios as their files. Read in one place: catalog/catalog.ts.
 */
export const CatalogSpec = z.strictObject({
  /** The config file the custom profiles came from, for messages and `profiles`; null when none. */
  source: z.string().nullable(),
  customProfiles: CustomProfiles,
  /** Scenario files (absolute paths), read again by whoever builds the catalog from this spec. */
  scenarioFiles: z.array(z.string()),
});
export type CatalogSpec = z.infer<typeof CatalogSpec>;

/** The spec of the built-in catalog: no custom profiles, no scenario files. */
export const BUILTIN_SPEC: CatalogSpec = { source: null, customProfiles: {}, scenarioFiles: [] };

/** The hidden flag every command accepts from a parent process: `--catalog '<CatalogSpec JSON>'`. */
export const CATALOG_FLAG = '--catalog';

/**
 * The arguments that hand a spec to a child `loadlab` command of this checkout: always, so a
 * child never looks for a config file of its own (it could find another one, or a broken one).
 */
export function catalogArgs(spec: CatalogSpec): string[] {
  return [CATALOG_FLAG, JSON.stringify(spec)];
}

/** True when the spec adds nothing to the built-in catalog (another checkout's code needs no --catalog then). */
export function isBuiltinSpec(spec: CatalogSpec): boolean {
  return Object.keys(spec.customProfiles).length === 0 && spec.scenarioFiles.length === 0;
}
