import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineCommand } from '../../lib/cli-kit.ts';
import { ensureDir } from '../../lib/ensure-dir.ts';
import { writeFileAtomic } from '../../lib/atomic-write.ts';
import { UsageError } from '../../lib/errors.ts';

const TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));

/** What `init` writes: template file -> path in the project. */
export const INIT_FILES: readonly { template: string; target: string; what: string }[] = [
  { template: 'loadlab.config.ts', target: 'loadlab.config.ts', what: 'profiles to measure, your own as `mine`' },
  {
    template: 'loadlab.scenario.json',
    target: 'loadlab.scenario.json',
    what: "your service's requests, for load --scenario-file",
  },
  {
    template: 'perf.yml',
    target: '.github/workflows/perf.yml',
    what: 'A/B of config changes on PRs, the full run monthly',
  },
];

/** How the workflow installs and runs things, for the package manager the project uses. */
export interface PackageManager {
  name: 'npm' | 'pnpm' | 'yarn';
  lockfile: string;
  install: string;
  /** What runs a dependency's bin: `npx loadlab`, `pnpm exec loadlab`, `yarn loadlab`. */
  exec: string;
  /** Steps before actions/setup-node (pnpm's own setup, corepack for Yarn 2+), as workflow lines. */
  setup: string[];
}

const STEP = '      ';

/**
 * The project's package manager, from its lockfile (pnpm-lock.yaml, yarn.lock, else npm).
 * A Yarn 1 lockfile starts with "# yarn lockfile v1"; Yarn 2+ installs with --immutable
 * through corepack.
 */
export function detectPackageManager(root: string): PackageManager {
  if (existsSync(join(root, 'pnpm-lock.yaml')))
    return {
      name: 'pnpm',
      lockfile: 'pnpm-lock.yaml',
      install: 'pnpm install --frozen-lockfile',
      exec: 'pnpm exec',
      // pnpm/action-setup reads the version from package.json's "packageManager" when it has one.
      setup: [
        `${STEP}- uses: pnpm/action-setup@v4`,
        ...(pinsPnpm(root) ? [] : [`${STEP}  with:`, `${STEP}    version: 10`]),
      ],
    };
  const yarnLock = join(root, 'yarn.lock');
  if (existsSync(yarnLock)) {
    const classic = readFileSync(yarnLock, 'utf8').includes('# yarn lockfile v1');
    return {
      name: 'yarn',
      lockfile: 'yarn.lock',
      install: classic ? 'yarn install --frozen-lockfile' : 'yarn install --immutable',
      exec: 'yarn',
      setup: classic ? [] : [`${STEP}- run: corepack enable`],
    };
  }
  return {
    name: 'npm',
    lockfile: 'package-lock.json',
    install: 'npm ci --no-audit --no-fund',
    exec: 'npx',
    setup: [],
  };
}

/** True when package.json names a pnpm version ("packageManager": "pnpm@…"). */
function pinsPnpm(root: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { packageManager?: unknown };
    return typeof pkg.packageManager === 'string' && pkg.packageManager.startsWith('pnpm@');
  } catch {
    return false;
  }
}

/** The starter workflow for a package manager. */
export function renderWorkflow(template: string, pm: PackageManager): string {
  return template
    .replaceAll('__SETUP_PM__', pm.setup.map((l) => `${l}\n`).join(''))
    .replaceAll('__PM__', pm.name)
    .replaceAll('__LOCKFILE__', pm.lockfile)
    .replaceAll('__CACHE__', pm.name)
    .replaceAll('__INSTALL__', pm.install)
    .replaceAll('__EXEC__', pm.exec);
}

export const command = defineCommand({
  name: 'init',
  summary: 'Write a starter loadlab.config.ts, a scenario file and .github/workflows/perf.yml into your project.',
  details: `Never overwrites: when any of the files exists, nothing is written and the command exits 2
naming them, unless --force. Then: npx loadlab run --quick`,
  options: {
    dir: { kind: 'string', value: 'DIR', default: '.', help: "the project's root" },
    force: { kind: 'boolean', help: 'overwrite files that exist' },
  },
  async run({ values }) {
    const root = resolve(values.dir);
    if (!existsSync(root) || !statSync(root).isDirectory())
      throw new UsageError(`--dir: ${values.dir} is not a directory`);
    const plan = INIT_FILES.map((f) => ({ ...f, path: join(root, f.target) }));
    const existing = plan.filter((f) => existsSync(f.path));
    if (existing.length && !values.force)
      throw new UsageError(
        `${existing.map((f) => f.target).join(', ')} already exist${existing.length === 1 ? 's' : ''}: nothing written (--force overwrites)`,
      );
    const pm = detectPackageManager(root);
    for (const f of plan) {
      ensureDir(resolve(f.path, '..'));
      const text = readFileSync(join(TEMPLATES, f.template), 'utf8');
      writeFileAtomic(f.path, f.template === 'perf.yml' ? renderWorkflow(text, pm) : text);
      const how = f.template === 'perf.yml' ? ` (installs with ${pm.name}: ${pm.lockfile})` : '';
      process.stdout.write(`wrote ${relative(process.cwd(), f.path) || f.path}: ${f.what}${how}\n`);
    }
    process.stdout.write(
      '\nnext: npx loadlab run --quick   (REPORT.md about your settings, about 4 minutes on 2 cores)\n',
    );
    return 0;
  },
});
