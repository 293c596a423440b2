import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { AddressInfo } from 'node:net';
import { CLI_BIN } from '../../lib/server-process.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { createRequestStream } from '../scenarios.ts';
import { buildUserScenario, checkPlaceholders, fill, fillBody } from './build.ts';
import { readScenarioFile, readUserScenario, scenarioFromRef, scenarioRef } from './read.ts';

const tmp = tempDir('loadlab-scenario-file-');
afterAll(() => tmp.cleanup());

const write = (name: string, content: unknown) => {
  const file = join(tmp.dir, name);
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

const SPEC = {
  name: 'my-api',
  params: { id: { range: [1, 50] }, word: { list: ['a b', 'c'] } },
  requests: [
    { path: '/items/{id}?q={word}', weight: 3, headers: { 'X-Token': 'tok-{id}' }, expect: [200, 404] },
    { method: 'POST', path: '/items', body: { ref: '{id}', note: 'id {id}', tags: ['{word}'] } },
  ],
};

describe('scenario file: building requests', () => {
  it('fills placeholders: encoded in paths, as text in strings, as the value itself in a body string that is only the placeholder', () => {
    expect(fill('/items/{id}?q={w}', { id: 7, w: 'a b&c' }, true)).toBe('/items/7?q=a%20b%26c');
    expect(fillBody({ ref: '{id}', note: 'id {id}', list: ['{id}', 3] }, { id: 7 })).toEqual({
      ref: 7,
      note: 'id 7',
      list: [7, 3],
    });
  });

  it('names every placeholder that no parameter defines', () => {
    const problems = checkPlaceholders({
      params: { id: 1 },
      requests: [{ path: '/a/{id}/{nope}', headers: { h: '{also}' }, body: { x: '{id}' }, params: {} }],
    });
    expect(problems).toEqual([
      "requests[0].path: unknown parameter '{nope}' (defined: id)",
      "requests[0].headers.h: unknown parameter '{also}' (defined: id)",
    ]);
  });

  it('one seed, one stream: the same requests in the same order, headers lower-cased and filled, one parameter one value per request', async () => {
    const file = await readScenarioFile(write('spec.json', SPEC));
    const def = buildUserScenario(file, 'spec.json');
    const a = createRequestStream(def, 1, 42);
    const b = createRequestStream(def, 1, 42);
    const drawn = Array.from({ length: 200 }, () => a.next());
    expect(drawn).toEqual(Array.from({ length: 200 }, () => b.next()));
    const get = drawn.find((r) => r.method === 'GET')!;
    const id = /\/items\/(\d+)\?/.exec(get.path)![1];
    expect(get.headers).toEqual({ 'x-token': `tok-${id}` });
    const post = drawn.find((r) => r.method === 'POST')!;
    const body = JSON.parse(post.body!) as { ref: number; note: string };
    expect(typeof body.ref).toBe('number');
    expect(body.note).toBe(`id ${body.ref}`);
    expect(post.headers['content-type']).toBe('application/json');
    // Weights 3 : 1.
    const gets = drawn.filter((r) => r.method === 'GET').length;
    expect(gets / drawn.length).toBeGreaterThan(0.6);
    expect(gets / drawn.length).toBeLessThan(0.9);
    expect(def.endpoints.map((e) => [e.name, e.writes, e.expect])).toEqual([
      ['GET /items/{id}?q={word}', false, [200, 404]],
      ['POST /items', true, undefined],
    ]);
  });
});

describe('scenario file: reading and validating', () => {
  it('reads a CSV column (numbers stay numbers) relative to the file', async () => {
    write('users.csv', 'id,name\n10,ann\n11,"bo, b"\n');
    const file = await readScenarioFile(
      write('csv.json', {
        name: 'csv-api',
        params: { u: { csv: 'users.csv', column: 'id' } },
        requests: [{ path: '/u/{u}' }],
      }),
    );
    expect(file.params).toEqual({ u: { list: [10, 11] } });
    const names = await readScenarioFile(
      write('csv2.json', {
        name: 'csv-api',
        params: { n: { csv: 'users.csv', column: 'name' } },
        requests: [{ path: '/u/{n}' }],
      }),
    );
    expect(names.params).toEqual({ n: { list: ['ann', 'bo, b'] } });
  });

  it.each([
    ['missing.json', null, /--scenario-file: .*missing\.json not found/],
    ['bad.json', '{ "name": ', /not valid JSON/],
    ['noreq.json', { name: 'x', requests: [] }, /requests: .*at least 1|requests: Too small/i],
    ['method.json', { name: 'x', requests: [{ method: 'TRACE', path: '/' }] }, /requests\.0\.method/],
    ['path.json', { name: 'x', requests: [{ path: 'items' }] }, /requests\.0\.path: path must start with \//],
    ['unknown.json', { name: 'x', requests: [{ path: '/a/{id}' }] }, /requests\[0\]\.path: unknown parameter '\{id\}'/],
    ['range.json', { name: 'x', params: { a: { range: [5, 1] } }, requests: [{ path: '/{a}' }] }, /first bound/],
    ['extra.json', { name: 'x', requests: [{ path: '/' }], typo: 1 }, /typo|Unrecognized/],
    [
      'col.json',
      { name: 'x', params: { u: { csv: 'users.csv', column: 'nope' } }, requests: [{ path: '/{u}' }] },
      /has no column 'nope' \(columns: id, name\)/,
    ],
    ['file.txt', 'name: x', /use \.json, \.js, \.mjs or \.ts/],
  ])('%s is refused with the field named', async (name, content, message) => {
    const path = content === null ? join(tmp.dir, name) : write(name, content);
    await expect(readScenarioFile(path)).rejects.toThrow(message);
    await expect(readScenarioFile(path)).rejects.toMatchObject({ name: 'UsageError' });
  });

  it('a TS module whose default export is the scenario works too, and a built-in name is refused', async () => {
    const ts = write('spec.ts', `export default ${JSON.stringify({ ...SPEC, name: 'from-ts' })};\n`);
    const def = await readUserScenario(ts);
    expect(def.name).toBe('from-ts');
    // What a generator process gets back from the ref: the same scenario, read again from its file.
    const again = await scenarioFromRef(scenarioRef(def));
    expect(again.name).toBe('from-ts');
    expect(again.source).toBe(def.source);
    expect(again.endpoints.map((e) => e.name)).toEqual(def.endpoints.map((e) => e.name));
    const builtIn = write('builtin.json', { name: 'read-list', requests: [{ path: '/' }] });
    await expect(readUserScenario(builtIn)).rejects.toThrow(/built-in scenario's name/);
  });
});

describe('load --scenario-file against a small node:http service (not the fixture server)', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/boom') {
        res.writeHead(500).end('{"error":"boom"}');
        return;
      }
      if (req.method === 'POST') {
        req.resume();
        req.on('end', () => res.writeHead(201, { 'content-type': 'application/json' }).end('{"id":1}'));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const run = async (spec: string, json: string) => {
    try {
      const { stdout, stderr } = await promisify(execFile)(
        process.execPath,
        [
          CLI_BIN,
          'load',
          '--scenario-file',
          spec,
          '--target',
          url,
          '--duration',
          '1',
          '--warmup',
          '0',
          '--trials',
          '1',
          '--connections',
          '4',
          '--no-pin',
          '--json-out',
          json,
        ],
        { timeout: 60_000 },
      );
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('measures rps and latency of the service, and fails the arm when it answers 500s beyond the error budget', async () => {
    const good = await run(write('svc.json', SPEC), join(tmp.dir, 'good.json'));
    expect(good.code, good.stderr).toBe(0);
    const rec = JSON.parse(readFileSync(join(tmp.dir, 'good.json'), 'utf8')).records[0];
    expect(rec).toMatchObject({ scenario: 'my-api', profile: 'external', status: 'ok' });
    expect(rec.median.rps).toBeGreaterThan(50);
    expect(rec.median.latencyMs.p95).toBeGreaterThan(0);

    const bad = { ...SPEC, requests: [...SPEC.requests, { path: '/boom' }] };
    const failed = await run(write('svc-bad.json', bad), join(tmp.dir, 'bad.json'));
    expect(failed.code).toBe(1);
    const b = JSON.parse(readFileSync(join(tmp.dir, 'bad.json'), 'utf8')).records[0];
    expect(b.status).toBe('failed');
    expect(b.reason).toMatch(
      /% of requests failed \(unexpected status \d+, .*500: \d+.*over the scenario's error budget of 1 %/,
    );
  }, 120_000);

  it('needs --target, and not --scenario too: exit 2, one line', async () => {
    const spec = write('svc2.json', SPEC);
    const noTarget = await promisify(execFile)(process.execPath, [CLI_BIN, 'load', '--scenario-file', spec]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(noTarget).toMatchObject({
      code: 2,
      stderr: 'error: --scenario-file describes your own service: give its address with --target URL\n',
    });
  });
});
