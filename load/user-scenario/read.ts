/**
 * Reads a scenario file (JSON, or a JS/TS module whose default export is the object),
 * validates it, reads its CSV columns, and registers the scenario by name, here and in
 * every process started after (the generator processes find it through an env variable).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { csvParse } from 'd3-dsv';
import { UsageError } from '../../lib/errors.ts';
import { ScenarioFile, type ScenarioParam } from '../../lib/records/scenario-file.ts';
import { registerScenario, type ScenarioDef } from '../scenarios.ts';
import { buildUserScenario, checkPlaceholders, type ResolvedParam, type ResolvedScenarioFile } from './build.ts';

/** Child processes (load generators) register the same file from this variable. */
export const SCENARIO_FILE_ENV = 'LOADLAB_SCENARIO_FILE';

const MODULE_EXTS = new Set(['.js', '.mjs', '.ts', '.mts']);

async function readRaw(file: string): Promise<unknown> {
  const ext = extname(file).toLowerCase();
  if (ext === '.json') {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as unknown;
    } catch (err) {
      throw new UsageError(`scenario file ${file}: not valid JSON (${(err as Error).message})`);
    }
  }
  if (MODULE_EXTS.has(ext)) {
    let mod: { default?: unknown };
    try {
      mod = (await import(pathToFileURL(file).href)) as { default?: unknown };
    } catch (err) {
      throw new UsageError(`scenario file ${file}: could not load it (${(err as Error).message.split('\n')[0]})`);
    }
    if (mod.default === undefined) throw new UsageError(`scenario file ${file}: no default export`);
    return mod.default;
  }
  throw new UsageError(`scenario file ${file}: use .json, .js, .mjs or .ts`);
}

/** A CSV number stays a number (an id in a JSON body), anything else a string. */
const NUMERIC = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

function readCsvColumn(base: string, p: Extract<ScenarioParam, { csv: string }>, where: string): ResolvedParam {
  const file = resolve(base, p.csv);
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`${where}: CSV file ${file} not found`);
  const rows = csvParse(readFileSync(file, 'utf8'));
  if (!rows.columns.includes(p.column))
    throw new UsageError(`${where}: ${p.csv} has no column '${p.column}' (columns: ${rows.columns.join(', ')})`);
  const list = rows.flatMap((r) => {
    const v = r[p.column];
    if (v === undefined || v === '') return [];
    return [NUMERIC.test(v) ? Number(v) : v];
  });
  if (list.length === 0) throw new UsageError(`${where}: column '${p.column}' of ${p.csv} has no values`);
  return { list };
}

function resolveParams(
  params: Record<string, ScenarioParam>,
  base: string,
  where: string,
): Record<string, ResolvedParam> {
  return Object.fromEntries(
    Object.entries(params).map(([name, p]) => [
      name,
      'csv' in p ? readCsvColumn(base, p, `${where}.${name}`) : (p as ResolvedParam),
    ]),
  );
}

/** The file validated (zod, then placeholders) and its CSV columns read. Bad input is a UsageError naming the field. */
export async function readScenarioFile(path: string): Promise<ResolvedScenarioFile> {
  const file = resolve(path);
  if (!existsSync(file) || !statSync(file).isFile()) throw new UsageError(`--scenario-file: ${path} not found`);
  const parsed = ScenarioFile.safeParse(await readRaw(file));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UsageError(`scenario file ${path}: ${issue.path.join('.') || '(top)'}: ${issue.message}`);
  }
  const problems = checkPlaceholders(parsed.data);
  if (problems.length) throw new UsageError(`scenario file ${path}: ${problems[0]}`);
  const base = dirname(file);
  return {
    ...parsed.data,
    params: resolveParams(parsed.data.params, base, 'params'),
    requests: parsed.data.requests.map((r, i) => ({
      ...r,
      params: resolveParams(r.params, base, `requests[${i}].params`),
    })),
  };
}

/** Reads, registers and exports the scenario file to child processes; returns its scenario. */
export async function useScenarioFile(path: string): Promise<ScenarioDef> {
  const file = resolve(path);
  const def = buildUserScenario(await readScenarioFile(file), file);
  try {
    registerScenario(def);
  } catch (err) {
    throw new UsageError(`scenario file ${path}: ${(err as Error).message}`);
  }
  process.env[SCENARIO_FILE_ENV] = file;
  return def;
}

/** In a child process: registers the parent's scenario file, if it used one. */
export async function useScenarioFileFromEnv(): Promise<void> {
  const file = process.env[SCENARIO_FILE_ENV];
  if (file) await useScenarioFile(file);
}
