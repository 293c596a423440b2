import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { renderRequest } from './generator.ts';
import { SCENARIOS, createRequestStream } from '../../scenarios.ts';

const require = createRequire(import.meta.url);
const autocannonBuilder = require('autocannon/lib/httpRequestBuilder.js') as (
  defaults: Record<string, unknown>,
) => (req: Record<string, unknown>, ctx: unknown) => Buffer;

describe('renderRequest (the generator’s fast request builder)', () => {
  it('produces the bytes autocannon’s own builder produces, for every scenario', () => {
    const build = autocannonBuilder({ hostname: '127.0.0.1', port: 8080 });
    for (const scenario of SCENARIOS) {
      const stream = createRequestStream(scenario, 0.01, 5);
      for (let i = 0; i < 50; i++) {
        const r = stream.next();
        const theirs = build(
          {
            method: r.method,
            path: r.path,
            headers: { ...r.headers },
            ...(r.body !== undefined ? { body: r.body } : {}),
          },
          {},
        );
        expect(renderRequest(r, '127.0.0.1:8080').toString()).toBe(theirs.toString());
      }
    }
  });

  it('never shares a headers object between requests (engines mutate them)', () => {
    const stream = createRequestStream(
      SCENARIOS.find((s) => s.name === 'write')!,
      0.01,
      5,
    );
    const a = stream.next();
    a.headers['Content-Length'] = '1';
    expect(stream.next().headers).toEqual({ 'content-type': 'application/json' });
  });
});
