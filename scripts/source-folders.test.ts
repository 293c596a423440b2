import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

/**
 * Every folder with TypeScript in it is type-checked by `npx tsc --noEmit`; every product
 * folder is shipped in the package and watched by the perf workflow's path filter. Read from
 * the tree, so a new folder cannot be forgotten in one of the three lists.
 */
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const IGNORED = new Set(['node_modules', '.git', 'out', 'data']);
/** Folders that hold no product code: tests' helpers, generated runs and samples. */
const NOT_PRODUCT = new Set(['test-support']);

function hasTs(dir: string): boolean {
  return readdirSync(dir, { withFileTypes: true }).some((e) =>
    e.isDirectory() ? !IGNORED.has(e.name) && hasTs(join(dir, e.name)) : e.name.endsWith('.ts'),
  );
}

const folders = readdirSync(ROOT)
  .filter((n) => !n.startsWith('.') && !IGNORED.has(n) && statSync(join(ROOT, n)).isDirectory())
  .filter((n) => hasTs(join(ROOT, n)))
  .sort();

describe('source folders', () => {
  it('were found', () => {
    expect(folders).toEqual(expect.arrayContaining(['catalog', 'crossover', 'db', 'lib', 'load', 'pg', 'scripts']));
  });

  it('are all type-checked: tsconfig.json includes every .ts file (load/k6 has its own tsconfig)', () => {
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8')) as {
      include: string[];
      exclude: string[];
    };
    const included = (f: string) => tsconfig.include.includes('**/*.ts') || tsconfig.include.includes(f);
    expect(folders.filter((f) => !included(f))).toEqual([]);
    expect(tsconfig.exclude.filter((e) => folders.includes(e))).toEqual([]);
    const k6 = JSON.parse(readFileSync(join(ROOT, 'load', 'k6', 'tsconfig.json'), 'utf8')) as { include?: string[] };
    expect(k6.include?.length ?? 0).toBeGreaterThan(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.typecheck).toContain('tsc --noEmit -p tsconfig.json');
    expect(pkg.scripts.typecheck).toContain('load/k6/tsconfig.json');
  });

  it('that hold product code are shipped (package.json files) and watched (perf.yml paths)', () => {
    const product = folders.filter((f) => !NOT_PRODUCT.has(f));
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    const shipped = (f: string) => pkg.files.some((p) => p === `${f}/` || p.startsWith(`${f}/`));
    expect(product.filter((f) => !shipped(f))).toEqual([]);
    const workflow = parse(readFileSync(join(ROOT, '.github', 'workflows', 'perf.yml'), 'utf8')) as {
      on: { pull_request: { paths: string[] } };
    };
    // templates/ holds the starter files `init` copies into a project: they change no measurement.
    const watched = (f: string) => f === 'templates' || workflow.on.pull_request.paths.includes(`${f}/**`);
    expect([...product, 'native'].filter((f) => !watched(f))).toEqual([]);
  });
});
