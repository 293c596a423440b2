import { z } from 'zod';
import { Environment } from './environment.ts';

/**
 * The wrapper every measuring command's JSON file shares: a schema version, the kind of
 * record, where it was measured, the options it ran with, and its records. `extra` adds
 * the kind's own fields (capacity curves, ablation, …).
 */
export function recordFile<K extends string, V extends number, R extends z.ZodType, X extends z.ZodRawShape = {}>(
  kind: K,
  schemaVersion: V,
  record: R,
  extra: X = {} as X,
) {
  return z.object({
    schemaVersion: z.literal(schemaVersion),
    kind: z.literal(kind),
    environment: Environment,
    options: z.record(z.string(), z.unknown()),
    records: z.array(record),
    ...extra,
  });
}
