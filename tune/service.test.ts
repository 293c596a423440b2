import Database from 'better-sqlite3';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DRIVER_PATH } from '../bench/counted/job.ts';
import { UsageError } from '../lib/errors.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { PLAIN_OPEN } from '../test-support/tune.ts';
import { checkTarget, compareThroughService, serviceLoad, servicePragmas } from './service.ts';
import type { Settings } from './space.ts';

describe('the service stage, pure parts', () => {
  it('a target is a loopback http URL with {port}', () => {
    expect(() => checkTarget('http://127.0.0.1:{port}')).not.toThrow();
    expect(() => checkTarget('http://[::1]:{port}/api')).not.toThrow();
    expect(() => checkTarget('http://10.0.0.5:{port}')).toThrow(/must be loopback/);
    expect(() => checkTarget('http://127.0.0.1:3000')).toThrow(/give \{port\}/);
    expect(() => checkTarget('ftp://127.0.0.1:{port}')).toThrow(UsageError);
  });

  it('the load fits the stage: six rounds per side, none when the budget cannot pay for half a second', () => {
    expect(serviceLoad(30)).toEqual({ rounds: 6, durationS: 1.3, connections: 8 });
    expect(serviceLoad(1000)!.durationS).toBe(15);
    expect(serviceLoad(18)).toBeNull();
  });

  it('tells the service every PRAGMA of its settings and the busy timeout', () => {
    expect(servicePragmas(PLAIN_OPEN, 5000)).toEqual([
      'journal_mode = delete',
      'synchronous = 2',
      'cache_size = -16000',
      'mmap_size = 0',
      'temp_store = 0',
      'busy_timeout = 5000',
    ]);
  });
});

/** A service that is not the fixture server: node:http + better-sqlite3, configured only by its environment. */
const SERVICE = `
const http = require('node:http');
const fs = require('node:fs');
const Database = require(${JSON.stringify(DRIVER_PATH)});
const db = new Database(process.env.LOADLAB_DB, { fileMustExist: true });
for (const p of process.env.LOADLAB_PRAGMAS.split(';').filter(Boolean)) db.pragma(p);
fs.writeFileSync(process.env.LOADLAB_DB + '.seen.json', JSON.stringify({
  journal_mode: db.pragma('journal_mode', { simple: true }),
  synchronous: db.pragma('synchronous', { simple: true }),
  busy_timeout: db.pragma('busy_timeout', { simple: true }),
  indexes: db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all().map((r) => r.name),
}));
const get = db.prepare('SELECT id, name FROM items WHERE id = ?');
http.createServer((req, res) => {
  const m = /^\\/items\\/(\\d+)$/.exec(req.url);
  const row = m && get.get(Number(m[1]));
  res.writeHead(row ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(row ?? { error: 'no such item' }));
}).listen(Number(process.env.PORT), '127.0.0.1');
`;

const portOpen = (url: string) =>
  new Promise<boolean>((resolve) => {
    const u = new URL(url);
    const s = connect({ host: u.hostname, port: Number(u.port) });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });

describe('the winner against yours through a service of your own', () => {
  const tmp = tempDir('loadlab-tune-service-');
  const yours = join(tmp.dir, 'yours.sqlite');
  const winner = join(tmp.dir, 'winner.sqlite');
  const WINNER: Settings = { ...PLAIN_OPEN, journal_mode: 'wal', synchronous: 1 };
  beforeAll(() => {
    for (const f of [yours, winner]) {
      const db = new Database(f);
      db.exec('CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
      const ins = db.prepare('INSERT INTO items (name) VALUES (?)');
      db.transaction(() => {
        for (let i = 0; i < 200; i++) ins.run(`item ${i}`);
      })();
      if (f === winner) db.pragma('journal_mode = wal');
      db.close();
    }
    writeFileSync(join(tmp.dir, 'svc.cjs'), SERVICE);
    writeFileSync(
      join(tmp.dir, 'svc.json'),
      JSON.stringify({ name: 'svc', params: { id: { range: [1, 200] } }, requests: [{ path: '/items/{id}' }] }),
    );
  });
  afterAll(() => tmp.cleanup());

  /** The stage with `command` as the service, the winner WAL + NORMAL against plain-open settings. */
  const through = (command: string, out: string, budgetS: number) =>
    compareThroughService({
      spec: {
        command,
        scenarioFile: join(tmp.dir, 'svc.json'),
        target: 'http://127.0.0.1:{port}',
        outDir: join(tmp.dir, out),
      },
      files: { yours, winner },
      settings: { yours: PLAIN_OPEN, winner: WINNER },
      busyTimeoutMs: 5000,
      budgetS,
      cwd: tmp.dir,
    });

  it('starts it twice with its file and PRAGMAs, runs ab between them, and stops both', async () => {
    const r = await through(`"${process.execPath}" svc.cjs`, 'ab', 25);
    expect(r.error).toBeUndefined();
    // Each instance ran with the settings it was given, read back by the service itself.
    expect(JSON.parse(readFileSync(`${yours}.seen.json`, 'utf8'))).toMatchObject({
      journal_mode: 'delete',
      synchronous: 2,
      busy_timeout: 5000,
    });
    expect(JSON.parse(readFileSync(`${winner}.seen.json`, 'utf8'))).toMatchObject({
      journal_mode: 'wal',
      synchronous: 1,
    });
    expect(r.exitCode === 0 || r.exitCode === 1).toBe(true);
    expect(r.headline).toMatch(/^ab: /);
    const rps = r.metrics.find((m) => m.key === 'ab/svc/external/rps')!;
    expect(rps.coverage).toBeGreaterThan(0.9);
    expect(rps.verdict).not.toBe('failed');
    expect(existsSync(join(tmp.dir, 'ab', 'AB.md'))).toBe(true);
    expect(r.elapsedS).toBeLessThan(25 * 1.2);
    // Both stopped: nothing listens where they did.
    expect(await portOpen(r.urls.yours)).toBe(false);
    expect(await portOpen(r.urls.winner)).toBe(false);
  }, 60_000);

  it('a command that exits before listening is an error in the record, with what it said', async () => {
    const r = await through(`"${process.execPath}" -e "console.error('no config'); process.exit(3)"`, 'ab-fail', 25);
    expect(r.error).toMatch(/exited \(3\) before listening on http:\/\/127\.0\.0\.1:\d+: no config/);
    expect(r.metrics).toEqual([]);
  });

  it('a budget that cannot pay for the rounds starts nothing', async () => {
    const r = await compareThroughService({
      spec: { command: 'false', scenarioFile: 'x', target: 'http://127.0.0.1:{port}', outDir: join(tmp.dir, 'none') },
      files: { yours, winner },
      settings: { yours: PLAIN_OPEN, winner: WINNER },
      busyTimeoutMs: 5000,
      budgetS: 8,
    });
    expect(r.error).toMatch(/the budget cannot pay for 6 rounds of load \(8 s left\)/);
    expect(r.urls).toEqual({ yours: '', winner: '' });
  });
});
