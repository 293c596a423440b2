import { readFileSync } from 'node:fs';
import { UsageError } from '../lib/errors.ts';
import { parseQueriesFile } from '../db/queries-file.ts';
import type { SqlParams } from '../db/sql-params.ts';
import { existingFile } from '../lib/files.ts';
import { tokenize, type Token } from './sql-tokens.ts';

/**
 * `loadlab explain --queries FILE` reads the bench's queries file format (db/queries-file.ts),
 * so one file serves both: plain SQL ending in ';', `-- @name`, `-- @params` (the first set is
 * bound for EXPLAIN; without any, every placeholder is bound to NULL as the sqlite3 shell does).
 * One addition, a plain comment the bench ignores, in the comment block just above a statement:
 *
 *   -- allow-scan: LIMIT stops the rowid scan after a few rows
 *
 * keeps that statement's full scans in the report but out of the --fail-on-scan gate.
 */

export interface QuerySpec {
  name: string;
  sql: string;
  /** Undefined: bind NULL to every placeholder. Bound as parameters, never pasted into the SQL. */
  params?: SqlParams;
  /** Why scans are accepted for this statement, when they are. */
  allowScan?: string;
  line: number;
  tokens: Token[];
}

function lex(sql: string, where: string): Token[] {
  try {
    return tokenize(sql);
  } catch (err) {
    throw new UsageError(`${where}: ${(err as Error).message}`);
  }
}

/** The `-- allow-scan` note in the comment lines directly above 1-based `line`, if any. */
export function allowScanAbove(lines: string[], line: number): string | undefined {
  for (let i = line - 2; i >= 0; i--) {
    const text = lines[i]!.trim();
    if (!text.startsWith('--')) return undefined;
    const m = /^--\s*allow-scan\b\s*:?\s*(.*)$/.exec(text);
    if (m) return m[1]!.trim() || 'allowed in the queries file';
  }
  return undefined;
}

/** Parses queries text in the bench format, with the allow-scan notes. */
export function parseExplainQueries(text: string, source: string): QuerySpec[] {
  const lines = text.split(/\r?\n/);
  return parseQueriesFile(text, source).map((q) => {
    const spec: QuerySpec = { name: q.name, sql: q.sql, line: q.line, tokens: lex(q.sql, `${source}:${q.line}`) };
    const first = q.params[0];
    if (first !== undefined && !(Array.isArray(first) && first.length === 0)) spec.params = first;
    const allow = allowScanAbove(lines, q.line);
    if (allow !== undefined) spec.allowScan = allow;
    return spec;
  });
}

/** Reads a queries file (missing or unreadable: a UsageError naming it). */
export function readExplainQueries(path: string): QuerySpec[] {
  existingFile(path, 'queries file');
  return parseExplainQueries(readFileSync(path, 'utf8'), path);
}

/** One statement given on the command line, with optional JSON parameters. */
export function inlineQuery(sql: string, params?: SqlParams): QuerySpec {
  const text = sql.trim().replace(/;\s*$/, '');
  if (text === '') throw new UsageError('--sql is empty');
  const spec: QuerySpec = { name: '--sql', sql: text, line: 1, tokens: lex(text, '--sql') };
  if (params !== undefined) spec.params = params;
  return spec;
}

/** Parses --params: a JSON array or object of numbers, strings and nulls. */
export function parseParamsFlag(raw: string): SqlParams {
  // The bench parser validates exactly this; reuse it on a one-statement file.
  const [q] = parseQueriesFile(`-- @params ${raw}\nSELECT 1;`, '--params');
  return q!.params[0]!;
}
