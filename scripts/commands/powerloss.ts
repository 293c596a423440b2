import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import { streamProgress } from '../../run/progress.ts';
import { UsageError } from '../../lib/errors.ts';
import { choosePinning } from '../../lib/environment.ts';
import { POWERLOSS_SCHEMA_VERSION, PowerlossFile } from '../../lib/records/powerloss.ts';
import {
  POWERLOSS_DEFAULTS,
  POWERLOSS_MODEL,
  POWERLOSS_RECORDER,
  powerlossPassed,
  runPowerloss,
  type PowerlossOptions,
} from '../../load/powerloss/run.ts';
import { renderPowerloss } from '../../load/powerloss/table.ts';
import { measureCommand, workDirectory } from '../measure-command.ts';

const D = POWERLOSS_DEFAULTS;

export const command = defineCommand({
  name: 'powerloss',
  summary:
    'Power loss, simulated: every write and fsync the server makes is recorded, then the files as a power cut would leave them are rebuilt at seeded points, opened and audited.',
  details: `The server runs under a recorder (an LD_PRELOAD shim built on first use with cc) that logs every write,
truncate, unlink and sync on the database, its -wal and -journal. After the run, crash images are built at
--cuts seeded points: only what the sync barriers made durable, everything, a random subset of the rest, or a
torn write; each is opened with SQLite (integrity_check) and every write acknowledged before the cut is looked
for by id and title. Each profile is judged against what SQLite documents for its journal mode and synchronous
level; sync-off is the control and must lose writes. Exit 0 when every profile came out as documented, 1
when one did not (or an arm failed), 2 for bad input, 130 when interrupted.`,
  options: {
    quick: {
      kind: 'boolean',
      help: `${D.cuts} cuts, one mode each, ${D.durationS} s of writes per profile (the default)`,
    },
    full: { kind: 'boolean', help: 'every cut in all four modes, 5 s of writes per profile' },
    profile: {
      ...SHARED.profiles,
      default: D.profiles,
      help: `profiles to test: ${SHARED.profiles.help}; untuned-extra is untuned with synchronous=EXTRA, sync-off the control`,
    },
    config: SHARED.config,
    cuts: {
      kind: 'number',
      value: 'N',
      default: D.cuts,
      min: 1,
      max: 100_000,
      integer: true,
      help: 'cut points per profile',
    },
    writers: {
      kind: 'number',
      value: 'N',
      default: D.writers,
      min: 1,
      max: 64,
      integer: true,
      help: 'concurrent write loops',
    },
    'duration-s': {
      kind: 'number',
      value: 'S',
      min: 0.2,
      max: 600,
      defaultText: `${D.durationS} (--full: 5)`,
      help: 'seconds of writes per profile',
    },
    metadata: {
      kind: 'string',
      value: 'MODEL',
      default: 'journaled',
      help: 'how creates and unlinks become durable: journaled (ext4: with the next sync) or synchronous (at once, as with dirsync)',
    },
    seed: {
      kind: 'number',
      value: 'N',
      default: D.seed,
      min: 0,
      integer: true,
      help: 'seed of the writes, cuts and subsets',
    },
    scale: { ...SHARED.scale, default: D.scale },
    dir: {
      kind: 'string',
      value: 'DIR',
      defaultText: 'a fresh folder under data/, removed afterwards',
      help: 'where the databases, logs and images go',
    },
    keep: { kind: 'boolean', help: 'keep the databases and logs' },
    'json-out': { ...SHARED['json-out'], help: 'write the records (schema lib/records/powerloss.ts)' },
    json: { kind: 'boolean', help: 'print the records (the same file) to stdout instead of the table' },
    markdown: { kind: 'boolean', help: 'print the table as Markdown' },
  },
  async run({ values }, { catalog }) {
    if (values.quick && values.full) throw new UsageError('--quick and --full are exclusive');
    const names = values.profile;
    if (new Set(names).size !== names.length)
      throw new UsageError(`--profile lists a profile twice: ${names.join(',')}`);
    const profiles = names.map((n) => catalog.profile(n));
    if (values['json-out'] === '') throw new UsageError('--json-out needs a file name');
    const metadata = values.metadata;
    if (metadata !== 'journaled' && metadata !== 'synchronous')
      throw new UsageError(`--metadata is journaled or synchronous, got '${metadata}'`);
    const work = workDirectory(values.dir, 'powerloss');
    const pinning = choosePinning();
    const sink = streamProgress(process.stderr);
    const opts: PowerlossOptions = {
      profiles,
      catalogSpec: catalog.spec,
      writers: values.writers,
      durationS: values['duration-s'] ?? (values.full ? 5 : D.durationS),
      cuts: values.cuts,
      allModes: values.full ?? false,
      metadata,
      seed: values.seed,
      scale: values.scale,
      dir: work.path,
      ...(pinning.pinned && pinning.serverCpu !== null ? { serverCpu: pinning.serverCpu } : {}),
      onProgress: (m) => sink.note(m),
    };
    // The record names the profiles; the catalog's spec stays out of it.
    const { onProgress: _drop, catalogSpec: _spec, ...rest } = opts;
    const options = { ...rest, profiles: names };
    try {
      return await measureCommand({
        workDir: work.path,
        pinning,
        measure: (signal) => runPowerloss({ ...opts, signal }),
        render: (records) => renderPowerloss(records, POWERLOSS_MODEL, values.markdown ? 'markdown' : 'text'),
        jsonOut: values['json-out'],
        printJson: values.json ?? false,
        file: (environment, records) =>
          PowerlossFile.parse({
            schemaVersion: POWERLOSS_SCHEMA_VERSION,
            kind: 'powerloss',
            environment,
            options,
            records,
            model: POWERLOSS_MODEL,
            recorder: POWERLOSS_RECORDER,
          }),
        passed: powerlossPassed,
      });
    } finally {
      sink.close?.();
      if (work.temporary && !values.keep) work.remove();
    }
  },
});
