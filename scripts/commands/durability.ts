import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import { streamProgress } from '../../run/progress.ts';
import { UsageError } from '../../lib/errors.ts';
import { choosePinning } from '../../lib/environment.ts';
import { DURABILITY_SCHEMA_VERSION, DurabilityFile } from '../../lib/records/durability.ts';
import {
  DURABILITY_DEFAULTS,
  durabilityPassed,
  runDurability,
  type DurabilityOptions,
} from '../../load/durability/run.ts';
import { DURABILITY_NOT_TESTED, renderDurability } from '../../load/durability/durability-table.ts';
import { measureCommand, workDirectory } from '../measure-command.ts';

const D = DURABILITY_DEFAULTS;

export const command = defineCommand({
  name: 'durability',
  summary:
    'Crash durability: writers record every 2xx-acknowledged id, the server is SIGKILLed at random moments and restarted; no acknowledged write may be lost.',
  details: `After every kill the server restarts on the same file; every acknowledged id must be present
and PRAGMA integrity_check must say ok. Exit 1 if a write was lost, integrity failed or an arm failed;
130 when interrupted (Ctrl-C: the table so far is printed, the server stopped).
This is a process-crash test: it does not test power loss or an OS crash, where WAL+NORMAL
may lose the last commits.`,
  options: {
    profile: {
      ...SHARED.profiles,
      default: D.profiles,
      help: `profiles to test: ${SHARED.profiles.help}; wal-full is tuned with synchronous=FULL`,
    },
    config: SHARED.config,
    cycles: {
      kind: 'number',
      value: 'N',
      default: D.cycles,
      min: 1,
      max: 1000,
      integer: true,
      help: 'kill + restart + audit cycles per profile',
    },
    writers: {
      kind: 'number',
      value: 'N',
      default: D.writers,
      min: 1,
      max: 64,
      integer: true,
      help: 'concurrent write loops, POST /contents',
    },
    'kill-min-ms': {
      kind: 'number',
      value: 'MS',
      default: D.killMinMs,
      min: 10,
      max: 60_000,
      integer: true,
      help: 'the kill comes at a random moment between --kill-min-ms and --kill-max-ms after the writers start',
    },
    'kill-max-ms': {
      kind: 'number',
      value: 'MS',
      min: 10,
      max: 60_000,
      integer: true,
      defaultText: `${D.killMaxMs}, or --kill-min-ms if higher`,
      help: 'see --kill-min-ms',
    },
    seed: {
      kind: 'number',
      value: 'N',
      default: D.seed,
      min: 0,
      integer: true,
      help: 'RNG seed for kill moments and writes',
    },
    scale: { ...SHARED.scale, default: D.scale },
    dir: {
      kind: 'string',
      value: 'DIR',
      defaultText: 'a fresh folder under data/, removed afterwards',
      help: 'where the databases go',
    },
    keep: { kind: 'boolean', help: 'keep the databases' },
    'max-seconds': {
      kind: 'number',
      value: 'S',
      defaultText: String(D.maxSeconds),
      min: 1,
      max: 86_400,
      help: 'whole-run budget; no cycle starts after it. Given, fewer cycles pass; by default they fail',
    },
    'json-out': { ...SHARED['json-out'], help: 'write the records (schema lib/records/durability.ts)' },
    json: { kind: 'boolean', help: 'print the records (the same file) to stdout instead of the table' },
    markdown: { kind: 'boolean', help: 'print the table as Markdown (for a report or PR)' },
  },
  async run({ values }, { catalog }) {
    const names = values.profile;
    if (new Set(names).size !== names.length)
      throw new UsageError(`--profile lists a profile twice: ${names.join(',')}`);
    const profiles = names.map((n) => catalog.profile(n));
    const killMinMs = values['kill-min-ms'];
    const killMaxMs = values['kill-max-ms'] ?? Math.max(D.killMaxMs, killMinMs);
    if (killMaxMs < killMinMs)
      throw new UsageError(`--kill-max-ms (${killMaxMs}) must be at least --kill-min-ms (${killMinMs})`);
    if (values['json-out'] === '') throw new UsageError('--json-out needs a file name');

    const work = workDirectory(values.dir, 'durability');
    const pinning = choosePinning();
    // A live line on a terminal (cycle i/n over every profile, elapsed, ETA from the pace), plain lines in CI.
    const sink = streamProgress(process.stderr);
    const totalCycles = profiles.length * values.cycles;
    const started = performance.now();
    let cyclesDone = 0;
    const opts: DurabilityOptions = {
      profiles,
      catalogSpec: catalog.spec,
      cycles: values.cycles,
      writers: values.writers,
      seed: values.seed,
      scale: values.scale,
      dir: work.path,
      killMinMs,
      killMaxMs,
      maxSeconds: values['max-seconds'] ?? D.maxSeconds,
      budgetExplicit: values['max-seconds'] !== undefined,
      ...(pinning.pinned && pinning.serverCpu !== null ? { serverCpu: pinning.serverCpu } : {}),
      onProgress: (m) => {
        // One message per finished cycle.
        cyclesDone++;
        const eta = ((performance.now() - started) / 1000 / cyclesDone) * (totalCycles - cyclesDone);
        sink.stageStart(Math.min(cyclesDone + 1, totalCycles), totalCycles, m, eta);
      },
    };
    // The record names the profiles; the catalog's spec stays out of it.
    const { onProgress: _drop, catalogSpec: _spec, ...rest } = opts;
    const options = { ...rest, profiles: names };
    try {
      return await measureCommand({
        workDir: work.path,
        pinning,
        measure: (signal) => runDurability({ ...opts, signal }),
        render: (records) => renderDurability(records, values.markdown ? 'markdown' : 'text'),
        jsonOut: values['json-out'],
        printJson: values.json ?? false,
        file: (environment, records) =>
          DurabilityFile.parse({
            schemaVersion: DURABILITY_SCHEMA_VERSION,
            kind: 'durability',
            environment,
            options,
            records,
            notTested: DURABILITY_NOT_TESTED,
          }),
        passed: durabilityPassed,
      });
    } finally {
      sink.close?.();
      if (work.temporary && !values.keep) work.remove();
    }
  },
});
