import { afterAll, describe, expect, it } from 'vitest';
import { spawnServer } from '../lib/server-process.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('loadlab serve (real process)', () => {
  it('prints one JSON line, serves on port 0, and exits 0 on SIGTERM', async () => {
    const server = await spawnServer({ db: tinyDb(tmp.dir, 'consensus'), profile: 'consensus' });
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.info).toMatchObject({ profile: 'consensus', pid: server.pid, mismatches: [] });
      const profile = (await (await fetch(`${server.url}/profile`)).json()) as any;
      expect(profile.effective).toMatchObject({
        journal_mode: 'wal',
        synchronous: 1,
        cache_size: -20000,
        mmap_size: 134217728,
        busy_timeout: 5000,
      });
      const created = await fetch(`${server.url}/contents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ campaign_id: 1, title: 't', body: 'b' }),
      });
      expect(created.status).toBe(201);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  });

  it('fails with a one-line error for a missing database', async () => {
    await expect(spawnServer({ db: `${tmp.dir}/missing.sqlite`, profile: 'tuned' })).rejects.toThrow(
      /database not found/,
    );
  });
});
