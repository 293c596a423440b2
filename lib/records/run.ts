import { z } from 'zod';
import { CrossoverFile } from './crossover.ts';
import { Environment } from './environment.ts';
import { AblationRecord, BenchRecord, IndexSweepRecord, Status } from './bench.ts';
import { CountedRecord } from './counted.ts';
import { PowerlossRecord } from './powerloss.ts';
import { CapacityRecord, LoadRecord } from './load.ts';
import { ReadsWhileWritingRecord } from './reads-while-writing.ts';
import { PairedRecord } from './paired.ts';
import { RunConfig } from './run-config.ts';

export const RUN_SCHEMA_VERSION = 1;

/** The stages of `loadlab run`, in order. */
export const STAGE_NAMES = [
  'environment',
  'seed',
  'vacuum',
  'bench',
  'load',
  'paired',
  'concurrency',
  'k6',
  'capacity',
  'crossover',
  'powerloss',
  'report',
] as const;
export const StageName = z.enum(STAGE_NAMES);
export type StageName = z.infer<typeof StageName>;

export const StageResult = z.object({
  name: StageName,
  /** 'pending' until the stage ran; a stage that threw is 'failed' with the message as reason. */
  status: z.union([Status, z.literal('pending')]),
  reason: z.string().optional(),
  startedAt: z.string().nullable(),
  durationS: z.number().nullable(),
});
export type StageResult = z.infer<typeof StageResult>;

export const SeedRecord = z.object({
  profile: z.string(),
  file: z.string(),
  scale: z.number(),
  seed: z.number().int(),
  bytes: z.number().int(),
  ms: z.number(),
});
export type SeedRecord = z.infer<typeof SeedRecord>;

/**
 * File size before and after VACUUM on a database that has seen churn: seeded, then a
 * share of `contents` deleted and a share of bodies rewritten, as months of use would.
 */
export const VacuumRecord = z.object({
  profile: z.string(),
  status: Status,
  reason: z.string().optional(),
  /** What was done to the file before measuring, in words (for the ledger). */
  method: z.string(),
  deletedRows: z.number().int(),
  updatedRows: z.number().int(),
  pageSize: z.number().int(),
  bytes: z.object({
    seeded: z.number().int(),
    beforeVacuum: z.number().int(),
    /** After the churn and the profile's own routine maintenance (absent in older records). */
    afterMaintenance: z.number().int().optional(),
    afterVacuum: z.number().int(),
  }),
  /** The profile's routine maintenance, in words: what auto_vacuum promises (absent in older records). */
  maintenance: z.string().optional(),
  freelistPages: z.object({ beforeVacuum: z.number().int(), afterVacuum: z.number().int() }),
  vacuumMs: z.number(),
});
export type VacuumRecord = z.infer<typeof VacuumRecord>;

/** What a load scenario does, copied from the scenario table so a report needs no code. */
export const ScenarioInfo = z.object({
  name: z.string(),
  description: z.string(),
  /** 'read' | 'write' | 'mixed' */
  kind: z.string(),
});
export type ScenarioInfo = z.infer<typeof ScenarioInfo>;

/** Everything one `loadlab run` measured. Written after every stage. */
export const RunResults = z.object({
  schemaVersion: z.literal(RUN_SCHEMA_VERSION),
  kind: z.literal('run'),
  mode: z.enum(['quick', 'full']),
  /** Config file used on top of the preset, if any. */
  configFile: z.string().nullable(),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  wallS: z.number().nullable(),
  environment: Environment,
  config: RunConfig,
  stages: z.array(StageResult),
  scenarios: z.array(ScenarioInfo).default([]),
  seed: z.array(SeedRecord).default([]),
  vacuum: z.array(VacuumRecord).default([]),
  bench: z.array(BenchRecord).default([]),
  ablation: z.array(AblationRecord).default([]),
  indexSweep: z.array(IndexSweepRecord).default([]),
  /** Exact cost per operation and profile (`run --counted`). */
  counted: z.array(CountedRecord).default([]),
  /** The user's own database and queries (`run --db FILE --queries FILE`), per profile, on copies. */
  byo: z
    .object({
      source: z.object({
        db: z.string(),
        sha256: z.string(),
        bytes: z.number().int(),
        queries: z.number().int(),
        queriesFile: z.string().optional(),
      }),
      records: z.array(BenchRecord),
    })
    .optional(),
  load: z.array(LoadRecord).default([]),
  capacity: z.array(CapacityRecord).default([]),
  /** The paired stage: every comparison the report judges, interleaved (null: the stage did not run). */
  paired: PairedRecord.nullable().default(null),
  /** The concurrency stage's arms (pool: tuned single vs readers:N vs cluster:N; WAL: reads while writing). */
  concurrency: z.array(LoadRecord).default([]),
  /** The concurrency stage's engine-level WAL measurement: reads on one connection while another writes. */
  readsWhileWriting: z.array(ReadsWhileWritingRecord).default([]),
  /** The crossover stage: SQLite tuned vs PostgreSQL, swept (null: the stage did not run). */
  crossover: CrossoverFile.nullable().default(null),
  /** The power-loss stage: crash images per profile (load/powerloss/); empty when it did not run. */
  powerloss: z.array(PowerlossRecord).default([]),
});
export type RunResults = z.infer<typeof RunResults>;
/** Input type: arrays with defaults may be omitted. */
export type RunResultsInput = z.input<typeof RunResults>;
