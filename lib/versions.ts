import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The installed version of a dependency, read from its package.json, or null. */
export function packageVersion(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return versionNearEntry(name);
  }
}

/** For packages whose `exports` hide package.json (tinybench): walk up from the entry point. */
function versionNearEntry(name: string): string | null {
  try {
    let dir = dirname(require.resolve(name));
    for (let i = 0; i < 5; i++) {
      const file = join(dir, 'package.json');
      if (existsSync(file)) {
        const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
        if (pkg.name === name && pkg.version) return pkg.version;
      }
      dir = dirname(dir);
    }
    return null;
  } catch {
    return null;
  }
}
