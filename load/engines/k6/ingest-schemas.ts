/**
 * The three shapes k6 writes its end-of-test results in, as zod schemas. Unknown extra keys
 * are allowed (k6 adds fields between versions); what the suite reads is checked.
 */
import { z } from 'zod';

const num = z.number().finite();

/** Legacy `--summary-export`: flat stats per metric; in `thresholds`, `true` means FAILED. */
export const LegacyMetric = z.object({ thresholds: z.record(z.string(), z.boolean()).optional() }).catchall(num);

export interface LegacyGroup {
  name: string;
  path?: string;
  groups: Record<string, LegacyGroup>;
  checks: Record<string, { name: string; path?: string; passes: number; fails: number }>;
}
const LegacyCheck = z.looseObject({
  name: z.string(),
  path: z.string().optional(),
  passes: z.number().int().min(0),
  fails: z.number().int().min(0),
});
export const LegacyGroup: z.ZodType<LegacyGroup> = z.lazy(() =>
  z.looseObject({
    name: z.string(),
    path: z.string().optional(),
    groups: z.record(z.string(), LegacyGroup),
    checks: z.record(z.string(), LegacyCheck),
  }),
);

export const LegacyExport = z.looseObject({
  root_group: LegacyGroup.optional(),
  metrics: z.record(z.string(), LegacyMetric),
});
export type LegacyExport = z.infer<typeof LegacyExport>;

/** `handleSummary(data)`: typed metrics with `values`, thresholds `{expr: {ok}}`, groups and checks as arrays. */
const MetricType = z.enum(['counter', 'gauge', 'rate', 'trend']);
export const HandleSummaryMetric = z.looseObject({
  type: MetricType,
  contains: z.string().optional(),
  values: z.record(z.string(), num),
  thresholds: z.record(z.string(), z.looseObject({ ok: z.boolean() })).optional(),
});

export interface ArrayGroup {
  name: string;
  path?: string;
  groups: ArrayGroup[];
  checks: { name: string; path?: string; passes: number; fails: number }[];
}
export const ArrayGroup: z.ZodType<ArrayGroup> = z.lazy(() =>
  z.looseObject({
    name: z.string(),
    path: z.string().optional(),
    groups: z.array(ArrayGroup),
    checks: z.array(LegacyCheck),
  }),
);

export const HandleSummaryData = z.looseObject({
  root_group: ArrayGroup.optional(),
  state: z.looseObject({ testRunDurationMs: num.min(0) }).optional(),
  metrics: z.record(z.string(), HandleSummaryMetric),
});
export type HandleSummaryData = z.infer<typeof HandleSummaryData>;

/** `--new-machine-readable-summary` (schema 1.x): `results.metrics[]` with a `name` each; no thresholds. */
export const MachineReadableMetric = z.looseObject({
  name: z.string().min(1),
  type: MetricType,
  contains: z.string().optional(),
  values: z.record(z.string(), num),
});

export const MachineReadableSummary = z.looseObject({
  version: z.string().regex(/^1\.\d+\.\d+/, 'expected schema version 1.x'),
  metadata: z.looseObject({ k6Version: z.string().optional(), generatedAt: z.string().optional() }).optional(),
  config: z.looseObject({ duration: num.min(0), execution: z.string().optional(), script: z.string().optional() }),
  results: z.looseObject({
    passed: z.boolean().optional(),
    metrics: z.array(MachineReadableMetric),
    checks: z
      .looseObject({
        results: z
          .array(z.looseObject({ name: z.string(), passes: z.number().int().min(0), fails: z.number().int().min(0) }))
          .optional(),
      })
      .optional(),
  }),
});
export type MachineReadableSummary = z.infer<typeof MachineReadableSummary>;
