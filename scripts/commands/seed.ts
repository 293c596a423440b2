import { defineCommand } from '../../lib/cli-kit.ts';
import { SEED_DEFAULTS, seedDatabase } from '../../db/seed.ts';
import { resolveProfile } from '../../db/profiles.ts';

export const command = defineCommand({
  name: 'seed',
  summary: 'Build a deterministic database of the guide schema with a profile’s file PRAGMAs and indexes.',
  details: `example: loadlab seed --out data/tuned.sqlite --profile tuned --scale 0.1`,
  options: {
    out: {
      kind: 'string',
      value: 'FILE',
      required: true,
      help: 'database to create (refuses to overwrite without --force)',
    },
    profile: {
      kind: 'string',
      value: 'NAME',
      required: true,
      help: "untuned | tuned | consensus (see 'loadlab profiles')",
    },
    scale: {
      kind: 'number',
      value: 'F',
      default: SEED_DEFAULTS.scale,
      min: 0.0001,
      max: 100,
      help: '1 = 1,000 clients, 20,000 campaigns, 200,000 contents, 50,000 audio generations',
    },
    seed: {
      kind: 'number',
      value: 'N',
      default: SEED_DEFAULTS.seed,
      min: 0,
      integer: true,
      help: 'data seed; the same scale and seed give the same rows in every profile',
    },
    force: { kind: 'boolean', help: 'replace an existing file' },
    json: { kind: 'boolean', help: 'print the result as JSON' },
  },
  async run({ values }) {
    const profile = resolveProfile(values.profile);
    const { out, scale, seed } = values;
    const result = seedDatabase({ out, profile, scale, seed, force: values.force ?? false });
    if (values.json) {
      process.stdout.write(JSON.stringify(result) + '\n');
    } else {
      const rows = Object.entries(result.rows)
        .map(([t, n]) => `${t}=${n}`)
        .join(' ');
      process.stdout.write(
        `seeded ${result.file} (${result.profile}, scale ${result.scale}, seed ${result.seed}): ${rows}; ` +
          `${(result.bytes / 1048576).toFixed(1)} MiB in ${(result.ms / 1000).toFixed(2)} s\n`,
      );
    }
    return 0;
  },
});
