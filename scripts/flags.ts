/**
 * Flags several commands share, declared once: the same name, value, range and help
 * everywhere. `{profiles}` in a help text is filled in from the catalog when --help prints.
 */
import { defineFlags } from '../lib/cli-kit.ts';
import { SCALE_RANGE } from '../db/data-shape.ts';
import { EXPLAIN_DEFAULTS } from '../ops/explain.ts';

export const PROFILE_HELP = '{profiles}, or a customProfiles name from the config file';

export const SHARED = defineFlags({
  /** One profile; a command adds `default` or `required`. */
  profile: { kind: 'string', value: 'NAME', help: PROFILE_HELP },
  /** The size below which a scan is no finding (explain flags none, tune proposes no index); a command adds its help. */
  'min-rows': { kind: 'number', value: 'N', default: EXPLAIN_DEFAULTS.minRows, min: 0, integer: true, help: '' },
  /** Several profiles, compared in order. */
  profiles: { kind: 'list', value: 'A[,B]', help: PROFILE_HELP },
  scale: {
    kind: 'number',
    value: 'F',
    ...SCALE_RANGE,
    help: 'data scale: 1 = 1,000 clients, 20,000 campaigns, 200,000 contents, 50,000 audio generations',
  },
  config: {
    kind: 'string',
    value: 'FILE',
    help: 'config file (JSON or TS) whose customProfiles the profile names may use; default: ./loadlab.config.{ts,mts,js,mjs,json} if present',
  },
  'json-out': { kind: 'string', value: 'FILE', help: 'write the records as JSON (validated, written atomically)' },
});
