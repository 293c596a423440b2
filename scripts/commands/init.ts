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
    for (const f of plan) {
      ensureDir(resolve(f.path, '..'));
      writeFileAtomic(f.path, readFileSync(join(TEMPLATES, f.template)));
      process.stdout.write(`wrote ${relative(process.cwd(), f.path) || f.path}: ${f.what}\n`);
    }
    process.stdout.write(
      '\nnext: npx loadlab run --quick   (REPORT.md about your settings, about 4 minutes on 2 cores)\n',
    );
    return 0;
  },
});
