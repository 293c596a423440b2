import { builtinProfile } from '../db/profiles.ts';
import { join } from 'node:path';
import { choosePinning } from '../lib/environment.ts';
import { POWERLOSS_DEFAULTS, runPowerloss } from '../load/powerloss/run.ts';
import { OK, type StageContext, type StageOutcome } from './stage-context.ts';

/**
 * Power loss, simulated (load/powerloss/): the six durability profiles (untuned, untuned-extra,
 * wal-full, tuned, consensus and the sync-off control), whatever the run's profiles, since the
 * question is what each journal mode and synchronous level risks.
 */
export async function powerlossStage({ c, r, save, progress, dataDir, opts }: StageContext): Promise<StageOutcome> {
  if (!c.powerloss.enabled) return { status: 'skipped', reason: 'disabled in the config (--full runs it)' };
  const pinning = choosePinning();
  r.powerloss = await runPowerloss({
    profiles: POWERLOSS_DEFAULTS.profiles.map((n) => builtinProfile(n)),
    writers: POWERLOSS_DEFAULTS.writers,
    durationS: c.powerloss.durationS,
    cuts: c.powerloss.cuts,
    allModes: c.powerloss.allModes,
    seed: c.seed,
    scale: POWERLOSS_DEFAULTS.scale,
    dir: join(dataDir, 'powerloss'),
    ...(pinning.pinned && pinning.serverCpu !== null ? { serverCpu: pinning.serverCpu } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    onProgress: (m) => progress.note(m),
  });
  save();
  const failed = r.powerloss.filter((x) => x.status !== 'ok');
  if (failed.length === r.powerloss.length && failed.length > 0)
    throw new Error(`every power-loss arm failed: ${failed[0]!.reason ?? 'no reason given'}`);
  return OK;
}
