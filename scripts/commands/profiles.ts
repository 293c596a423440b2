import { defineCommand } from '../../lib/cli-kit.ts';
import { customProfiles, PROFILES, type Profile } from '../../db/profiles.ts';
import { requestedPragmas } from '../../db/open.ts';
import { useConfigProfiles } from '../../run/config-file.ts';

export const command = defineCommand({
  name: 'profiles',
  summary: 'List the PRAGMA profiles: file and per-connection PRAGMAs, indexes, write transaction mode.',
  details: `Built-in profiles, then the custom ones a config file defines (customProfiles), each with its source.

example: loadlab profiles --config loadlab.config.json`,
  options: {
    json: { kind: 'boolean', help: 'print the profiles as JSON' },
    config: {
      kind: 'string',
      value: 'FILE',
      help: 'also list this config file’s customProfiles; default: ./loadlab.config.* if present',
    },
  },
  async run({ values }) {
    await useConfigProfiles(values.config);
    const all: { profile: Profile; source: string }[] = [
      ...PROFILES.map((profile) => ({ profile, source: 'built-in' })),
      ...customProfiles().map((c) => ({ profile: c.profile, source: c.source })),
    ];
    if (values.json) {
      process.stdout.write(
        JSON.stringify(
          all.map(({ profile: p, source }) => ({ ...p, source, pragmas: requestedPragmas(p) })),
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
          `  indexes: ${p.indexes.length ? p.indexes.join(', ') : '(primary keys only)'}\n` +
          `  writes: BEGIN ${p.writeTransaction.toUpperCase()}${p.optimizeOnOpen !== null ? `; PRAGMA optimize=0x${p.optimizeOnOpen.toString(16)} at open` : ''}\n\n`,
      );
    }
    return 0;
  },
});
