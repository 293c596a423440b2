import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { spawnServer } from '../lib/server-process.ts';
import { SQL } from '../db/store.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';

const tmp = tempDir('loadlab-slowlog-');
afterAll(() => tmp.cleanup());

const SlowLine = z
  .object({ ts: z.string(), ms: z.number().nonnegative(), sql: z.string(), params: z.number().int().nonnegative() })
  .strict();

async function exercise(url: string): Promise<void> {
  expect((await fetch(`${url}/campaigns/1`)).status).toBe(200);
  const created = await fetch(`${url}/contents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ campaign_id: 1, title: 'slow log', body: 'b' }),
  });
  expect(created.status).toBe(201);
  expect((await fetch(`${url}/clients/1/contents?limit=5`)).status).toBe(200);
}

describe('serve --slow-ms (real process)', () => {
  it('--slow-ms 0 writes one JSON line per statement: its SQL, parameter count and measured time', async () => {
    const log = join(tmp.dir, 'slow.log');
    const server = await spawnServer({
      db: tinyDb(tmp.dir, 'untuned'),
      profile: 'untuned',
      args: ['--slow-ms', '0', '--slow-log', log],
    });
    try {
      await exercise(server.url);
    } finally {
      expect(await server.stop()).toBe(0);
    }
    const lines = readFileSync(log, 'utf8')
      .trim()
      .split('\n')
      .map((l) => SlowLine.parse(JSON.parse(l)));
    const bySql = (sql: string) => lines.filter((l) => l.sql === sql);
    expect(bySql(SQL.getCampaignJson)).toHaveLength(1);
    expect(bySql(SQL.getCampaignJson)[0]!.params).toBe(1);
    expect(bySql(SQL.insertContent)[0]!.params).toBe(4);
    expect(bySql(SQL.clientExists)[0]!.params).toBe(1);
    const join_ = bySql(SQL.listClientContents);
    expect(join_).toHaveLength(1);
    expect(join_[0]!.params).toBe(2);
    // A real measurement, not a constant: the join over a table scan takes measurable time.
    expect(join_[0]!.ms).toBeGreaterThan(0);
    // The write's transaction cost (untuned: DELETE journal + FULL sync at COMMIT) is its own line.
    const commit = bySql('BEGIN ... COMMIT');
    expect(commit).toHaveLength(1);
    expect(commit[0]!.params).toBe(0);
    expect(commit[0]!.ms).toBeGreaterThan(0);
  });

  it('logs nothing below the threshold', async () => {
    const log = join(tmp.dir, 'quiet.log');
    const server = await spawnServer({
      db: tinyDb(tmp.dir, 'tuned'),
      profile: 'tuned',
      args: ['--slow-ms', '60000', '--slow-log', log],
    });
    try {
      await exercise(server.url);
    } finally {
      await server.stop();
    }
    expect(readFileSync(log, 'utf8')).toBe('');
  });

  it('an unwritable --slow-log path is a one-line error at start, not a 500 on every request', async () => {
    const db = tinyDb(tmp.dir, 'tuned', 0.005, 7);
    await expect(
      spawnServer({
        db,
        profile: 'tuned',
        args: ['--slow-ms', '0', '--slow-log', join(tmp.dir, 'missing-dir', 'slow.log')],
      }),
    ).rejects.toThrow(/exited \(2\).*cannot open --slow-log .*ENOENT/s);
  });
});
