import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { renderRequest, runGenerator } from './generator.ts';
import { answeredId, createWriteRecorder } from './write-recorder.ts';
import { SCENARIOS, createRequestStream, builtinScenario } from '../../scenarios.ts';
import { checkWritesInDatabase } from '../../audit.ts';
import { spawnServer } from '../../../lib/server-process.ts';
import { tempDir, tinyDb } from '../../../test-support/temp-db.ts';

const tmp = tempDir('loadlab-generator-');
afterAll(() => tmp.cleanup());

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

describe('the write log (what the audit checks one by one)', () => {
  const mix = builtinScenario('mix-80-20')!;

  it('reads the id of a write answer', () => {
    expect(answeredId('{"id":123}')).toBe(123);
    expect(answeredId('{"id":7,"status":"draft"}')).toBe(7);
    expect(answeredId('{"error":"x"}')).toBeUndefined();
    expect(answeredId('{"id":0}')).toBeUndefined();
  });

  it('keeps each 2xx insert (request number and id) and every answer of an update; ignores reads', () => {
    const rec = createWriteRecorder(mix);
    rec.answered('POST /contents', 3, 201, '{"id":1001}', 5);
    rec.answered('POST /contents', 4, 503, '{"error":"busy"}', 6);
    rec.answered('POST /audio-generations', 6, 201, '{"oops":1}', 7);
    rec.answered('PATCH /contents/:id', 7, 200, '{"id":9,"status":"draft"}', 9);
    rec.answered('PATCH /contents/:id', 8, 404, '{"error":"nope"}', 9);
    rec.answered('GET /campaigns/:id', 9, 200, '{"id":3}', 10);
    rec.answered(undefined, undefined, 201, '{"id":5}', 10);
    expect(rec.log(10)).toEqual({
      drawn: 10,
      inserts: {
        'POST /contents': { seq: [3], id: [1001], noId: 0 },
        'POST /audio-generations': { seq: [], id: [], noId: 1 },
      },
      updates: { 'PATCH /contents/:id': { seq: [7, 8], drawnAtAnswer: [9, 9], ok: [1, 0] } },
    });
  });

  it('logs every 2xx write of a real run, and the audit finds each one (autocannon, 1 s)', async () => {
    const db = tinyDb(tmp.dir, 'tuned', 0.005, 5);
    const server = await spawnServer({ db, profile: 'tuned' });
    let result: Awaited<ReturnType<typeof runGenerator>>;
    try {
      result = await runGenerator({
        url: server.url,
        scenario: 'mix-50-50',
        scale: 0.005,
        seed: 9,
        connections: 4,
        warmupS: 0,
        durationS: 1,
        rate: null,
        resetStats: false,
        timeoutS: 5,
      });
    } finally {
      await server.stop();
    }
    const log = result.writes!;
    const sent = Object.values(result.byEndpoint).reduce((n, c) => n + c.sent, 0);
    expect(log.drawn).toBe(sent);
    for (const [name, ins] of Object.entries(log.inserts)) {
      expect(ins.seq.length, name).toBe(result.byEndpoint[name]!.ok2xx);
      expect(ins.noId).toBe(0);
    }
    const patch = log.updates['PATCH /contents/:id']!;
    expect(patch.seq.length).toBe(result.byEndpoint['PATCH /contents/:id']!.answered);
    expect(patch.seq.length).toBeGreaterThan(10);
    const ids = log.inserts['POST /contents']!.id;
    expect(new Set(ids).size).toBe(ids.length);
    const check = checkWritesInDatabase(db, { scenario: builtinScenario('mix-50-50')!, scale: 0.005, seed: 9, log });
    expect(check).toMatchObject({ missing: 0, mismatched: 0, examples: [] });
    expect(check.checked).toBeGreaterThan(100);
  });

  it('keeps no write log for a read-only scenario', () => {
    expect(createWriteRecorder(builtinScenario('read-point')!).log(3)).toEqual({ drawn: 3, inserts: {}, updates: {} });
  });
});
