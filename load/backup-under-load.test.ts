import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { renderBackupUnderLoad } from '../scripts/commands/backup-under-load.ts';
import { runBackupUnderLoad } from './backup-under-load.ts';

const tmp = tempDir('loadlab-bul-');
afterAll(() => tmp.cleanup());

describe('backup under load (functional, tiny scale, 2 s)', () => {
  it('backs up while mix-80-20 runs, restores to the counts it claims, and sorts prober writes by window', async () => {
    const r = await runBackupUnderLoad({
      scale: 0.005,
      durationS: 2,
      warmupS: 0.5,
      connections: 2,
      dataDir: tmp.dir,
      skipFsyncProbe: true,
    });
    expect(r.reason).toBeUndefined();
    expect(r.status).toBe('ok');
    expect(r.backup!.integrity).toEqual(['ok']);
    expect(r.rows!.consistent).toBe(true);
    expect(r.rows!.restored).toBe(r.rows!.snapshot);
    expect(r.rows!.liveAfter).toBeGreaterThan(r.rows!.liveBefore);
    expect(r.writeLatencyMs.without.count).toBeGreaterThan(0);
    expect(r.load!.requests).toBeGreaterThan(0);
    expect(r.wal.maxDuring).toBeGreaterThan(0);
    expect(r.environment.sqlite).toMatch(/^3\./);
    expect(renderBackupUnderLoad(r)).toMatch(/rows\s+contents: .* consistent/);
  });
});
