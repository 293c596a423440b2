/**
 * Reads a scenario file (JSON, or a JS/TS module whose default export is the object),
 * validates it and reads its CSV columns. The catalog (catalog/catalog.ts) holds the
 * scenario by name; a child process reads the same file again (`scenarioFromRef`).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { csvParse } from 'd3-dsv';
import { UsageError } from '../../lib/errors.ts';
import { ScenarioFile, type ScenarioParam } from '../../lib/records/scenario-file.ts';
import { builtinScenario, type ScenarioDef } from '../scenarios.ts';
import { buildUserScenario, checkPlaceholders, type ResolvedParam, type ResolvedScenarioFile } from './build.ts';

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

/** The scenario of a scenario file; its name must not be a built-in scenario's. */
export async function readUserScenario(path: string): Promise<ScenarioDef> {
  const file = resolve(path);
  const def = buildUserScenario(await readScenarioFile(file), file);
  if (builtinScenario(def.name))
    throw new UsageError(`scenario file ${path}: scenario '${def.name}' is a built-in scenario's name; choose another`);
  return def;
}

/** What a child process needs to rebuild a scenario: its name, and its file when it has one. */
export interface ScenarioRef {
  name: string;
  source?: string;
}

export const scenarioRef = (s: ScenarioDef): ScenarioRef =>
  s.source ? { name: s.name, source: s.source } : { name: s.name };

/** A scenario back from its ref (in a generator process): the built-in one, or its file read again. */
export async function scenarioFromRef(ref: ScenarioRef): Promise<ScenarioDef> {
  const def = ref.source ? await readUserScenario(ref.source) : builtinScenario(ref.name);
  if (!def || def.name !== ref.name)
    throw new Error(`scenario '${ref.name}' not found${ref.source ? ` in ${ref.source}` : ''}`);
  return def;
}
