import { CustomProfiles } from './custom-profile.ts';
import { z } from 'zod';

/**
 * What one `loadlab run` does, as data. The presets (quick, full) are complete configs;
 * a config file overrides any part of the chosen preset (deep merge of objects, arrays
 * replaced). Validated with zod both on the way in (config file) and in results.json.
 */
export const BenchConfig = z.strictObject({
  enabled: z.boolean(),
  /** Time per tinybench task in ms (passed to the bench runner). */
  timeMs: z.number().positive(),
  /** Operation names to run; empty = the runner's default set. */
  ops: z.array(z.string()),
  ablation: z.boolean(),
  /**
   * Rounds of base, arm, arm, base per ablation arm and operation. Fewer than the ablation's
   * confidence needs (6 for 95 %) give no interval and no verdict. Default 6.
   */
  ablationRounds: z.number().int().min(1).max(100).default(6),
  /** Time of one short ablation task (one side in one round), ms; a task runs at least one operation. Default 2. */
  ablationTaskMs: z.number().min(1).max(60_000).default(2),
  /** Table sizes (rows) for the index sweep; empty = skip it. */
  indexSweepRows: z.array(z.number().int().positive()),
  /** Also count exact cost per operation (valgrind instructions, strace syscalls): REPORT.md's cost table. */
  counted: z.boolean().default(false),
});

export const LoadConfig = z.strictObject({
  enabled: z.boolean(),
  /** Scenario names from load/scenarios.ts; empty = all of them. */
  scenarios: z.array(z.string()),
  connections: z.number().int().positive(),
  durationS: z.number().positive(),
  warmupS: z.number().min(0),
  trials: z.number().int().positive(),
});

export const K6Config = z.strictObject({
  enabled: z.boolean(),
  scenarios: z.array(z.string()),
  durationS: z.number().positive(),
});

export const CapacityConfig = z.strictObject({
  enabled: z.boolean(),
  scenario: z.string(),
  /** Profiles to sweep; empty = every profile of the run. */
  profiles: z.array(z.string()),
  /** Highest concurrency tried; the load runner steps 10, 25, 50, 100, 200, 400, 800, 1600 up to it. */
  maxConnections: z.number().int().min(10),
  durationS: z.number().positive(),
  warmupS: z.number().min(0),
  sloP95Ms: z.number().positive(),
  maxErrorPct: z.number().min(0).max(100),
  /** Bisection steps between the last passing and the first failing level (0 = the steps only). */
  refine: z.number().int().min(0).max(8).default(0),
  /** Times each profile's sweep is repeated; the capacity is the median sweep's, the interval spans them all. */
  sweeps: z.number().int().min(1).max(10).default(1),
});

/**
 * The run's concurrency stage: where the guide's pool and WAL claims live. The pool claim:
 * `readScenario` on tuned as one process, as readers:N (N connections in one process, the
 * pool the guide means) and as cluster:N. The WAL claim: `mixScenario` on untuned vs
 * untuned-wal (only the journal mode differs), its reads measured while its writes run,
 * as one process and as readers:N. Server and generator are not pinned here: a pool can
 * only use the cores it is given.
 */
export const ConcurrencyConfig = z.strictObject({
  enabled: z.boolean(),
  readScenario: z.string(),
  mixScenario: z.string(),
  /** N of readers:N and cluster:N; 0 = the machine's cores (at least 2). */
  workers: z.number().int().min(0).max(16),
  /**
   * Also run the arms one after another (pool: single, readers:N, cluster:N; WAL: single and
   * readers:N), for their absolute figures. The claims are judged from the paired stage.
   */
  sequential: z.boolean().default(true),
});

/**
 * The run's crossover stage (`loadlab crossover` inside a run): SQLite tuned vs PostgreSQL on
 * the same requests while concurrency, write share, size and processes grow. Needs
 * PostgreSQL (a throwaway cluster); skipped with the install hint without it.
 */
export const CrossoverConfig = z.strictObject({
  enabled: z.boolean(),
  preset: z.enum(['quick', 'full']),
  pgProfile: z.string(),
});

export const VacuumConfig = z.strictObject({
  enabled: z.boolean(),
  /** Share of `contents` rows deleted before VACUUM (0.3 = 30 %). */
  deleteShare: z.number().min(0).max(0.95),
  /** Share of remaining `contents` rows whose body is rewritten (grown) before VACUUM. */
  updateShare: z.number().min(0).max(1),
});

/** The power-loss stage (load/powerloss/): crash images of every durability profile. */
export const PowerlossConfig = z.strictObject({
  enabled: z.boolean(),
  /** Cut points per profile. */
  cuts: z.number().int().min(1).max(100_000),
  /** Seconds of writes per profile under the recorder. */
  durationS: z.number().min(0.2).max(600),
  /** Every cut in all four modes (none, all, random, torn), else one mode per cut. */
  allModes: z.boolean(),
});
export type PowerlossConfig = z.infer<typeof PowerlossConfig>;

export const HeadlineConfig = z.strictObject({
  /** Scenario whose rps is "read QPS". */
  readScenario: z.string(),
  /** Scenario whose rps is "write QPS". */
  writeScenario: z.string(),
  /** Scenario whose p95 is "P95 response time" (the guide's Locust mix). */
  p95Scenario: z.string(),
});

export const ThresholdConfig = z.strictObject({
  /** compare: a change smaller than this (percent) is never a regression. */
  comparePct: z.number().min(0),
  /** Claims ledger: a gain within ±this percent counts as no effect. */
  ledgerNoisePct: z.number().min(0),
});

