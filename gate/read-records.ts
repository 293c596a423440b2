import { readFileSync } from 'node:fs';
import { UsageError } from '../lib/errors.ts';
import { BenchFile } from '../lib/records/bench.ts';
import { LoadFile } from '../lib/records/load.ts';
import { RunResults } from '../lib/records/run.ts';
import type { MetricSources } from './metrics.ts';

/** A results file of any kind `compare` accepts, validated. */
export type AnyResults =
  { kind: 'run'; file: RunResults } | { kind: 'load'; file: LoadFile } | { kind: 'bench'; file: BenchFile };

const SCHEMAS = { run: RunResults, load: LoadFile, bench: BenchFile } as const;

/** Parses a results JSON file (`run`, `load --json` or `bench --json`); any problem is a one-line UsageError. */
export function readResultsFile(path: string): AnyResults {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`results file not found: ${path}`);
    throw new UsageError(`${path}: not readable JSON (${(err as Error).message.split('\n')[0]})`);
  }
  return parseResults(raw, path);
}

export function parseResults(raw: unknown, label: string): AnyResults {
  const kind = typeof raw === 'object' && raw !== null ? (raw as { kind?: unknown }).kind : undefined;
  if (kind !== 'run' && kind !== 'load' && kind !== 'bench') {
    throw new UsageError(
      `${label}: not a loadlab results file (kind must be run, load or bench, got ${JSON.stringify(kind)})`,
    );
  }
  const parsed = SCHEMAS[kind].safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`${label}: invalid ${kind} results at ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return { kind, file: parsed.data } as AnyResults;
}

/** Validates a run results file specifically (for `report` and `trend`). */
export function readRunResults(path: string): RunResults {
  const r = readResultsFile(path);
  if (r.kind !== 'run')
    throw new UsageError(`${path}: a '${r.kind}' results file; this command needs results.json from 'loadlab run'`);
  return r.file;
}

export function metricSources(r: AnyResults): MetricSources {
  switch (r.kind) {
    // Exact counters gate from every kind of file that has them (`run --counted`, `load --counted`).
    case 'run':
      return { load: r.file.load, bench: r.file.bench, capacity: r.file.capacity, counted: r.file.counted };
    case 'load':
      return { load: r.file.records, bench: [], capacity: r.file.capacity, counted: r.file.counted };
    case 'bench':
      return { load: [], bench: r.file.records, capacity: [], counted: r.file.counted };
  }
}
