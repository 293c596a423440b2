import type { AnyResults } from './read-records.ts';

/** What must match for two results files to be compared: how they were run and on what. */
export interface RunContext {
  /** 'quick' | 'full' for `run` results; undefined for load and bench files (no preset). */
  mode?: string | undefined;
  scale?: number | undefined;
  connections?: number | undefined;
  trials?: number | undefined;
  durationS?: number | undefined;
  warmupS?: number | undefined;
  cpuModel: string;
  cores: number;
  node: string;
  sqlite: string;
  betterSqlite3: string | null;
}

/** One field that differs, as the error names it: 'mode quick vs full'. */
export interface Mismatch {
  field: string;
  baseline: string;
  candidate: string;
}

/** The fields compared, in the order the error lists them, with the name it gives each. */
const FIELDS: readonly [keyof RunContext, string][] = [
  ['mode', 'mode'],
  ['scale', 'scale'],
  ['connections', 'connections'],
  ['trials', 'trials'],
  ['durationS', 'durationS'],
  ['warmupS', 'warmupS'],
  ['cpuModel', 'CPU model'],
  ['cores', 'cores'],
  ['node', 'Node'],
  ['sqlite', 'SQLite'],
  ['betterSqlite3', 'better-sqlite3'],
];

const numberOr = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/**
 * The context of a results file: a run's preset and config (`mode`, `config`), or a load or
 * bench file's `options`; the machine and versions from `environment`. Fields a kind of file
 * does not have (a bench file has no connections) are undefined and not compared.
 */
export function contextOf(r: AnyResults): RunContext {
  const env = r.file.environment;
  const machine = {
    cpuModel: env.cpuModel,
    cores: env.cores,
    node: env.node,
    sqlite: env.sqlite,
    betterSqlite3: env.betterSqlite3,
  };
  if (r.kind === 'run') {
    const { config } = r.file;
    return {
      mode: r.file.mode,
      scale: config.scale,
      connections: config.load.connections,
      trials: config.load.trials,
      durationS: config.load.durationS,
      warmupS: config.load.warmupS,
      ...machine,
    };
  }
  const o = r.file.options;
  if (r.kind === 'bench') return { scale: numberOr(o.scale), ...machine };
  return {
    scale: numberOr(o.scale),
    connections: numberOr(o.connections),
    trials: numberOr(o.trials),
    durationS: numberOr(o.durationS),
    warmupS: numberOr(o.warmupS),
    ...machine,
  };
}

const show = (v: string | number | null): string =>
  v === null ? 'none' : typeof v === 'string' && /[\s;]/.test(v) ? JSON.stringify(v) : String(v);

/** The fields that differ; a field one side does not record is not compared. Pure. */
export function contextMismatches(baseline: RunContext, candidate: RunContext): Mismatch[] {
  const out: Mismatch[] = [];
  for (const [key, field] of FIELDS) {
    const b = baseline[key];
    const c = candidate[key];
    if (b === undefined || c === undefined || b === c) continue;
    out.push({ field, baseline: show(b), candidate: show(c) });
  }
  return out;
}

/** 'mode quick vs full; connections 50 vs 100'. */
export function describeMismatches(mismatches: readonly Mismatch[]): string {
  return mismatches.map((m) => `${m.field} ${m.baseline} vs ${m.candidate}`).join('; ');
}

/**
 * How a results file is named in a comparison: by the run, not the file name ("results.json
 * vs results.json" says nothing): git SHA and branch, mode, date; the file name only when
 * the file knows none of these.
 */
export function runLabel(r: AnyResults, fallback: string): string {
  const env = r.file.environment as { gitSha?: string | null; branch?: string | null; date?: string };
  const parts = [
    env.gitSha ? env.gitSha.slice(0, 7) : null,
    env.branch && env.branch !== 'HEAD' ? env.branch : null,
    r.kind === 'run' ? r.file.mode : r.kind,
    env.date ? env.date.slice(0, 10) : null,
  ].filter((x): x is string => Boolean(x));
  return parts.length > 1 ? parts.join(' · ') : fallback;
}
