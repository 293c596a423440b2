import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../lib/errors.ts';
import { catalogArgs, isBuiltinSpec, type CatalogSpec } from '../lib/records/catalog-spec.ts';
import type { AbSide, AbSideName } from '../lib/records/ab.ts';
import type { RunConfig } from '../lib/records/run-config.ts';

/** A checkout taking part in an A/B, ready to run its own `bin/loadlab.js`. */
export interface AbCheckout {
  side: AbSide;
  /** Absolute path of its `bin/loadlab.js`. */
  bin: string;
  /** The configuration this side runs (the shared one, with its own config file laid over it). */
  config: RunConfig;
}

function git(dir: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
}

/** Checks that DIR is a checkout of this project with its dependencies installed; UsageError otherwise. */
/**
 * The catalog of a side's own processes (seed, serve, bench), handed over as `--catalog`: its
 * config's custom profiles, and only its own (a config-only A/B defines `mine` differently on
 * each side). Each side's code builds the profiles from the definitions itself.
 */
export function sideCatalog(c: Pick<AbCheckout, 'config' | 'side'>): CatalogSpec {
  return { source: c.side.configFile ?? 'config', customProfiles: c.config.customProfiles, scenarioFiles: [] };
}

/**
 * The `--catalog` arguments of a side's commands: none when it has no custom profiles, so a
 * checkout older than the flag still runs an A/B of built-in profiles.
 */
export function sideCatalogArgs(c: Pick<AbCheckout, 'config' | 'side'>): string[] {
  const spec = sideCatalog(c);
  return isBuiltinSpec(spec) ? [] : catalogArgs(spec);
}

/** The same for a side's `serve` (spawnServer's `catalog` option): none when it has no custom profiles. */
export function sideServeCatalog(c: Pick<AbCheckout, 'config' | 'side'>): { catalog?: CatalogSpec } {
  const spec = sideCatalog(c);
  return isBuiltinSpec(spec) ? {} : { catalog: spec };
}

/** True when the directory's bin can load tsx (its dependencies are installed, here or in a parent node_modules). */
function resolvesTsx(dir: string): boolean {
  try {
    createRequire(join(dir, 'package.json')).resolve('tsx');
    return true;
  } catch {
    return false;
  }
}

export function checkoutOf(name: AbSideName, dir: string, config: RunConfig, configFile: string | null): AbCheckout {
  const abs = resolve(dir);
  if (!existsSync(abs)) throw new UsageError(`${name} directory not found: ${dir}`);
  const bin = join(abs, 'bin', 'loadlab.js');
  if (!existsSync(bin)) throw new UsageError(`${name} directory is not a loadlab checkout (no bin/loadlab.js): ${dir}`);
  // A checkout has its own node_modules; an installed package (node_modules/sqlite-loadlab) finds them above it.
  if (!existsSync(join(abs, 'node_modules')) && !resolvesTsx(abs)) {
    throw new UsageError(`${name} checkout has no node_modules: run 'npm ci' in ${dir} first`);
  }
  const status = git(abs, ['status', '--porcelain', '--untracked-files=no']);
  return {
    bin,
    config,
    side: {
      name,
      dir,
      gitSha: git(abs, ['rev-parse', '--short=12', 'HEAD']),
      branch: git(abs, ['rev-parse', '--abbrev-ref', 'HEAD']),
      dirty: status === null ? null : status.length > 0,
      configFile,
      injectDelayMs: config.injectDelayMs,
      injectWork: config.injectWork,
    },
  };
}

/**
 * What may differ between the two sides' configurations: what the code under test runs
 * with (injected delay or counted work, for calibration). The load shape, data and profiles must be the
 * same, or the pairs compare different experiments.
 */
const MAY_DIFFER = new Set<keyof RunConfig>(['injectDelayMs', 'injectWork', 'customProfiles']);

/** The keys in which two side configs differ but must not (empty when they agree). */
export function configMismatches(a: RunConfig, b: RunConfig): string[] {
  return (Object.keys(a) as (keyof RunConfig)[])
    .filter((k) => !MAY_DIFFER.has(k) && JSON.stringify(a[k]) !== JSON.stringify(b[k]))
    .map((k) => String(k));
}
