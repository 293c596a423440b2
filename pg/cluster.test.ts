import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { findPg, liveClusters, startCluster } from './cluster.ts';

const tools = findPg();

/** True when something accepts TCP connections on the port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe.skipIf(!tools)('a throwaway PostgreSQL cluster', () => {
  it('starts on a loopback port, answers, and leaves nothing behind when stopped', async () => {
    const c = await startCluster({ settings: { shared_buffers: '16MB' } });
    try {
      expect(c.url).toMatch(/^postgres:\/\/loadlab@127\.0\.0\.1:\d+\/postgres$/);
      expect(await listening(c.port)).toBe(true);
      expect(liveClusters()).toBe(1);
    } finally {
      c.stop();
    }
    expect(existsSync(c.dir)).toBe(false);
    expect(await listening(c.port)).toBe(false);
    expect(liveClusters()).toBe(0);
    c.stop(); // idempotent
  }, 120_000);
});
