import { z } from 'zod';
import { AUDIO_STATUSES, CONTENT_STATUSES, CAMPAIGN_STATUSES } from '../db/schema.ts';

/** A request the server refuses with a 4xx and a JSON message. */
export class HttpError extends Error {
  constructor(
    readonly status: 400 | 404 | 409 | 413 | 415,
    message: string,
  ) {
    super(message);
  }
}

const ID_RE = /^[1-9][0-9]{0,15}$/;

/** A positive integer id from a path or query string; anything else is a 400. */
export function parseId(raw: string | undefined, what: string): number {
  if (raw === undefined || !ID_RE.test(raw)) throw new HttpError(400, `${what} must be a positive integer`);
  const n = Number(raw);
  if (!Number.isSafeInteger(n)) throw new HttpError(400, `${what} is out of range`);
  return n;
}

/** Query parameters: only the route's own, each at most once (like strict bodies: a typo is a 400, not ignored). */
export function checkQuery(queries: Record<string, string[]>, allowed: readonly string[]): void {
  for (const [name, values] of Object.entries(queries)) {
    if (!allowed.includes(name))
      throw new HttpError(
        400,
        `unknown query parameter '${name.slice(0, 64)}'${allowed.length ? ` (allowed: ${allowed.join(', ')})` : ''}`,
      );
    if (values.length > 1) throw new HttpError(400, `query parameter '${name}' given more than once`);
  }
}

export const LIMIT_DEFAULT = 20;
export const LIMIT_MAX = 100;

/** `limit` must be an integer in 1..100 (rejected, not clamped, so a caller sees its mistake). */
export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return LIMIT_DEFAULT;
  if (!/^[0-9]{1,3}$/.test(raw)) throw new HttpError(400, `limit must be an integer from 1 to ${LIMIT_MAX}`);
  const n = Number(raw);
  if (n < 1 || n > LIMIT_MAX) throw new HttpError(400, `limit must be an integer from 1 to ${LIMIT_MAX}`);
  return n;
}

export function parseEnum<T extends string>(
  raw: string | undefined,
  allowed: readonly T[],
  what: string,
): T | undefined {
  if (raw === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(raw))
    throw new HttpError(400, `${what} must be one of ${allowed.join(', ')}`);
  return raw as T;
}

export const campaignStatus = (raw: string | undefined) => parseEnum(raw, CAMPAIGN_STATUSES, 'status');
export const contentStatus = (raw: string | undefined) => parseEnum(raw, CONTENT_STATUSES, 'status');

const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const text = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL')
    .refine((s) => !LONE_SURROGATE.test(s), 'must be well-formed Unicode (no lone surrogates)');

export const NewContentBody = z.strictObject({
  campaign_id: id,
  title: text(200),
  body: text(16_384),
  status: z.enum(CONTENT_STATUSES).default('draft'),
});

export const ContentStatusBody = z.strictObject({ status: z.enum(CONTENT_STATUSES) });

export const TASK_ID_RE = /^[A-Za-z0-9_.:-]{1,64}$/;

export const NewAudioBody = z.strictObject({
  task_id: z.string().regex(TASK_ID_RE, 'task_id: 1-64 characters of A-Z a-z 0-9 _ . : -'),
  content_id: id,
  status: z.enum(AUDIO_STATUSES).default('queued'),
});

export function parseTaskId(raw: string | undefined): string {
  if (raw === undefined || !TASK_ID_RE.test(raw))
    throw new HttpError(400, 'task_id is required: 1-64 characters of A-Z a-z 0-9 _ . : -');
  return raw;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes and validates a JSON body: wrong content type 415, bad UTF-8 or JSON or shape 400. */
export function parseJsonBody<T>(contentType: string | undefined, bytes: ArrayBuffer, schema: z.ZodType<T>): T {
  if (!contentType || !/^application\/json\s*(;|$)/i.test(contentType))
    throw new HttpError(415, 'content-type must be application/json');
  let text: string;
  try {
    text = strictUtf8.decode(bytes);
  } catch {
    throw new HttpError(400, 'body is not valid UTF-8');
  }
  if (text.trim() === '') throw new HttpError(400, 'body is empty; expected a JSON object');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'body is not valid JSON');
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    throw new HttpError(400, `invalid body: ${where}${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}
