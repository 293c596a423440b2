import type { RawRequest } from './raw-http.ts';

/** Builders of raw hostile requests, shared by the corpus files. */
export const MB = 1024 * 1024;
export const HOST = 'Host: 127.0.0.1';

export function http(
  method: string,
  target: string,
  opts: { headers?: string[]; body?: string | Buffer; chunked?: boolean } = {},
): RawRequest {
  const head = [`${method} ${target} HTTP/1.1`, HOST, 'Connection: close', ...(opts.headers ?? [])];
  if (opts.body === undefined) return { head };
  const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
  if (opts.chunked) return { head: [...head, 'Transfer-Encoding: chunked'], body: chunked(body) };
  return { head: [...head, `Content-Length: ${body.length}`], body: split(body) };
}

export const json = (method: string, target: string, body: string | Buffer, headers: string[] = []) =>
  http(method, target, { headers: ['Content-Type: application/json', ...headers], body });
export const post = (target: string, value: unknown) => json('POST', target, JSON.stringify(value));
export const get = (target: string) => http('GET', target);
export const raw = (text: string | Buffer) => ({ raw: typeof text === 'string' ? Buffer.from(text, 'latin1') : text });

export function split(body: Buffer, size = 256 * 1024): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) out.push(body.subarray(i, i + size));
  return out.length ? out : [Buffer.alloc(0)];
}

export function chunked(body: Buffer): Buffer[] {
  return [
    ...split(body).map((c) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')])),
    Buffer.from('0\r\n\r\n'),
  ];
}

/** A JSON body of about `bytes` bytes whose fields are otherwise valid. */
export const bigContent = (bytes: number) => JSON.stringify({ campaign_id: 1, title: 't', body: 'x'.repeat(bytes) });
export const validContent = { campaign_id: 1, title: 'hostile', body: 'b' };
export const latin1 = (s: string) => Buffer.from(s, 'latin1');
export const withBytes = (before: string, bytes: number[], after: string) =>
  Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);

export const SQLI = ['1 OR 1=1', '1; DROP TABLE campaigns', "1' OR '1'='1", "'); DROP TABLE contents; --"];