/**
 * The paired stage: every comparison the report states (tuned vs untuned on the headline
 * scenarios, consensus vs tuned, WAL while writes run, the pool) measured the way `ab`
 * measures: both servers up, the load alternating between them in short slices, pairs of
 * neighbouring slices, rounds with fresh servers on fresh copies of the seeded databases.
 */
export const PairedConfig = z.strictObject({
  enabled: z.boolean(),
  /** Rounds; the interval needs enough of them for its confidence (6 for 95 %, 5 for 90 %). */
  rounds: z.number().int().min(1).max(100),
  /** Measured load per side, comparison and round, cut into slices. */
  durationS: z.number().positive(),
  /** Unmeasured load on each side before a block's first slice. */
  warmupS: z.number().min(0),
  /**
   * Connections of the paired load. Few on purpose: a slice lasts a tenth of a second, so
   * every connection's first answer must come well inside it, and a slow side (untuned
   * writes: a few ms each) with many connections queued answers nothing in a slice. A
   * one-process server on a core is saturated long before this many.
   */
  connections: z.number().int().positive().default(16),
  /** Two-sided confidence of every paired interval. */
  confidence: z.number().gt(0).lt(1),
});
export type PairedConfig = z.infer<typeof PairedConfig>;

export const RunConfig = z.strictObject({
  profiles: z.array(z.string()).min(1),
  scale: z.number().positive().max(100),
  seed: z.number().int().min(0),
  bench: BenchConfig,
  load: LoadConfig,
  k6: K6Config,
  capacity: CapacityConfig,
  vacuum: VacuumConfig,
  /** Absent in older results: the stage did not exist. */
  concurrency: ConcurrencyConfig.default({
    enabled: false,
    readScenario: 'read-list',
    mixScenario: 'mix-80-20',
    workers: 0,
    sequential: true,
  }),
  /** Absent in older results: the stage did not exist. */
  paired: PairedConfig.default({
    enabled: false,
    rounds: 6,
    durationS: 1,
    warmupS: 0.3,
    connections: 16,
    confidence: 0.95,
  }),
  /** Absent in older results: the stage did not exist. */
  crossover: CrossoverConfig.default({ enabled: false, preset: 'quick', pgProfile: 'pg-tuned' }),
  /** Absent in older results: the stage did not exist. */
  powerloss: PowerlossConfig.default({ enabled: false, cuts: 200, durationS: 2, allModes: false }),
  headline: HeadlineConfig,
  thresholds: ThresholdConfig,
  /** Calibration only: every request of the candidate server is delayed this much (0 = off). */
  injectDelayMs: z.number().min(0),
  /** Profiles defined by the config file (selected by name in `profiles`); recorded so a report says what they were. */
  customProfiles: CustomProfiles.default({}),
  /** Calibration only: counted operations of this side do this many iterations of extra work (bench --inject-work). */
  injectWork: z.number().min(0).max(1_000_000).default(0),
});
export type RunConfig = z.infer<typeof RunConfig>;

/**
 * The fields of a section, each optional and without its default. Not `.partial()`: zod 4
 * still applies an inner `.default()` there, so `{ capacity: { durationS: 10 } }` came back
 * as `{ durationS: 10, refine: 0, sweeps: 1 }` and silently undid the --full preset's
 * bisection and repeated sweeps. A config file says only what it says.
 */
function overrides<S extends z.ZodRawShape>(section: z.ZodObject<S>) {
  const shape = Object.fromEntries(
    Object.entries(section.shape).map(([key, field]) => [
      key,
      (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)).optional(),
    ]),
  );
  return z.strictObject(shape) as unknown as z.ZodType<Partial<z.infer<z.ZodObject<S>>>>;
}

/** A config file: any subset of RunConfig; unknown keys are errors (a typo must not be ignored). */
export const ConfigFile = z.strictObject({
  profiles: RunConfig.shape.profiles.optional(),
  scale: RunConfig.shape.scale.optional(),
  seed: RunConfig.shape.seed.optional(),
  bench: overrides(BenchConfig).optional(),
  load: overrides(LoadConfig).optional(),
  k6: overrides(K6Config).optional(),
  capacity: overrides(CapacityConfig).optional(),
  vacuum: overrides(VacuumConfig).optional(),
  concurrency: overrides(ConcurrencyConfig).optional(),
  paired: overrides(PairedConfig).optional(),
  crossover: overrides(CrossoverConfig).optional(),
  powerloss: overrides(PowerlossConfig).optional(),
  headline: overrides(HeadlineConfig).optional(),
  thresholds: overrides(ThresholdConfig).optional(),
  injectDelayMs: RunConfig.shape.injectDelayMs.optional(),
  injectWork: z.number().min(0).max(1_000_000).optional(),
  customProfiles: CustomProfiles.optional(),
});
export type ConfigFile = z.infer<typeof ConfigFile>;

/** The preset with a config file's values laid over it (objects merged one level deep). */
export function mergeConfig(preset: RunConfig, file: ConfigFile): RunConfig {
  const out: Record<string, unknown> = { ...preset };
  for (const [key, value] of Object.entries(file)) {
    if (value === undefined) continue;
    const base = (preset as Record<string, unknown>)[key];
    out[key] = isPlainObject(base) && isPlainObject(value) ? { ...base, ...value } : value;
  }
  return RunConfig.parse(out);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
