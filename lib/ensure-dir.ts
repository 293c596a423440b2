import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './errors.ts';

/**
 * mkdir -p without Node 20's recursive mkdir, which spins forever under /proc and
 * similar pseudo filesystems. Creates missing components one at a time; a component
 * that cannot be created is a UsageError naming the path.
 */
export function ensureDir(path: string): void {
  const target = resolve(path);
  const missing: string[] = [];
  let dir = target;
  for (;;) {
    try {
      if (!statSync(dir).isDirectory()) throw new UsageError(`not a directory: ${dir}`);
      break;
    } catch (err) {
      if (err instanceof UsageError) throw err;
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOTDIR') throw new UsageError(`not a directory: ${dir}`);
      if (code !== 'ENOENT') throw new UsageError(`cannot use directory ${dir}: ${code ?? String(err)}`);
      missing.push(dir);
      const parent = dirname(dir);
      if (parent === dir) break;
      dir = parent;
    }
  }
  for (const d of missing.reverse()) {
    try {
      mkdirSync(d);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') continue;
      throw new UsageError(`cannot create directory ${d}: ${code ?? String(err)}`);
    }
  }
}
