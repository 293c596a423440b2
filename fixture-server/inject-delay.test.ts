import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from './app.ts';
import { openDatabase } from '../db/open.ts';
import { builtinProfile } from '../db/profiles.ts';
import { createSqliteStore } from '../db/store.ts';
import { ServerStats } from './stats.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('injectDelayMs (calibration)', () => {
  it('adds at least the asked delay to every timed request, and nothing to /health', async () => {
    const store = createSqliteStore(openDatabase(tinyDb(tmp.dir, 'tuned'), builtinProfile('tuned')));
    const stats = new ServerStats();
    const app = createApp({ store, profileInfo: {}, stats, injectDelayMs: 3 });
    try {
      for (let i = 0; i < 5; i++) expect((await app.request(`/campaigns/${i + 1}`)).status).toBe(200);
      await app.request('/health');
      const snap = stats.snapshot();
      expect(snap.requests).toBe(5);
      expect(snap.handlerUs.p50).toBeGreaterThanOrEqual(3000);
    } finally {
      store.close();
    }
  });
});
