import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDatabase } from './db/seed.ts';
import { getProfile } from './db/profiles.ts';

/** A temp directory removed by the returned cleanup function (test helper). */
export function tempDir(prefix = 'loadlab-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Seeds a tiny database for tests (scale 0.005: 5 clients, 100 campaigns, 1,000 contents). */
export function tinyDb(dir: string, profile: string, scale = 0.005, seed = 42): string {
  const out = join(dir, `${profile}-${scale}-${seed}.sqlite`);
  seedDatabase({ out, profile: getProfile(profile), scale, seed });
  return out;
}
