import { describe, expect, it } from 'vitest';
import { UsageError } from '../lib/errors.ts';
import { liveChildren } from '../lib/server-process.ts';
import { checkTarget, resolveLoadOptions } from './options.ts';
import { runLoad } from './runner.ts';
import { runCapacity } from './capacity.ts';
import { remoteWarning } from './cli-support.ts';
import { profiles, scenarios } from '../test-support/catalog.ts';

describe('--target is loopback only', () => {
  it.each(['http://127.0.0.1:3000', 'http://127.9.9.9/', 'http://localhost:8080', 'http://[::1]:3000'])(
    'accepts %s',
    (url) => {
      expect(checkTarget(url, false).href).toMatch(/^http:/);
    },
  );

  it.each([
    'http://10.0.0.5:3000',
    'http://192.0.2.1/',
    'http://example.com',
    'http://[2001:db8::1]:80',
    'http://127.0.0.1.nip.io/',
  ])('refuses %s', (url) => {
    expect(() => checkTarget(url, false)).toThrow(UsageError);
    expect(() => checkTarget(url, false)).toThrow(/not loopback.*--allow-remote/);
  });

  it('accepts a remote target with allowRemote and says what it will hit', () => {
    const url = checkTarget('http://192.0.2.1:8080/', true);
    expect(remoteWarning(url)).toMatch(/192\.0\.2\.1.*8080.*not loopback/);
    expect(remoteWarning(checkTarget('http://127.0.0.1:1/', false))).toBeNull();
  });

  it('refuses before anything starts: no child process, no seed, immediate', async () => {
    const t0 = Date.now();
    await expect(
      runLoad({
        scenarios: scenarios('ceiling'),
        profiles: [],
        target: 'http://192.0.2.1:9/',
        dataDir: '/nonexistent/never-created',
      }),
    ).rejects.toThrow(UsageError);
    await expect(
      runCapacity({ scenario: scenarios('ceiling')[0]!, profile: null, target: 'http://192.0.2.1:9/' }),
    ).rejects.toThrow(UsageError);
    expect(liveChildren()).toBe(0);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('rejects bad combinations naming the option', () => {
    expect(() =>
      resolveLoadOptions({ scenarios: scenarios('ceiling'), profiles: profiles('tuned'), topology: 'cluster:0' }),
    ).toThrow(/--topology/);
    expect(() =>
      resolveLoadOptions({
        scenarios: scenarios('ceiling'),
        profiles: [],
        target: 'http://127.0.0.1:1',
        topology: 'cluster:2',
      }),
    ).toThrow(/--target/);
    expect(() =>
      resolveLoadOptions({ scenarios: scenarios('ceiling'), profiles: profiles('tuned'), rate: 5, connections: 10 }),
    ).toThrow(/--rate/);
  });
});
