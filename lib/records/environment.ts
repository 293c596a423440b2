import { z } from 'zod';

export const Pinning = z.object({
  pinned: z.boolean(),
  serverCpu: z.number().int().nullable(),
  generatorCpu: z.number().int().nullable(),
  reason: z.string().optional(),
});
export type Pinning = z.infer<typeof Pinning>;

/** Where and with what a result was measured. Every results file carries one. */
export const Environment = z.object({
  date: z.string(),
  gitSha: z.string().nullable(),
  hostname: z.string(),
  cpuModel: z.string(),
  cores: z.number().int(),
  memoryBytes: z.number(),
  kernel: z.string(),
  platform: z.string(),
  dataDir: z.string(),
  /** Filesystem type of the data directory (ext4, tmpfs, overlay, …) or 'unknown'. */
  filesystem: z.string(),
  /** Median µs of write+fsync of 4 KiB, appending, in the data directory. */
  fsyncUs: z.number().nullable(),
  node: z.string(),
  sqlite: z.string(),
  betterSqlite3: z.string().nullable(),
  autocannon: z.string().nullable(),
  tinybench: z.string().nullable(),
  /** k6 version string when a k6 binary was found (K6_BIN or PATH), else null. */
  k6: z.string().nullable(),
  taskset: z.boolean(),
  pinning: Pinning.optional(),
  /** Things the probe found that weaken the numbers (tmpfs, < 2 cores, …). */
  caveats: z.array(z.string()),
});
export type Environment = z.infer<typeof Environment>;
