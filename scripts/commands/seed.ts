import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import { SEED_DEFAULTS, seedDatabase } from '../../db/seed.ts';

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
    profile: { ...SHARED.profile, required: true },
    config: SHARED.config,
    scale: { ...SHARED.scale, default: SEED_DEFAULTS.scale },
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
  async run({ values }, { catalog }) {
    const profile = catalog.profile(values.profile);
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
