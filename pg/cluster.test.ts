import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import { liveClusters, startCluster } from './cluster.ts';
import { runPgTests } from '../test-support/pg.ts';

/** True when something accepts TCP connections on the port. */
const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

describe.skipIf(!runPgTests())('a throwaway PostgreSQL cluster', () => {
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

describe.skipIf(!runPgTests())('a runner killed outright (SIGKILL: no exit hook runs)', () => {
  it('leaves no postgres process and no directory: the watchdog stops and removes the cluster', async () => {
    const { spawn } = await import('node:child_process');
    const { readdirSync, readFileSync } = await import('node:fs');
    const script = `
      import { startCluster } from ${JSON.stringify(new URL('./cluster.ts', import.meta.url).href)};
      const c = await startCluster();
      process.stdout.write(JSON.stringify({ dir: c.dir }) + '\\n');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const dir = await new Promise<string>((resolve, reject) => {
      child.stdout!.once('data', (b: Buffer) => resolve((JSON.parse(String(b)) as { dir: string }).dir));
      child.once('exit', (code) => reject(new Error(`runner exited ${code} before starting the cluster`)));
    });
    const mentioning = () =>
      readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .filter((p) => {
          try {
            return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(dir);
          } catch {
            return false;
          }
        });
    expect(mentioning().length).toBeGreaterThan(0);
    child.kill('SIGKILL');
    const deadline = Date.now() + 20_000;
    while ((mentioning().length > 0 || existsSync(dir)) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 250));
    expect(mentioning()).toEqual([]);
    expect(existsSync(dir)).toBe(false);
  }, 120_000);
});
