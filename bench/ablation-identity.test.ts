import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { identityArms, IDENTITY } from './ablation-arms.ts';
import { runAblation } from './ablation.ts';

const tmp = tempDir('loadlab-ablation-aa-');
afterAll(() => tmp.cleanup());

describe('runAblation with arms given (the A/A hook of loadlab calibrate)', () => {
  it('runs exactly those arms, each against its base, and refuses toggles beside them', async () => {
    const result = await runAblation({
      arms: identityArms(),
      ops: ['point-read'],
      rounds: 2,
      taskMs: 1,
      scale: 0.005,
      dataDir: tmp.dir,
    });
    expect(result.ablation.map((a) => [a.pragma, a.base, a.arm, a.status])).toEqual([
      [IDENTITY, 'untuned', `untuned+${IDENTITY}`, 'ok'],
      [IDENTITY, 'tuned', `tuned-${IDENTITY}`, 'ok'],
    ]);
    for (const a of result.ablation) expect(a.roundRatios).toHaveLength(2);
    await expect(runAblation({ arms: identityArms(), toggles: ['wal'], dataDir: tmp.dir })).rejects.toThrow(
      /arms or toggles, not both/,
    );
  }, 60_000);
});
