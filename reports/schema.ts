import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { writeJsonAtomic } from '../lib/atomic-write.ts';
import { ConfigFile } from '../lib/records/run-config.ts';
import { RUN_SCHEMA_VERSION, RunResults } from '../lib/records/run.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('./results.schema.json', import.meta.url));
export const CONFIG_SCHEMA_FILE = fileURLToPath(new URL('./config.schema.json', import.meta.url));

/** A config file (loadlab.config.json, --config) as JSON Schema: editors complete and check it. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ConfigFile, { io: 'input', target: 'draft-2020-12' }),
    title: 'loadlab config file (any subset of the run config, plus customProfiles)',
  };
}

/** results.json as JSON Schema (draft 2020-12), from the zod schema: what a file may contain. */
export function resultsJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(RunResults, { io: 'input', target: 'draft-2020-12' }),
    title: `loadlab run results (schemaVersion ${RUN_SCHEMA_VERSION})`,
  };
}

// `npx tsx reports/schema.ts` regenerates reports/results.schema.json and reports/config.schema.json.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeJsonAtomic(SCHEMA_FILE, resultsJsonSchema());
  writeJsonAtomic(CONFIG_SCHEMA_FILE, configJsonSchema());
}
