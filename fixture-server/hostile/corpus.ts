import { gzipSync } from 'node:zlib';
import type { RawRequest } from './raw-http.ts';

/**
 * Hostile requests for the fixture server, as data. Every one must get a 4xx with a JSON
 * `{error}` body (the expected status where it is part of the contract), never a 5xx,
 * and none may change the database. Ids refer to a tiny seeded database: campaign 1,
 * client 1 and content 1 exist; 999999999 does not.
 */
export interface HostileCase {
  name: string;
  category: string;
  request: RawRequest;
  /** An exact status, or any 4xx. */
  expect: number | '4xx';
}

const MB = 1024 * 1024;
const HOST = 'Host: 127.0.0.1';

function http(
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

const json = (method: string, target: string, body: string | Buffer, headers: string[] = []) =>
  http(method, target, { headers: ['Content-Type: application/json', ...headers], body });
const post = (target: string, value: unknown) => json('POST', target, JSON.stringify(value));
const get = (target: string) => http('GET', target);
const raw = (text: string | Buffer) => ({ raw: typeof text === 'string' ? Buffer.from(text, 'latin1') : text });

function split(body: Buffer, size = 256 * 1024): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < body.length; i += size) out.push(body.subarray(i, i + size));
  return out.length ? out : [Buffer.alloc(0)];
}

