import { afterAll, describe, expect, it } from 'vitest';
import { LoadRecord } from '../lib/records/load.ts';
import { liveChildren } from '../lib/server-process.ts';
import { tempDir } from '../fixture-server/testing.ts';
import { runLoad, type LoadProgress } from './runner.ts';

const tmp = tempDir('loadlab-runner-');
afterAll(() => tmp.cleanup());

describe('runLoad end to end (tiny DB, 1 s)', () => {
  it('measures a read and a write scenario against a real server and audits the writes', async () => {
    const events: LoadProgress[] = [];
    const records = await runLoad(
      { scenarios: ['read-point', 'write'], profiles: ['tuned'], scale: 0.005, durationS: 1, warmupS: 0.5, trials: 1, connections: 4, dataDir: tmp.dir },
      { onProgress: (e) => events.push(e) },
    );
    expect(records).toHaveLength(2);
    for (const r of records) {
      expect(LoadRecord.parse(r)).toBeTruthy();
      expect(r.status, r.reason).toBe('ok');
      expect(r.median!.requests).toBeGreaterThan(50);
      expect(r.median!.statusCodes['404'] ?? 0).toBe(0);
      expect(r.median!.latencyMs.p50).toBeGreaterThan(0);
      expect(r.median!.latencyMs.p50).toBeLessThanOrEqual(r.median!.latencyMs.p99);
      expect(r.serverTiming!.requests).toBeGreaterThan(0);
    }
    const [read, write] = records;
    expect(read!.audit).toEqual([]);
    expect(write!.audit).toHaveLength(1);
    expect(write!.audit[0]!.ok).toBe(true);
    expect(write!.audit[0]!.acked).toBeGreaterThan(50);
    expect(write!.audit[0]!.lost).toBe(0);
    expect(write!.audit[0]!.integrity).toBe('ok');
    expect(events.filter((e) => e.kind === 'seed')).toHaveLength(1);
    expect(liveChildren()).toBe(0);
  });
});
