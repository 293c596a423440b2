import { describe, expect, it } from 'vitest';
import { parseWrkOutput } from './wrk.ts';

// Real wrk 4.1.0 output (Debian), from `wrk -t1 -c10 -d1s --latency URL/health` against the fixture server.
const OUTPUT = `Running 1s test @ http://127.0.0.1:38399/health
  1 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   700.53us    1.47ms  17.28ms   91.39%
    Req/Sec    34.28k    17.42k   56.47k    63.64%
  Latency Distribution
     50%  223.00us
     75%  324.00us
     90%    1.85ms
     99%    7.82ms
  37337 requests in 1.10s, 5.91MB read
Requests/sec:  33957.67
Transfer/sec:      5.38MB
`;

describe('parseWrkOutput', () => {
  it('reads requests, rps and the latency distribution in ms', () => {
    expect(parseWrkOutput(OUTPUT)).toEqual({
      requests: 37337,
      durationS: 1.1,
      rps: 33957.67,
      latencyMs: { mean: 0.70053, p50: 0.223, p90: 1.85, p99: 7.82, max: 17.28 },
      non2xx3xx: 0,
      socketErrors: 0,
    });
  });

  it('counts non-2xx and socket errors when wrk reports them', () => {
    const text = OUTPUT.replace(
      'Requests/sec',
      '  Socket errors: connect 0, read 3, write 0, timeout 2\n  Non-2xx or 3xx responses: 17\nRequests/sec',
    );
    const r = parseWrkOutput(text);
    expect(r.non2xx3xx).toBe(17);
    expect(r.socketErrors).toBe(5);
  });

  it('refuses output without the latency distribution', () => {
    expect(() => parseWrkOutput(OUTPUT.replace(/ {5}99%.*\n/, ''))).toThrow(/99% latency/);
  });
});
