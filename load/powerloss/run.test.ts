import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { tempDir } from '../../test-support/temp-dir.ts';
import { liveChildren } from '../../lib/server-process.ts';
import { runPowerlossArm, type PowerlossOptions } from './run.ts';
import { builtinProfile } from '../../db/profiles.ts';

const small = (dir: string): PowerlossOptions => ({
  profiles: [],
  writers: 2,
  durationS: 0.8,
  cuts: 80,
  allModes: false,
  seed: 1,
  scale: 0.002,
  dir,
});

describe('power loss, simulated (real server under the recorder, real SQLite opening every image)', () => {
  it('the control (synchronous=OFF) loses acknowledged writes at most cut points; WAL+FULL loses nothing', async () => {
    const tmp = tempDir('loadlab-powerloss-');
    try {
      const off = await runPowerlossArm(builtinProfile('sync-off'), small(join(tmp.dir, 'off')));
      expect(off.status, off.reason).toBe('ok');
      expect(off).toMatchObject({
        synchronous: 0,
        journalMode: 'wal',
        expectation: 'control',
        verdict: 'as expected',
        replayMatchesDisk: true,
      });
      expect(off.cutsWithLoss / off.cutsWithAcked).toBeGreaterThan(0.5);
      const full = await runPowerlossArm(builtinProfile('wal-full'), small(join(tmp.dir, 'full')));
      expect(full.status, full.reason).toBe('ok');
      expect(full.syncs).toBeGreaterThan(0);
      expect(full).toMatchObject({
        synchronous: 2,
        expectation: 'lose-nothing',
        corrupt: 0,
        withLoss: 0,
        verdict: 'as expected',
      });
      expect(full.cutsWithAcked).toBeGreaterThan(40);
      expect(liveChildren()).toBe(0);
    } finally {
      tmp.cleanup();
    }
  }, 120_000);

  it('with the sync barriers taken out of the replay, WAL+FULL loses writes: the simulator sees what it claims to', async () => {
    const tmp = tempDir('loadlab-powerloss-');
    try {
      const blind = await runPowerlossArm(builtinProfile('wal-full'), { ...small(tmp.dir), ignoreBarriers: true });
      expect(blind.status, blind.reason).toBe('ok');
      expect(blind.withLoss).toBeGreaterThan(0);
      expect(blind.verdict).toBe('NOT as expected');
    } finally {
      tmp.cleanup();
    }
  }, 120_000);
});
