import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { writeJsonAtomic } from '../lib/atomic-write.ts';
import { RUN_SCHEMA_VERSION, RunResults } from '../lib/records/run.ts';

export const SCHEMA_FILE = fileURLToPath(new URL('./results.schema.json', import.meta.url));

/** results.json as JSON Schema (draft 2020-12), from the zod schema: what a file may contain. */
export function resultsJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(RunResults, { io: 'input', target: 'draft-2020-12' }),
    title: `loadlab run results (schemaVersion ${RUN_SCHEMA_VERSION})`,
  };
}

// `npx tsx reports/schema.ts` regenerates reports/results.schema.json.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1])
  writeJsonAtomic(SCHEMA_FILE, resultsJsonSchema());
