/**
 * A scenario file, its CSV columns already read, as a ScenarioDef the engines run like a
 * built-in one. Pure (no Node imports): the same file and seed give the same request stream.
 */
import type { ScenarioFile, ScenarioParam } from '../../lib/records/scenario-file.ts';
import type { DrawContext, EndpointDef, ScenarioDef } from '../scenarios.ts';

/** A parameter ready to draw from: a range, or the values of a list or of a CSV column. */
export type ResolvedParam = { range: [number, number] } | { list: (string | number | boolean)[] };
/** A scenario file whose CSV parameters have been read into lists. */
export type ResolvedScenarioFile = Omit<ScenarioFile, 'params' | 'requests'> & {
  params: Record<string, ResolvedParam>;
  requests: (Omit<ScenarioFile['requests'][number], 'params'> & { params: Record<string, ResolvedParam> })[];
};

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const EXACT = /^\{([A-Za-z_][A-Za-z0-9_]*)\}$/;

/** The placeholder names in a string. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/** Every placeholder of a JSON value's strings. */
function bodyPlaceholders(body: unknown): string[] {
  if (typeof body === 'string') return placeholders(body);
  if (Array.isArray(body)) return body.flatMap(bodyPlaceholders);
  if (body && typeof body === 'object') return Object.values(body).flatMap(bodyPlaceholders);
  return [];
}

/** `template` with each `{name}` replaced by its value (URI-encoded in paths). */
export function fill(template: string, values: Readonly<Record<string, unknown>>, encode: boolean): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const v = String(values[name]);
    return encode ? encodeURIComponent(v) : v;
  });
}

/** A JSON body with its strings filled; a string that is exactly `{name}` becomes the value itself. */
export function fillBody(body: unknown, values: Readonly<Record<string, unknown>>): unknown {
  if (typeof body === 'string') {
    const exact = EXACT.exec(body);
    return exact ? values[exact[1]!] : fill(body, values, false);
  }
  if (Array.isArray(body)) return body.map((b) => fillBody(b, values));
  if (body && typeof body === 'object')
    return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, fillBody(v, values)]));
  return body;
}

function draw(p: ResolvedParam, ctx: DrawContext): string | number | boolean {
  return 'range' in p ? ctx.rng.int(p.range[0], p.range[1]) : ctx.rng.pick(p.list);
}

/**
 * Every placeholder a request uses must be a parameter of the request or of the file;
 * the error names the request and the field. Returns problems (empty when sound).
 */
export function checkPlaceholders(file: {
  params: Record<string, unknown>;
  requests: { path: string; headers: Record<string, string>; body?: unknown; params: Record<string, unknown> }[];
}): string[] {
  const problems: string[] = [];
  file.requests.forEach((r, i) => {
    const known = new Set([...Object.keys(file.params), ...Object.keys(r.params)]);
    const where: [string, string[]][] = [
      ['path', placeholders(r.path)],
      ...Object.entries(r.headers).map(([h, v]) => [`headers.${h}`, placeholders(v)] as [string, string[]]),
      ['body', bodyPlaceholders(r.body)],
    ];
    for (const [field, names] of where)
      for (const n of names)
        if (!known.has(n))
          problems.push(
            `requests[${i}].${field}: unknown parameter '{${n}}' (defined: ${[...known].join(', ') || 'none'})`,
          );
  });
  return problems;
}

/** The ScenarioDef of a resolved scenario file. `source` is where it came from, for records. */
export function buildUserScenario(file: ResolvedScenarioFile, source: string): ScenarioDef {
  const names = new Map<string, number>();
  const endpoints: EndpointDef[] = file.requests.map((r) => {
    const params: Record<string, ResolvedParam> = { ...file.params, ...r.params };
    const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v]));
    const used = [
      ...new Set([
        ...placeholders(r.path),
        ...Object.values(headers).flatMap(placeholders),
        ...bodyPlaceholders(r.body),
      ]),
    ];
    // Names are keys of per-endpoint counts: the same name twice gets a number.
    const base = r.name ?? `${r.method} ${r.path}`;
    const seen = (names.get(base) ?? 0) + 1;
    names.set(base, seen);
    const endpoint: EndpointDef = {
      name: seen === 1 ? base : `${base} #${seen}`,
      method: r.method,
      weight: r.weight,
      inserts: null,
      writes: r.writes ?? r.method !== 'GET',
      ...(r.expect ? { expect: r.expect } : {}),
      ...(used.length === 0 && r.body === undefined ? { fixed: true } : {}),
      build(ctx) {
        const values: Record<string, unknown> = {};
        for (const n of used) values[n] = draw(params[n]!, ctx);
        const h = Object.keys(headers).length
          ? Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, fill(v, values, false)]))
          : undefined;
        return {
          path: fill(r.path, values, true),
          ...(r.body !== undefined ? { body: fillBody(r.body, values) } : {}),
          ...(h ? { headers: h } : {}),
        };
      },
    };
    return endpoint;
  });
  return {
    name: file.name,
    description: file.description || `scenario file ${source}`,
    endpoints,
    maxErrorPct: file.maxErrorPct,
    source,
    spec: file,
  };
}

/** Whether a parameter spec still needs reading (a CSV column). */
export const isCsvParam = (p: ScenarioParam): p is Extract<ScenarioParam, { csv: string }> => 'csv' in p;
