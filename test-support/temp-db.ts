import { join } from 'node:path';
import { seedDatabase } from '../db/seed.ts';
import { resolveProfile } from '../db/profiles.ts';

export { tempDir } from './temp-dir.ts';

/** Seeds a tiny database for tests (scale 0.005: 5 clients, 100 campaigns, 1,000 contents). */
export function tinyDb(dir: string, profile: string, scale = 0.005, seed = 42): string {
  const out = join(dir, `${profile}-${scale}-${seed}.sqlite`);
  seedDatabase({ out, profile: resolveProfile(profile), scale, seed });
  return out;
}
