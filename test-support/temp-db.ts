import { join } from 'node:path';
import { seedDatabase } from '../db/seed.ts';
import { builtinProfile, type Profile } from '../db/profiles.ts';

export { tempDir } from './temp-dir.ts';

/** Seeds a tiny database for tests (scale 0.005: 5 clients, 100 campaigns, 1,000 contents). */
export function tinyDb(dir: string, profile: string | Profile, scale = 0.005, seed = 42): string {
  const p = typeof profile === 'string' ? builtinProfile(profile) : profile;
  const out = join(dir, `${p.name}-${scale}-${seed}.sqlite`);
  seedDatabase({ out, profile: p, scale, seed });
  return out;
}
