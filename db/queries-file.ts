import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { UsageError } from '../lib/errors.ts';
import type { SqlParams } from './sql-params.ts';

/**
 * A bring-your-own queries file: plain SQL with `-- @` directives, so the sqlite3 shell
 * can run it too.
 *
 *   -- @name orders-of-customer
 *   -- @params [42, 20]
 *   -- @params [7, 20]
 *   SELECT * FROM orders WHERE customer_id = ? ORDER BY id DESC LIMIT ?;
 *
 * A statement ends at a line whose last non-blank character is `;`. Directives apply
 * to the next statement: `@name` (default q1, q2, …) and `@params`, repeatable, a JSON
 * array (positional `?`) or object (named `:id`, `@id`, `$id`) of numbers, strings and
 * nulls. Each call uses the next parameter set, cycling. Other `--` lines are comments.
 */
export interface Query {
  name: string;
  sql: string;
  /** Sample parameter sets; `[[]]` when the statement takes none. */
  params: SqlParams[];
  /** 1-based line where the statement starts. */
  line: number;
}

const SqlValue = z.union([z.number().finite(), z.string(), z.null()]);
const ParamSet = z.union([z.array(SqlValue), z.record(z.string(), SqlValue)]);
const NAME = /^[A-Za-z0-9_.:-]{1,64}$/;
export const MAX_QUERIES = 200;
export const MAX_PARAM_SETS = 10_000;

export function parseQueriesFile(text: string, source = 'queries file'): Query[] {
  const queries: Query[] = [];
  let name: string | undefined;
  let params: SqlParams[] = [];
  let sqlLines: string[] = [];
  let start = 0;
  let directiveLine = 0;
  const fail = (line: number, msg: string): never => {
    throw new UsageError(`${source}:${line}: ${msg}`);
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const n = i + 1;
    const line = raw.trim();
    if (sqlLines.length === 0) {
      const directive = /^--\s*@(\w+)\s*(.*)$/.exec(line);
      if (directive) {
        directiveLine ||= n;
        const [, key, value] = directive;
        if (key === 'name') {
          if (name !== undefined) fail(n, 'a second @name for the same statement');
          if (!NAME.test(value!.trim())) fail(n, `@name must be 1-64 letters, digits or _.:-, got '${value!.trim()}'`);
          name = value!.trim();
        } else if (key === 'params') {
          params.push(parseParams(value!, (msg) => fail(n, msg)));
          if (params.length > MAX_PARAM_SETS) fail(n, `more than ${MAX_PARAM_SETS} @params for one statement`);
        } else {
          fail(n, `unknown directive @${key} (known: @name, @params)`);
        }
        return;
      }
      if (line === '' || line.startsWith('--')) return;
      start = n;
    }
    sqlLines.push(raw);
    if (line.endsWith(';')) {
      const sql = sqlLines.join('\n').trim().replace(/;\s*$/, '').trim();
      if (sql === '') fail(n, 'empty statement');
      const queryName = name ?? `q${queries.length + 1}`;
      if (queries.some((q) => q.name === queryName)) fail(start, `duplicate query name '${queryName}'`);
      queries.push({ name: queryName, sql, params: params.length ? params : [[]], line: start });
      if (queries.length > MAX_QUERIES) fail(n, `more than ${MAX_QUERIES} queries`);
      name = undefined;
      params = [];
      sqlLines = [];
      directiveLine = 0;
    }
  });
  if (sqlLines.length > 0) fail(start, "statement does not end with ';'");
  if (directiveLine) fail(directiveLine, '@name/@params with no statement after them');
  if (queries.length === 0) throw new UsageError(`${source}: no queries found (end each statement with ';')`);
  return queries;
}

function parseParams(value: string, fail: (msg: string) => never): SqlParams {
  let json: unknown;
  try {
    json = JSON.parse(value);
  } catch {
    return fail(`@params must be JSON, e.g. [42, "paid"] or {"id": 42}; got '${value.trim()}'`);
  }
  const parsed = ParamSet.safeParse(json);
  if (!parsed.success) return fail('@params must be a JSON array or object of numbers, strings and nulls');
  return parsed.data;
}

/** Reads and parses a queries file; a missing file or a bad line is a UsageError naming it. */
export function readQueriesFile(path: string): Query[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read queries file ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
  return parseQueriesFile(text, path);
}
