import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import { UsageError } from '../../lib/errors.ts';
import { choosePinning } from '../../lib/environment.ts';
import { OVERLOAD_SCHEMA_VERSION, OverloadFile } from '../../lib/records/overload.ts';
import { OVERLOAD_DEFAULTS } from '../../fixture-server/overload.ts';
import {
  OVERLOAD_RUN_DEFAULTS as D,
  overloadPassed,
  runOverload,
  type OverloadRunOptions,
} from '../../load/overload/run.ts';
import { renderOverload } from '../../load/overload/overload-table.ts';
import { parseTopology } from '../../fixture-server/topology.ts';
import { measureCommand, workDirectory } from '../measure-command.ts';

export const command = defineCommand({
  name: 'overload',
  summary:
    'Drive the fixture server far beyond capacity (autocannon in its own process, loopback only): rps, p95, 503 share, server memory.',
  details: `Each step gets a fresh copy of the database and a fresh server pinned apart from the generator
(taskset, when available). Server RSS is sampled from /proc every 250 ms. Exit 1 if the server
died or answered a 5xx other than 503; 130 when interrupted (partial figures printed).`,
  options: {
    profile: { ...SHARED.profiles, default: D.profiles },
    config: SHARED.config,
    connections: {
      kind: 'numbers',
      value: 'N[,N]',
      default: D.connections,
      min: 1,
      max: 10_000,
      integer: true,
      help: "closed-loop connections, one step each; use ~4x the capacity 'loadlab capacity' found",
    },
    scenario: { kind: 'string', value: 'NAME', default: D.scenario, help: 'load scenario (see load/scenarios.ts)' },
    duration: { kind: 'number', value: 'S', default: D.durationS, min: 1, max: 600, help: 'measured seconds per step' },
    warmup: { kind: 'number', value: 'S', default: D.warmupS, min: 0, max: 60, help: 'warm-up seconds, excluded' },
    scale: { ...SHARED.scale, default: D.scale },
    'max-inflight': {
      kind: 'number',
      value: 'N',
      default: OVERLOAD_DEFAULTS.maxInflight,
      min: 0,
      max: 1_000_000,
      integer: true,
      help: "the server's in-flight bound (0 = none)",
    },
    'max-queue-ms': {
      kind: 'number',
      value: 'MS',
      default: OVERLOAD_DEFAULTS.maxQueueMs,
      min: 0,
      max: 600_000,
      help: "the server's event-loop-delay bound (0 = off)",
    },
    topology: {
      kind: 'string',
      value: 'T',
      default: D.topology,
      help:
        'single | cluster:N | readers:N; cluster:N puts several processes on one file, ' +
        'so SQLITE_BUSY can happen: it must come back as 503',
    },
    dir: {
      kind: 'string',
      value: 'DIR',
      defaultText: 'a fresh folder under data/, removed afterwards',
      help: 'where the databases go',
    },
    'json-out': { ...SHARED['json-out'], help: 'write the records (schema lib/records/overload.ts)' },
    json: { kind: 'boolean', help: 'print the records (the same file) to stdout instead of the table' },
    markdown: { kind: 'boolean', help: 'print the table as Markdown (for a report or PR)' },
  },
  async run({ values }, { catalog }) {
    const profiles = values.profile.map((n) => catalog.profile(n));
    const connections = values.connections;
    const scenario = catalog.scenario(values.scenario).name;
    if (values['json-out'] === '') throw new UsageError('--json-out needs a file name');
    const topology = values.topology;
    parseTopology(topology);

    const work = workDirectory(values.dir, 'overload');
    const pinning = choosePinning();
    const opts: OverloadRunOptions = {
      profiles,
      catalogSpec: catalog.spec,
      connections,
      scenario,
      durationS: values.duration,
      warmupS: values.warmup,
      scale: values.scale,
      seed: D.seed,
      dir: work.path,
      maxInflight: values['max-inflight'],
      maxQueueMs: values['max-queue-ms'],
      timeoutS: D.timeoutS,
      topology,
      pinning,
      onProgress: (m) => process.stderr.write(`${m}\n`),
    };
    // The record names the profiles; the catalog's spec stays out of it.
    const { onProgress: _drop, catalogSpec: _spec, ...rest } = opts;
    const options = { ...rest, profiles: values.profile };
    try {
      return await measureCommand({
        workDir: work.path,
        pinning,
        measure: (signal) => runOverload({ ...opts, signal }),
        render: (records) => renderOverload(records, values.markdown ? 'markdown' : 'text'),
        jsonOut: values['json-out'],
        printJson: values.json ?? false,
        file: (environment, records) => {
          const header = { schemaVersion: OVERLOAD_SCHEMA_VERSION, kind: 'overload' } as const;
          return OverloadFile.parse({ ...header, environment, options, records });
        },
        passed: overloadPassed,
      });
    } finally {
      if (work.temporary) work.remove();
    }
  },
});
