import { gzipSync } from 'node:zlib';
import type { HostileCase } from './corpus.ts';
import { MB, HOST, http, json, post, bigContent, validContent } from './build.ts';

/** Hostile request bodies: malformed, mistyped, missing, empty, huge or deeply nested JSON. */
export const BODY_CASES: HostileCase[] = [
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
];
