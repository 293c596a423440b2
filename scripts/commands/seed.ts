import { defineCommand, numberFlag, requireFlag } from '../../lib/cli-kit.ts';
import { SEED_DEFAULTS, seedDatabase } from '../../db/seed.ts';
import { resolveProfile } from '../../db/profiles.ts';

export const command = defineCommand({
  name: 'seed',
  summary: 'Build a deterministic database of the guide schema with a profile’s file PRAGMAs and indexes.',
  usage: 'loadlab seed --out FILE --profile NAME [--scale F] [--seed N] [--force] [--json]',
  details: `options:
  --out FILE      database to create (refuses to overwrite without --force)
  --profile NAME  untuned | tuned | consensus (see 'loadlab profiles')
  --scale F       1 = 1,000 clients, 20,000 campaigns, 200,000 contents, 50,000 audio generations (default ${SEED_DEFAULTS.scale})
  --seed N        data seed; the same scale and seed give the same rows in every profile (default ${SEED_DEFAULTS.seed})
  --force         replace an existing file
  --json          print the result as JSON

example: loadlab seed --out data/tuned.sqlite --profile tuned --scale 0.1`,
  options: {
    out: { type: 'string' },
    profile: { type: 'string' },
    scale: { type: 'string' },
    seed: { type: 'string' },
    force: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values }) {
    const out = requireFlag('seed', 'out', values.out);
    const profile = resolveProfile(requireFlag('seed', 'profile', values.profile));
    const scale = numberFlag('scale', values.scale, SEED_DEFAULTS.scale, { min: 0.0001, max: 100 });
    const seed = numberFlag('seed', values.seed, SEED_DEFAULTS.seed, { min: 0, integer: true });
    const result = seedDatabase({ out, profile, scale, seed, force: values.force ?? false });
    if (values.json) {
      process.stdout.write(JSON.stringify(result) + '\n');
    } else {
      const rows = Object.entries(result.rows).map(([t, n]) => `${t}=${n}`).join(' ');
      process.stdout.write(
        `seeded ${result.file} (${result.profile}, scale ${result.scale}, seed ${result.seed}): ${rows}; ` +
          `${(result.bytes / 1048576).toFixed(1)} MiB in ${(result.ms / 1000).toFixed(2)} s\n`,
      );
    }
    return 0;
  },
});
