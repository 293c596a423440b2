import { defineCommand } from '../../lib/cli-kit.ts';
import { PROFILES } from '../../db/profiles.ts';
import { requestedPragmas } from '../../db/open.ts';

export const command = defineCommand({
  name: 'profiles',
  summary: 'List the PRAGMA profiles: file and per-connection PRAGMAs, indexes, write transaction mode.',
  options: { json: { kind: 'boolean', help: 'print the profiles as JSON' } },
  async run({ values }) {
    if (values.json) {
      process.stdout.write(
        JSON.stringify(
          PROFILES.map((p) => ({ ...p, pragmas: requestedPragmas(p) })),
          null,
          2,
        ) + '\n',
      );
      return 0;
    }
    for (const p of PROFILES) {
      const pragmas = Object.entries(requestedPragmas(p)).map(([k, v]) => `${k}=${v}`);
      process.stdout.write(
        `${p.name}\n  ${p.description}\n  pragmas: ${pragmas.join(' ')}\n` +
          `  indexes: ${p.indexes.length ? p.indexes.join(', ') : '(primary keys only)'}\n` +
          `  writes: BEGIN ${p.writeTransaction.toUpperCase()}${p.optimizeOnOpen !== null ? `; PRAGMA optimize=0x${p.optimizeOnOpen.toString(16)} at open` : ''}\n\n`,
      );
    }
    return 0;
  },
});
