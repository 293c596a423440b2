import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../lib/server-process.ts';
import { parseTopology } from './topology.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';

const tmp = tempDir('loadlab-topology-');
afterAll(() => tmp.cleanup());

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('--topology', () => {
  it('parses single, cluster:N, readers:N and refuses anything else', () => {
    expect(parseTopology('single')).toEqual({ kind: 'single' });
    expect(parseTopology('cluster:3')).toEqual({ kind: 'cluster', workers: 3 });
    expect(parseTopology('readers:2')).toEqual({ kind: 'readers', readers: 2 });
    for (const bad of ['cluster', 'cluster:0', 'readers:17', 'pool:4', 'cluster:2x'])
      expect(() => parseTopology(bad)).toThrow(/--topology/);
  });

  it('cluster:2 runs two worker processes on one port, each serving; stop leaves none behind', async () => {
    const server = await spawnServer({
      db: tinyDb(tmp.dir, 'tuned'),
      profile: 'tuned',
      args: ['--topology', 'cluster:2'],
    });
    const workers = server.info.workers as number[];
    try {
      expect(workers).toHaveLength(2);
      const pids = new Set<number>();
      for (let i = 0; i < 6; i++) {
        // A new connection per request: the primary hands connections round-robin.
        const res = await fetch(new URL('/profile', server.url), { headers: { connection: 'close' } });
        pids.add(((await res.json()) as { pid: number }).pid);
      }
      expect([...pids].sort()).toEqual([...workers].sort());
      const created = await fetch(new URL('/contents', server.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', connection: 'close' },
        body: JSON.stringify({ campaign_id: 1, title: 't', body: 'b' }),
      });
      expect(created.status).toBe(201);
    } finally {
      await server.stop();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(workers.filter(alive)).toEqual([]);
  });

  it('readers:2 answers reads exactly as the single process does, and validates the same way', async () => {
    const db = tinyDb(tmp.dir, 'untuned');
    const single = await spawnServer({ db, profile: 'untuned' });
    const readers = await spawnServer({ db, profile: 'untuned', args: ['--topology', 'readers:2'] });
    try {
      expect(readers.info.topology).toBe('readers:2');
      const paths = [
        '/campaigns/7',
        '/campaigns/99999',
        '/campaigns/abc',
        '/clients/2/campaigns?limit=5&status=completed',
        '/clients/3/contents?limit=3',
        '/contents?status=draft&limit=4',
        '/audio-generations?task_id=task-00000002',
        '/contents?limit=500',
      ];
      for (const path of paths) {
        const [a, b] = await Promise.all([fetch(new URL(path, single.url)), fetch(new URL(path, readers.url))]);
        expect(b.status, path).toBe(a.status);
        expect(await b.json(), path).toEqual(await a.json());
      }
    } finally {
      await Promise.all([single.stop(), readers.stop()]);
    }
  });
});
