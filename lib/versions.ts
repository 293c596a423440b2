import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The installed version of a dependency, read from its package.json, or null. */
export function packageVersion(name: string): string | null {
  try {
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return null;
  }
}
