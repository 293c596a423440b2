/**
 * Reads k6 end-of-test results in any of the three shapes k6 writes and normalises them:
 * metric values under one naming (`count`, `rate`, `avg`, `med`, `p(95)`, `passes`, …),
 * checks, and thresholds with pass/fail. `k6-trial.ts` turns the result into a LoadTrial.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { UsageError } from '../../../lib/errors.ts';
import {
  HandleSummaryData,
  LegacyExport,
  MachineReadableSummary,
  type ArrayGroup,
  type LegacyGroup,
} from './ingest-schemas.ts';

export type K6Shape = 'summary-export' | 'handle-summary' | 'machine-readable';

export interface K6Metric {
  type: 'counter' | 'gauge' | 'rate' | 'trend' | null;
  values: Record<string, number>;
}
export interface K6Check {
  name: string;
  path: string;
  passes: number;
  fails: number;
}
export interface K6Threshold {
  metric: string;
  expression: string;
  ok: boolean;
}

export interface K6Summary {
  shape: K6Shape;
  metrics: Record<string, K6Metric>;
  checks: K6Check[];
  /** null when the shape does not carry thresholds (the machine-readable summary). */
  thresholds: K6Threshold[] | null;
  /** Test run duration when the shape records it. */
  durationS: number | null;
  k6Version: string | null;
}

/** A k6 result file that is not one of the shapes k6 writes (exit 2, one line). */
export class K6SummaryError extends UsageError {
  override name = 'K6SummaryError';
}

function firstIssue(err: z.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'invalid';
  return `${issue.path.length ? issue.path.join('.') + ': ' : ''}${issue.message}`;
}

function parseWith<T>(schema: z.ZodType<T>, json: unknown, source: string, shape: K6Shape): T {
  const r = schema.safeParse(json);
  if (!r.success)
    throw new K6SummaryError(`${source}: looks like a k6 ${shape} file but is malformed (${firstIssue(r.error)})`);
  return r.data;
}

/** Which shape a parsed JSON value claims to be, or null. */
export function detectShape(json: unknown): K6Shape | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null;
  const o = json as Record<string, unknown>;
  if ('results' in o && 'version' in o) return 'machine-readable';
  const metrics = o.metrics;
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) return null;
  const first = Object.values(metrics as Record<string, unknown>)[0];
  if (first && typeof first === 'object' && 'values' in first && 'type' in first) return 'handle-summary';
  return 'summary-export';
}

/** Rate metrics in the machine-readable summary count `matches` of `total`; elsewhere `passes`/`fails`. */
function normaliseValues(type: K6Metric['type'], raw: Record<string, number>): Record<string, number> {
  const values: Record<string, number> = {};
  for (const [k, v] of Object.entries(raw)) {
    const short = /^p(\d+(?:\.\d+)?)$/.exec(k);
    values[short ? `p(${short[1]})` : k] = v;
  }
  if (values.value !== undefined && values.rate === undefined && (type === 'rate' || 'passes' in values))
    values.rate = values.value;
  if (values.matches !== undefined && values.total !== undefined) {
    values.passes ??= values.matches;
    values.fails ??= values.total - values.matches;
  }
  if (values.med !== undefined) values['p(50)'] ??= values.med;
  return values;
}

function legacyChecks(group: LegacyGroup | undefined, out: K6Check[] = []): K6Check[] {
  if (!group) return out;
  for (const c of Object.values(group.checks))
    out.push({ name: c.name, path: c.path ?? c.name, passes: c.passes, fails: c.fails });
  for (const g of Object.values(group.groups)) legacyChecks(g, out);
  return out;
}

function arrayChecks(group: ArrayGroup | undefined, out: K6Check[] = []): K6Check[] {
  if (!group) return out;
  for (const c of group.checks) out.push({ name: c.name, path: c.path ?? c.name, passes: c.passes, fails: c.fails });
  for (const g of group.groups) arrayChecks(g, out);
  return out;
}

function fromLegacy(data: LegacyExport): K6Summary {
  const metrics: Record<string, K6Metric> = {};
  const thresholds: K6Threshold[] = [];
  for (const [name, m] of Object.entries(data.metrics)) {
    const { thresholds: th, ...raw } = m;
    metrics[name] = { type: null, values: normaliseValues(null, raw as Record<string, number>) };
    // In the legacy export `true` means the threshold was crossed (FAILED).
    for (const [expression, failed] of Object.entries(th ?? {}))
      thresholds.push({ metric: name, expression, ok: !failed });
  }
  const reqs = metrics.http_reqs?.values;
  const durationS = reqs && reqs.count !== undefined && reqs.rate ? reqs.count / reqs.rate : null;
  return {
    shape: 'summary-export',
    metrics,
    checks: legacyChecks(data.root_group),
    thresholds,
    durationS,
    k6Version: null,
  };
}

function fromHandleSummary(data: HandleSummaryData): K6Summary {
  const metrics: Record<string, K6Metric> = {};
  const thresholds: K6Threshold[] = [];
  for (const [name, m] of Object.entries(data.metrics)) {
    metrics[name] = { type: m.type, values: normaliseValues(m.type, m.values) };
    for (const [expression, t] of Object.entries(m.thresholds ?? {}))
      thresholds.push({ metric: name, expression, ok: t.ok });
  }
  const durationS = data.state ? data.state.testRunDurationMs / 1000 : null;
  return {
    shape: 'handle-summary',
    metrics,
    checks: arrayChecks(data.root_group),
    thresholds,
    durationS,
    k6Version: null,
  };
}

function fromMachineReadable(data: MachineReadableSummary): K6Summary {
  const metrics: Record<string, K6Metric> = {};
  for (const m of data.results.metrics) metrics[m.name] = { type: m.type, values: normaliseValues(m.type, m.values) };
  const checks = (data.results.checks?.results ?? []).map((c) => ({
    name: c.name,
    path: c.name,
    passes: c.passes,
    fails: c.fails,
  }));
  return {
    shape: 'machine-readable',
    metrics,
    checks,
    thresholds: null,
    durationS: data.config.duration,
    k6Version: data.metadata?.k6Version ?? null,
  };
}

/** Parses a k6 result object of any of the three shapes; a clear one-line K6SummaryError otherwise. */
export function parseK6Summary(json: unknown, source = 'k6 summary'): K6Summary {
  const shape = detectShape(json);
  if (shape === 'machine-readable') return fromMachineReadable(parseWith(MachineReadableSummary, json, source, shape));
  if (shape === 'handle-summary') return fromHandleSummary(parseWith(HandleSummaryData, json, source, shape));
  if (shape === 'summary-export') return fromLegacy(parseWith(LegacyExport, json, source, shape));
  throw new K6SummaryError(
    `${source}: not a k6 summary (expected a 'metrics' object from --summary-export or handleSummary, or 'version' + 'results.metrics' from the machine-readable summary)`,
  );
}

/** Reads and parses a k6 result file. */
export function readK6Summary(file: string): K6Summary {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new K6SummaryError(`${file}: cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new K6SummaryError(`${file}: not valid JSON`);
  }
  return parseK6Summary(json, file);
}
