import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import { requestedPragmas } from '../../db/open.ts';

export const command = defineCommand({
  name: 'profiles',
  summary: 'List the PRAGMA profiles: file and per-connection PRAGMAs, indexes, write transaction mode.',
  details: `Built-in profiles, then the custom ones a config file defines (customProfiles), each with its source.

example: loadlab profiles --config loadlab.config.json`,
  options: {
    json: { kind: 'boolean', help: 'print the profiles as JSON' },
    config: {
      ...SHARED.config,
      help: 'also list this config file’s customProfiles; default: ./loadlab.config.* if present',
    },
  },
  async run({ values }, { catalog }) {
    const all = catalog.listed;
    if (values.json) {
      process.stdout.write(
        JSON.stringify(
          all.map(({ profile: p, source }) => ({
            ...p,
            indexes: p.indexes.map((i) => i.name),
            source,
            pragmas: requestedPragmas(p),
          })),
          null,
          2,
        ) + '\n',
      );
      return 0;
    }
    for (const { profile: p, source } of all) {
      const pragmas = Object.entries(requestedPragmas(p)).map(([k, v]) => `${k}=${v}`);
      process.stdout.write(
        `${p.name}${source === 'built-in' ? '' : ` (from ${source})`}\n  ${p.description}\n  pragmas: ${pragmas.join(' ')}\n` +
          `  indexes: ${p.indexes.length ? p.indexes.map((i) => i.name).join(', ') : '(primary keys only)'}\n` +
          `  writes: BEGIN ${p.writeTransaction.toUpperCase()}${p.optimizeOnOpen !== null ? `; PRAGMA optimize=0x${p.optimizeOnOpen.toString(16)} at open` : ''}\n\n`,
      );
    }
    return 0;
  },
});
