import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The house's floors, read from the sources: `lib/` is the ground and imports nothing
 * above it, and no two top-level folders import each other (directly or round a loop).
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SKIP = new Set(['node_modules', '.git', 'reports/runs', 'reports/sample', 'out', 'data']);
const SPEC = /(?:from\s+|import\s*\(\s*|import\s+|vi\.mock\(\s*)(['"`])(\.{1,2}\/[^'"`$]*)\1/g;

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (SKIP.has(relative(ROOT, path).split(sep).join('/'))) continue;
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (/\.(ts|js)$/.test(name)) out.push(path);
  }
  return out;
}

/** Every relative import of a file, as a path from the repository root. */
function importsOf(file: string, text = readFileSync(file, 'utf8')): string[] {
  return [...text.matchAll(SPEC)].map((m) =>
    relative(ROOT, resolve(dirname(file), m[2]!))
      .split(sep)
      .join('/'),
  );
}

/**
 * A path's floor: its top-level folder, except that reports/calibration/ is a floor of its
 * own at the top (its scripts drive `ab` and `bench` and read their records, as scripts/
 * does; reports/ itself only renders).
 */
const top = (path: string) => (path.startsWith('reports/calibration/') ? 'reports/calibration' : path.split('/')[0]!);
const isTest = (path: string) => path.endsWith('.test.ts');
const files = sources(ROOT).map((f) => ({ path: relative(ROOT, f).split(sep).join('/'), imports: importsOf(f) }));

describe('layout', () => {
  it('reads static and dynamic imports (a spawned file named by URL is not an import)', () => {
    const f = join(ROOT, 'lib', 'x.ts');
    expect(
      importsOf(
        f,
        'import a from ' + "'../db/open.ts';\nconst b = await import('./stats.ts');\nnew URL('../bin/loadlab.js', u)",
      ),
    ).toEqual(['db/open.ts', 'lib/stats.ts']);
  });

  it('the sources were found', () => {
    expect(files.filter((f) => f.path.startsWith('lib/')).length).toBeGreaterThan(10);
    expect(files.some((f) => f.path === 'db/profiles.ts')).toBe(true);
  });

  it('lib/ imports nothing outside lib/ (tests may use test-support/temp-dir.ts)', () => {
    const offenders = files
      .filter((f) => top(f.path) === 'lib')
      .flatMap((f) =>
        f.imports
          .filter((i) => top(i) !== 'lib' && !(isTest(f.path) && i === 'test-support/temp-dir.ts'))
          .map((i) => `${f.path} -> ${i}`),
      );
    expect(offenders).toEqual([]);
  });

  it('no import cycle between top-level folders (product files)', () => {
    const edges = new Map<string, Set<string>>();
    for (const f of files.filter((f) => !isTest(f.path) && f.path.includes('/'))) {
      for (const i of f.imports) {
        if (!i.includes('/') || top(i) === top(f.path)) continue;
        if (!edges.has(top(f.path))) edges.set(top(f.path), new Set());
        edges.get(top(f.path))!.add(top(i));
      }
    }
    const cycles: string[] = [];
    const visit = (node: string, trail: string[]) => {
      for (const next of edges.get(node) ?? []) {
        if (trail.includes(next)) cycles.push([...trail.slice(trail.indexOf(next)), next].join(' -> '));
        else visit(next, [...trail, next]);
      }
    };
    for (const node of edges.keys()) visit(node, [node]);
    expect(cycles).toEqual([]);
  });
});