function chunked(body: Buffer): Buffer[] {
  return [
    ...split(body).map((c) => Buffer.concat([Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n')])),
    Buffer.from('0\r\n\r\n'),
  ];
}

/** A JSON body of about `bytes` bytes whose fields are otherwise valid. */
const bigContent = (bytes: number) => JSON.stringify({ campaign_id: 1, title: 't', body: 'x'.repeat(bytes) });
const validContent = { campaign_id: 1, title: 'hostile', body: 'b' };
const latin1 = (s: string) => Buffer.from(s, 'latin1');
const withBytes = (before: string, bytes: number[], after: string) =>
  Buffer.concat([Buffer.from(before), Buffer.from(bytes), Buffer.from(after)]);

const SQLI = ['1 OR 1=1', '1; DROP TABLE campaigns', "1' OR '1'='1", "'); DROP TABLE contents; --"];

export const HOSTILE_CORPUS: HostileCase[] = [
  // Malformed and truncated JSON
  {
    category: 'json',
    name: 'truncated object',
    request: json('POST', '/contents', '{"campaign_id": 1, "title": "t"'),
    expect: 400,
  },
  { category: 'json', name: 'lone brace', request: json('POST', '/contents', '{'), expect: 400 },
  {
    category: 'json',
    name: 'trailing comma',
    request: json('POST', '/contents', '{"campaign_id": 1, "title": "t", "body": "b",}'),
    expect: 400,
  },
  { category: 'json', name: 'single quotes', request: json('POST', '/contents', "{'campaign_id': 1}"), expect: 400 },
  {
    category: 'json',
    name: 'truncated inside a string',
    request: json('POST', '/contents', '{"campaign_id": 1, "title": "abc'),
    expect: 400,
  },
  { category: 'json', name: 'NaN', request: json('POST', '/contents', 'NaN'), expect: 400 },
  { category: 'json', name: 'null', request: json('POST', '/contents', 'null'), expect: 400 },
  { category: 'json', name: 'array', request: json('POST', '/contents', '[]'), expect: 400 },
  { category: 'json', name: 'bare string', request: json('POST', '/contents', '"contents"'), expect: 400 },
  { category: 'json', name: 'truncated PATCH', request: json('PATCH', '/contents/1', '{"status":'), expect: 400 },
  {
    category: 'json',
    name: 'two objects',
    request: json('POST', '/contents', JSON.stringify(validContent) + JSON.stringify(validContent)),
    expect: 400,
  },

  // Wrong content types (bodies otherwise valid)
  {
    category: 'content-type',
    name: 'text/plain',
    request: http('POST', '/contents', { headers: ['Content-Type: text/plain'], body: JSON.stringify(validContent) }),
    expect: 415,
  },
  {
    category: 'content-type',
    name: 'no content type',
    request: http('POST', '/contents', { body: JSON.stringify(validContent) }),
    expect: 415,
  },
  {
    category: 'content-type',
    name: 'form encoded',
    request: http('POST', '/contents', {
      headers: ['Content-Type: application/x-www-form-urlencoded'],
      body: 'campaign_id=1&title=t&body=b',
    }),
    expect: 415,
  },
  {
    category: 'content-type',
    name: 'multipart',
    request: http('POST', '/contents', {
      headers: ['Content-Type: multipart/form-data; boundary=x'],
      body: '--x\r\nContent-Disposition: form-data; name="title"\r\n\r\nt\r\n--x--\r\n',
    }),
    expect: 415,
  },
  {
    category: 'content-type',
    name: 'application/jsonp',
    request: http('POST', '/contents', {
      headers: ['Content-Type: application/jsonp'],
      body: JSON.stringify(validContent),
    }),
    expect: 415,
  },
  {
    category: 'content-type',
    name: 'json-patch on PATCH',
    request: http('PATCH', '/contents/1', {
      headers: ['Content-Type: application/json-patch+json'],
      body: '{"status":"draft"}',
    }),
    expect: 415,
  },
  {
    category: 'content-type',
    name: 'gzip-encoded body',
    request: json('POST', '/contents', gzipSync(JSON.stringify(validContent)), ['Content-Encoding: gzip']),
    expect: 400,
  },

  // Wrong types in every field
  ...(
    [
      ['campaign_id as string', { ...validContent, campaign_id: '1' }],
      ['campaign_id fractional', { ...validContent, campaign_id: 1.5 }],
      ['campaign_id boolean', { ...validContent, campaign_id: true }],
      ['campaign_id null', { ...validContent, campaign_id: null }],
      ['campaign_id array', { ...validContent, campaign_id: [1] }],
      ['campaign_id beyond 2^63', { ...validContent, campaign_id: 9223372036854775808 }],
      ['campaign_id negative', { ...validContent, campaign_id: -1 }],
      ['title number', { ...validContent, title: 123 }],
      ['title object', { ...validContent, title: {} }],
      ['title empty', { ...validContent, title: '' }],
      ['title with NUL', { ...validContent, title: 'a\u0000b' }],
      ['title lone surrogate', { ...validContent, title: 'a\ud800b' }],
      ['body boolean', { ...validContent, body: false }],
      ['body over 16 KiB', { ...validContent, body: 'x'.repeat(16_385) }],
      ['status not in enum', { ...validContent, status: 'deleted' }],
      ['status number', { ...validContent, status: 1 }],
    ] as const
  ).map(([name, value]) => ({
    category: 'types',
    name: `POST /contents ${name}`,
    request: post('/contents', value),
    expect: 400 as const,
  })),
  {
    category: 'types',
    name: 'PATCH status null',
    request: json('PATCH', '/contents/1', '{"status":null}'),
    expect: 400,
  },
  {
    category: 'types',
    name: 'PATCH status array',
    request: json('PATCH', '/contents/1', '{"status":["draft"]}'),
    expect: 400,
  },
  {
    category: 'types',
    name: 'audio task_id number',
    request: post('/audio-generations', { task_id: 123, content_id: 1 }),
    expect: 400,
  },
  {
    category: 'types',
    name: 'audio task_id with spaces',
    request: post('/audio-generations', { task_id: 'has space', content_id: 1 }),
    expect: 400,
  },
  {
    category: 'types',
    name: 'audio content_id string',
    request: post('/audio-generations', { task_id: 't1', content_id: '1' }),
    expect: 400,
  },
  {
    category: 'types',
    name: 'audio status bogus',
    request: post('/audio-generations', { task_id: 't1', content_id: 1, status: 'bogus' }),
    expect: 400,
  },

  // Missing and extra fields
  { category: 'fields', name: 'POST /contents {}', request: post('/contents', {}), expect: 400 },
  {
    category: 'fields',
    name: 'POST /contents without body',
    request: post('/contents', { campaign_id: 1, title: 't' }),
    expect: 400,
  },
  {
    category: 'fields',
    name: 'POST /contents with id',
    request: post('/contents', { ...validContent, id: 5 }),
    expect: 400,
  },
  {
    category: 'fields',
    name: 'POST /contents with __proto__',
    request: json('POST', '/contents', '{"campaign_id":1,"title":"t","body":"b","__proto__":{"admin":true}}'),
    expect: 400,
  },
  { category: 'fields', name: 'PATCH {}', request: json('PATCH', '/contents/1', '{}'), expect: 400 },
  {
    category: 'fields',
    name: 'PATCH extra field',
    request: json('PATCH', '/contents/1', '{"status":"draft","title":"x"}'),
    expect: 400,
  },
  { category: 'fields', name: 'audio {}', request: post('/audio-generations', {}), expect: 400 },

  // Empty bodies
  { category: 'empty', name: 'POST /contents empty', request: json('POST', '/contents', ''), expect: 400 },
  { category: 'empty', name: 'POST /contents whitespace', request: json('POST', '/contents', ' \r\n\t '), expect: 400 },
  { category: 'empty', name: 'PATCH empty', request: json('PATCH', '/contents/1', ''), expect: 400 },
  {
    category: 'empty',
    name: 'audio empty without content type',
    request: http('POST', '/audio-generations', { body: '' }),
    expect: 415,
  },
  {
    category: 'empty',
    name: 'POST /contents no body at all',
    request: http('POST', '/contents', { headers: ['Content-Type: application/json'] }),
    expect: 400,
  },

  // Large bodies
  {
    category: 'large',
    name: '10 MB POST /contents',
    request: json('POST', '/contents', bigContent(10 * MB)),
    expect: 413,
  },
  {
    category: 'large',
    name: '10 MB chunked POST /contents',
    request: http('POST', '/contents', {
      headers: ['Content-Type: application/json'],
      body: bigContent(10 * MB),
      chunked: true,
    }),
    expect: 413,
  },
  {
    category: 'large',
    name: '10 MB PATCH',
    request: json('PATCH', '/contents/1', JSON.stringify({ status: 'draft', pad: 'x'.repeat(10 * MB) })),
    expect: 413,
  },
  {
    category: 'large',
    name: '10 MB audio',
    request: json(
      'POST',
      '/audio-generations',
      JSON.stringify({ task_id: 't', content_id: 1, pad: 'x'.repeat(10 * MB) }),
    ),
    expect: 413,
  },
  {
    category: 'large',
    name: 'one byte over 64 KiB',
    request: json('POST', '/contents', Buffer.alloc(64 * 1024 + 1, 0x20)),
    expect: 413,
  },
  {
    category: 'large',
    name: 'Expect: 100-continue with 10 MB declared',
    request: {
      head: [
        'POST /contents HTTP/1.1',
        HOST,
        'Connection: close',
        'Content-Type: application/json',
        `Content-Length: ${10 * MB}`,
        'Expect: 100-continue',
      ],
    },
    expect: 413,
  },

  // Deeply nested JSON
  {
    category: 'nesting',
    name: '20,000 nested arrays',
    request: json('POST', '/contents', '['.repeat(20_000) + ']'.repeat(20_000)),
    expect: 400,
  },
  {
    category: 'nesting',
    name: '5,000 nested objects',
    request: json('POST', '/contents', '{"a":'.repeat(5_000) + '1' + '}'.repeat(5_000)),
    expect: 400,
  },
  {
    category: 'nesting',
    name: 'nested title',
    request: json(
      'POST',
      '/contents',
      `{"campaign_id":1,"body":"b","title":${'{"t":'.repeat(3_000)}"x"${'}'.repeat(3_000)}}`,
    ),
    expect: 400,
  },

  // SQL injection in every parameter: path, query, body
  ...SQLI.map((s) => ({
    category: 'sqli',
    name: `campaign id ${s}`,
    request: get(`/campaigns/${encodeURIComponent(s)}`),
    expect: 400 as const,
  })),
  {
    category: 'sqli',
    name: 'client id raw quote',
    request: raw("GET /clients/1'--/campaigns HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'client id in contents path',
    request: get(`/clients/${encodeURIComponent(SQLI[2]!)}/contents`),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'content id on PATCH',
    request: json('PATCH', `/contents/${encodeURIComponent(SQLI[0]!)}`, '{"status":"draft"}'),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'status query',
    request: get(`/contents?status=${encodeURIComponent("draft' OR '1'='1")}`),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'limit query',
    request: get(`/contents?limit=${encodeURIComponent('1; DROP TABLE contents')}`),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'campaign status query',
    request: get(`/clients/1/campaigns?status=${encodeURIComponent("active'; DELETE FROM campaigns;--")}`),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'task_id query',
    request: get(`/audio-generations?task_id=${encodeURIComponent("x' OR 1=1--")}`),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'title body (unknown campaign: stored as data would be 201)',
    request: post('/contents', { campaign_id: 999_999_999, title: SQLI[3], body: SQLI[2] }),
    expect: 409,
  },
  {
    category: 'sqli',
    name: 'campaign_id body',
    request: post('/contents', { ...validContent, campaign_id: SQLI[0] }),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'client contents limit query',
    request: get(`/clients/1/contents?limit=${encodeURIComponent('5 UNION SELECT * FROM clients')}`),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'content id on unknown query key',
    request: get(`/contents?${encodeURIComponent("status'--")}=draft`),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'status body',
    request: post('/contents', { ...validContent, status: "draft'); DROP TABLE contents;--" }),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'PATCH status body',
    request: json('PATCH', '/contents/1', JSON.stringify({ status: "published' WHERE 1=1;--" })),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'audio task_id body',
    request: post('/audio-generations', { task_id: "t'; DROP TABLE audio_generations;--", content_id: 1 }),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'audio content_id body',
    request: post('/audio-generations', { task_id: 't', content_id: SQLI[0] }),
    expect: 400,
  },
  {
    category: 'sqli',
    name: 'audio unknown content (FK)',
    request: post('/audio-generations', { task_id: 'hostile-fk', content_id: 999_999_999 }),
    expect: 409,
  },

  // Ids: negative, zero, fractional, beyond 2^53 and 2^63, non-numeric
  ...[
    '-1',
    '0',
    '1.5',
    '9007199254740993',
    '9223372036854775808',
    '18446744073709551616',
    'abc',
    '1e3',
    '0x10',
    '00001',
    '%201',
    '+1',
    'Infinity',
  ].map((id) => ({
    category: 'ids',
    name: `campaign id ${id}`,
    request: get(`/campaigns/${id}`),
    expect: 400 as const,
  })),
  { category: 'ids', name: 'client id -5', request: get('/clients/-5/contents'), expect: 400 },
  {
    category: 'ids',
    name: 'PATCH content id 0',
    request: json('PATCH', '/contents/0', '{"status":"draft"}'),
    expect: 400,
  },
  { category: 'ids', name: 'unknown campaign', request: get('/campaigns/999999999'), expect: 404 },
  {
    category: 'ids',
    name: 'PATCH unknown content',
    request: json('PATCH', '/contents/999999999', '{"status":"draft"}'),
    expect: 404,
  },

  // Path traversal
  { category: 'traversal', name: '/../../etc/passwd', request: get('/../../etc/passwd'), expect: 404 },
  {
    category: 'traversal',
    name: 'encoded slashes in id',
    request: get('/campaigns/..%2F..%2Fetc%2Fpasswd'),
    expect: 400,
  },
  {
    category: 'traversal',
    name: 'dot segments after a route',
    request: get('/campaigns/1/../../../etc/passwd'),
    expect: 404,
  },
  { category: 'traversal', name: 'encoded dots', request: get('/%2e%2e/%2e%2e/etc/passwd'), expect: 404 },
  { category: 'traversal', name: 'backslashes', request: get('/campaigns/..\\..\\windows\\win.ini'), expect: '4xx' },
  { category: 'traversal', name: 'double slash', request: get('//etc/passwd'), expect: 404 },
  { category: 'traversal', name: 'absolute-form file URL', request: get('file:///etc/passwd'), expect: '4xx' },

  // Unknown routes and methods
  { category: 'routes', name: 'GET /admin', request: get('/admin'), expect: 404 },
  { category: 'routes', name: 'DELETE /contents/1', request: http('DELETE', '/contents/1'), expect: '4xx' },
  { category: 'routes', name: 'PUT /campaigns/1', request: json('PUT', '/campaigns/1', '{}'), expect: '4xx' },
  { category: 'routes', name: 'OPTIONS /contents', request: http('OPTIONS', '/contents'), expect: '4xx' },
  { category: 'routes', name: 'TRACE /health', request: http('TRACE', '/health'), expect: '4xx' },
  { category: 'routes', name: 'unknown method FOO', request: http('FOO', '/health'), expect: 400 },
  { category: 'routes', name: 'POST /__stats', request: post('/__stats', {}), expect: '4xx' },

  // limit (and offset, which no route takes) out of range
  ...['0', '101', '-1', '1e2', 'abc', '', '99999999999999999999', '1.0'].map((v) => ({
    category: 'limit',
    name: `limit=${v}`,
    request: get(`/contents?limit=${v}`),
    expect: 400 as const,
  })),
  { category: 'limit', name: 'offset=-1 (unknown parameter)', request: get('/contents?offset=-1'), expect: 400 },
  {
    category: 'limit',
    name: 'client campaigns limit=1000',
    request: get('/clients/1/campaigns?limit=1000'),
    expect: 400,
  },
  { category: 'limit', name: 'audio limit=0', request: get('/audio-generations?task_id=t&limit=0'), expect: 400 },
  { category: 'limit', name: 'audio without task_id', request: get('/audio-generations'), expect: 400 },

  // Invalid UTF-8 and bad percent-encoding
  {
    category: 'utf8',
    name: 'invalid continuation in body',
    request: json('POST', '/contents', withBytes('{"campaign_id":1,"body":"b","title":"', [0xc3, 0x28], '"}')),
    expect: 400,
  },
  {
    category: 'utf8',
    name: 'overlong slash in body',
    request: json('POST', '/contents', withBytes('{"campaign_id":1,"body":"b","title":"', [0xc0, 0xaf], '"}')),
    expect: 400,
  },
  {
    category: 'utf8',
    name: 'encoded surrogate in body',
    request: json('POST', '/contents', withBytes('{"campaign_id":1,"body":"b","title":"', [0xed, 0xa0, 0x80], '"}')),
    expect: 400,
  },
  {
    category: 'utf8',
    name: 'raw 0xFF in path',
    request: raw(latin1('GET /campaigns/\xff HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')),
    expect: '4xx',
  },
  {
    category: 'utf8',
    name: 'raw bytes in query',
    request: raw(latin1('GET /contents?status=\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n')),
    expect: '4xx',
  },
  { category: 'utf8', name: 'percent-encoded invalid UTF-8 in path', request: get('/campaigns/%FF'), expect: 400 },
  {
    category: 'utf8',
    name: 'percent-encoded invalid UTF-8 in query',
    request: get('/contents?status=%C3%28'),
    expect: 400,
  },
  { category: 'percent', name: 'lone % in path', request: get('/campaigns/%'), expect: '4xx' },
  { category: 'percent', name: '%zz in path', request: get('/campaigns/%zz'), expect: '4xx' },
  { category: 'percent', name: 'lone % in query', request: get('/contents?limit=%'), expect: 400 },
  { category: 'percent', name: 'truncated escape in query', request: get('/contents?status=%E0%A4%A'), expect: 400 },

  // Huge query strings
  {
    category: 'query',
    name: '8 KB status value',
    request: get(`/contents?status=${'a'.repeat(8 * 1024)}`),
    expect: 400,
  },
  {
    category: 'query',
    name: '2,000 repeated parameters',
    request: get(`/contents?${'a=1&'.repeat(2_000)}limit=5`),
    expect: 400,
  },
  {
    category: 'query',
    name: '100 KB request line',
    request: get(`/contents?status=${'a'.repeat(100 * 1024)}`),
    expect: '4xx',
  },

  // Header oddities and bad framing
  {
    category: 'headers',
    name: '20 KB header',
    request: { head: ['GET /health HTTP/1.1', HOST, 'Connection: close', `X-Big: ${'a'.repeat(20 * 1024)}`] },
    expect: '4xx',
  },
  {
    category: 'headers',
    name: 'Content-Length and Transfer-Encoding',
    request: raw(
      'POST /contents HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n',
    ),
    expect: 400,
  },
  {
    category: 'headers',
    name: 'two different Content-Lengths',
    request: raw(
      'POST /contents HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
    ),
    expect: 400,
  },
  {
    category: 'headers',
    name: 'negative Content-Length',
    request: raw('POST /contents HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: -1\r\n\r\n'),
    expect: 400,
  },
  {
    category: 'headers',
    name: 'non-numeric Content-Length',
    request: raw('POST /contents HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: abc\r\n\r\n'),
    expect: 400,
  },
  {
    category: 'headers',
    name: 'space in header name',
    request: raw('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\nConnection: close\r\n\r\n'),
    expect: 400,
  },
  {
    category: 'headers',
    name: 'obsolete line folding',
    request: raw('GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: a\r\n  folded\r\nConnection: close\r\n\r\n'),
    expect: 400,
  },
  {
    category: 'headers',
    name: 'missing Host',
    request: raw('GET /health HTTP/1.1\r\nConnection: close\r\n\r\n'),
    expect: 400,
  },
  {
    category: 'headers',
    name: 'Host with a space',
    request: raw('GET /health HTTP/1.1\r\nHost: a b\r\nConnection: close\r\n\r\n'),
    expect: '4xx',
  },
  {
    category: 'headers',
    name: 'Host with a path',
    request: raw('GET /health HTTP/1.1\r\nHost: evil.example/x?\r\nConnection: close\r\n\r\n'),
    expect: '4xx',
  },
  {
    category: 'headers',
    name: 'invalid chunk size',
    request: raw(
      'POST /contents HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
    ),
    expect: '4xx',
  },
  {
    category: 'headers',
    name: 'Transfer-Encoding identity',
    request: raw(
      'POST /contents HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Type: application/json\r\nTransfer-Encoding: identity\r\n\r\n{}',
    ),
    expect: '4xx',
  },
  {
    category: 'framing',
    name: 'HTTP/9.9',
    request: raw('GET /health HTTP/9.9\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    expect: '4xx',
  },
  {
    category: 'framing',
    name: 'HTTP/2 preface on HTTP/1',
    request: raw('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
    expect: '4xx',
  },
  {
    category: 'framing',
    name: 'TLS ClientHello bytes',
    request: raw(
      Buffer.from([0x16, 0x03, 0x01, 0x00, 0xa5, 0x01, 0x00, 0x00, 0xa1, 0x03, 0x03, 0x0d, 0x0a, 0x0d, 0x0a]),
    ),
    expect: '4xx',
  },
  {
    category: 'framing',
    name: 'NUL in request line',
    request: raw('GET /he\u0000alth HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
    expect: '4xx',
  },
];
