import type { HostileCase } from './corpus.ts';
import { HOST, raw } from './build.ts';

/** Hostile HTTP framing: header oddities and bad message boundaries. */
export const FRAMING_CASES: HostileCase[] = [
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
