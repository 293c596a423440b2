import { z } from 'zod';

/**
 * A profile defined in a config file (`customProfiles.NAME`): a built-in profile to extend,
 * PRAGMAs to set, extra indexes, a write-transaction mode. The values are checked against
 * the known PRAGMAs when the profile is built (db/custom-profiles.ts).
 */
export const CustomProfileDef = z.strictObject({
  /** The built-in profile this one starts from. */
  extends: z.string(),
  description: z.string().optional(),
  /** PRAGMA name -> value (number, or a name such as "normal"). */
  pragmas: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
  /** Extra indexes: `CREATE INDEX name ON table(col, …)` on the fixture schema's tables. */
  indexes: z.array(z.string()).optional(),
  writeTransaction: z.enum(['deferred', 'immediate']).optional(),
});
export type CustomProfileDef = z.infer<typeof CustomProfileDef>;

export const CustomProfiles = z.record(z.string(), CustomProfileDef);
export type CustomProfiles = z.infer<typeof CustomProfiles>;
