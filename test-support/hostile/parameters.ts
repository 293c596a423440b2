import type { HostileCase } from './corpus.ts';
import { http, json, post, get, raw, validContent, latin1, withBytes, SQLI } from './build.ts';

/** Hostile parameters: SQL injection, odd ids, traversal, unknown routes, limits, bad encodings, huge queries. */
export const PARAMETER_CASES: HostileCase[] = [
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
];
