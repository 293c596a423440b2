// The power-loss recorder's cost: acked writes/s of the fixture server with and without the
// LD_PRELOAD recorder, alternating without, with, with, without, without, with; 4 writers, 2 s each.
//   npx tsx reports/calibration/powerloss/recorder-overhead.ts
import { copyFileSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { builtinProfile } from '../../../db/profiles.ts';
import { seedDatabase } from '../../../db/seed.ts';
import { spawnServer } from '../../../lib/server-process.ts';
import { ensureRecorder } from '../../../load/powerloss/recorder.ts';

const dir = join(realpathSync('/tmp'), 'pl-overhead');
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const so = ensureRecorder();
async function writes(url: string, ms: number): Promise<number> {
  let n = 0;
  let stop = false;
  const loop = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const r = await fetch(`${url}/contents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ campaign_id: 1, title: `w${w}-${i}-${Math.random()}`, body: 'x' }),
      });
      await r.text();
      if (r.ok) n++;
    }
  };
  const loops = [0, 1, 2, 3].map(loop);
  await new Promise((r) => setTimeout(r, ms));
  stop = true;
  await Promise.all(loops);
  return n / (ms / 1000);
}
for (const profile of ['wal-full', 'untuned', 'tuned']) {
  const seeded = join(dir, `${profile}.seed.sqlite`);
  seedDatabase({ out: seeded, profile: builtinProfile(profile), scale: 0.005, seed: 1, force: true });
  const out: Record<string, number[]> = { with: [], without: [] };
  for (const side of ['without', 'with', 'with', 'without', 'without', 'with']) {
    const db = join(dir, `${profile}-${side}.sqlite`);
    for (const s of ['', '-wal', '-journal', '-shm']) rmSync(db + s, { force: true });
    copyFileSync(seeded, db);
    const env =
      side === 'with' ? { ...process.env, LD_PRELOAD: so, POWERLOSS_DB: db, POWERLOSS_LOG: `${db}.log` } : process.env;
    const server = await spawnServer({ db, profile, env });
    out[side]!.push(await writes(server.url, 2000));
    await server.stop(3000);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `${profile}: acked writes/s without ${out.without!.map(Math.round).join(', ')}; with ${out.with!.map(Math.round).join(', ')}; ratio ${(mean(out.with!) / mean(out.without!)).toFixed(3)}`,
  );
}
