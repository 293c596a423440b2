import { z } from 'zod';

/**
 * A scenario file: the requests of your own service, as data (JSON, or a JS/TS module whose
 * default export is this object). Placeholders `{name}` in a path, a header value or a body
 * string are filled from `params`, drawn afresh for every request from a seeded generator,
 * so a run is repeatable. A body string that is exactly `{name}` takes the value itself
 * (a number stays a number). See docs/load.md.
 */
export const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const ScenarioParam = z.union([
  /** A whole number drawn uniformly from [min, max]. */
  z
    .strictObject({ range: z.tuple([z.number().int(), z.number().int()]) })
    .refine((p) => p.range[0] <= p.range[1], { message: 'range: the first bound must not exceed the second' }),
  /** One of these values, uniformly. */
  z.strictObject({ list: z.array(z.union([z.string(), z.number(), z.boolean()])).min(1) }),
  /** One value of a CSV column (first line: the header), uniformly; the path is relative to the scenario file. */
  z.strictObject({ csv: z.string().min(1), column: z.string().min(1) }),
]);
export type ScenarioParam = z.infer<typeof ScenarioParam>;

const Params = z.record(
  z.string().regex(PARAM_NAME, 'a parameter name is a letter or _ then letters, digits, _'),
  ScenarioParam,
);

export const ScenarioRequest = z.strictObject({
  /** Shown in per-endpoint counts; default 'METHOD path'. */
  name: z.string().min(1).max(100).optional(),
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']).default('GET'),
  /** A path (and query) on the target, with placeholders: '/items/{id}?q={word}'. */
  path: z.string().startsWith('/', 'path must start with /').max(2000),
  /** Share of the traffic, relative to the other requests' weights. */
  weight: z.number().positive().default(1),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid header name'), z.string())
    .default({}),
  /** A JSON body (sent with content-type application/json unless a header says otherwise). */
  body: z.unknown().optional(),
  /** Status codes that count as success; default any 2xx. */
  expect: z.array(z.number().int().min(100).max(599)).min(1).optional(),
  /** Parameters of this request only (over the file's). */
  params: Params.default({}),
  /** Does a success change the server's data? Default: every method but GET. Shown, not audited (the runner cannot see your database). */
  writes: z.boolean().optional(),
});
export type ScenarioRequest = z.infer<typeof ScenarioRequest>;

export const ScenarioFile = z.strictObject({
  $schema: z.string().optional(),
  /** The scenario's name in records and reports; must not be a built-in scenario's. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and -'),
  description: z.string().default(''),
  params: Params.default({}),
  /** An arm fails when more than this share of requests (percent) got an unexpected status, an error or a timeout. */
  maxErrorPct: z.number().min(0).max(100).default(1),
  requests: z.array(ScenarioRequest).min(1).max(100),
});
export type ScenarioFile = z.infer<typeof ScenarioFile>;
export type ScenarioFileInput = z.input<typeof ScenarioFile>;
