import { z } from 'zod';
import { AblationRecord } from './bench.ts';
import { PairedRecord } from './paired.ts';
import { VacuumRecord } from './run.ts';

/** One A/A point estimate: a gain of a profile over itself (1 = no difference), or why there is none. */
export const AaEstimate = z.union([
  z.strictObject({
    /** What was compared, e.g. 'aa/tuned/write p95' or 'point-read tuned-identity'. */
    metric: z.string(),
    gain: z.number().positive(),
    /** The interval of the gain, where the comparison gives one. */
    low: z.number().optional(),
    high: z.number().optional(),
  }),
  z.strictObject({ metric: z.string(), unavailable: z.string() }),
]);
export type AaEstimate = z.infer<typeof AaEstimate>;

/**
 * One A/A run of `loadlab calibrate`, one file per run: the raw record of the engine that ran
 * (the paired stage, the ablation with identity arms, or VACUUM repeated) and its A/A estimates.
 * Size runs carry no estimates of their own: sizes are compared across repeats when all are in.
 */
export const CalibrationRun = z.strictObject({
  kind: z.literal('calibration-run'),
  schemaVersion: z.literal(1),
  noiseKind: z.enum(['http', 'bench', 'size']),
  /** 1-based, of `runs`. */
  run: z.number().int().min(1),
  runs: z.number().int().min(1),
  startedAt: z.string(),
  finishedAt: z.string(),
  estimates: z.array(AaEstimate),
  paired: PairedRecord.optional(),
  ablation: z.array(AblationRecord).optional(),
  vacuum: z.array(VacuumRecord).optional(),
});
export type CalibrationRun = z.infer<typeof CalibrationRun>;
