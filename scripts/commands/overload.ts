import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCommand, listFlag, numberFlag } from '../../lib/cli-kit.ts';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { UsageError } from '../../lib/errors.ts';
import { choosePinning, probeEnvironment } from '../../lib/environment.ts';
import { OVERLOAD_SCHEMA_VERSION, OverloadFile } from '../../lib/records/overload.ts';
import { OVERLOAD_DEFAULTS } from '../../fixture-server/overload.ts';
import { findScenario } from '../../load/scenarios.ts';
import { OVERLOAD_RUN_DEFAULTS as D, overloadPassed, runOverload, type OverloadRunOptions } from '../../load/overload/run.ts';
import { renderOverload } from '../../load/overload/overload-table.ts';
import { resolveProfile } from '../../db/profiles.ts';
import { parseTopology } from '../../fixture-server/topology.ts';
import { interruptible } from '../../load/cli-support.ts';

export const command = defineCommand({
  name: 'overload',
  summary: 'Drive the fixture server far beyond capacity (autocannon in its own process, loopback only): rps, p95, 503 share, server memory.',
  usage: 'loadlab overload [--profile NAME[,NAME]] [--connections N[,N]] [--duration S] [--json FILE] [--markdown] [--max-inflight N] [--max-queue-ms N] [--topology T]',
  details: `options:
  --profile LIST      profiles (default ${D.profiles.join(',')})
  --connections LIST  closed-loop connections, one step each (default ${D.connections.join(',')}); use ~4x the capacity 'loadlab capacity' found
  --scenario NAME     load scenario (default ${D.scenario}; see load/scenarios.ts)
  --duration S        measured seconds per step (default ${D.durationS})
  --warmup S          warm-up seconds, excluded (default ${D.warmupS})
  --scale F           seed scale (default ${D.scale})
  --max-inflight N    the server's in-flight bound (default ${OVERLOAD_DEFAULTS.maxInflight}; 0 = none)
  --max-queue-ms N    the server's event-loop-delay bound (default ${OVERLOAD_DEFAULTS.maxQueueMs}; 0 = off)
  --topology T        single | cluster:N | readers:N (default ${D.topology}); cluster:N puts several
                      processes on one file, so SQLITE_BUSY can happen: it must come back as 503
  --dir DIR           where the databases go (default: a fresh folder under data/, removed afterwards)
  --markdown          print the table as Markdown (for a report or PR)
  --json FILE         write the records (schema lib/records/overload.ts)

Each step gets a fresh copy of the database and a fresh server pinned apart from the generator
(taskset, when available). Server RSS is sampled from /proc every 250 ms. Exit 1 if the server
died or answered a 5xx other than 503; 130 when interrupted (partial figures printed).`,
  options: {
    profile: { type: 'string' },
    connections: { type: 'string' },
    scenario: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    scale: { type: 'string' },
    'max-inflight': { type: 'string' },
    'max-queue-ms': { type: 'string' },
    topology: { type: 'string' },
    dir: { type: 'string' },
    json: { type: 'string' },
    markdown: { type: 'boolean' },
  },
  async run({ values }) {
    const profiles = listFlag('profile', values.profile, [...D.profiles]);
    for (const p of profiles) resolveProfile(p);
    const connections = listFlag('connections', values.connections, D.connections.map(String)).map((c) => numberFlag('connections', c, 0, { min: 1, max: 10_000, integer: true }));
    const scenario = values.scenario ?? D.scenario;
    if (!findScenario(scenario)) throw new UsageError(`unknown scenario '${scenario}'`);
    if (values.json === '') throw new UsageError('--json needs a file name');
    const topology = values.topology ?? D.topology;
    parseTopology(topology);

    const dir = values.dir ? resolve(values.dir) : undefined;
    mkdirSync(dir ?? 'data', { recursive: true });
    const workDir = dir ?? mkdtempSync(join(resolve('data'), 'overload-'));
    const pinning = choosePinning();
    const opts: OverloadRunOptions = {
      profiles,
      connections,
      scenario,
      durationS: numberFlag('duration', values.duration, D.durationS, { min: 1, max: 600 }),
      warmupS: numberFlag('warmup', values.warmup, D.warmupS, { min: 0, max: 60 }),
      scale: numberFlag('scale', values.scale, D.scale, { min: 0.001, max: 10 }),
      seed: D.seed,
      dir: workDir,
      maxInflight: numberFlag('max-inflight', values['max-inflight'], OVERLOAD_DEFAULTS.maxInflight, { min: 0, max: 1_000_000, integer: true }),
      maxQueueMs: numberFlag('max-queue-ms', values['max-queue-ms'], OVERLOAD_DEFAULTS.maxQueueMs, { min: 0, max: 600_000 }),
      timeoutS: D.timeoutS,
      topology,
      pinning,
      onProgress: (m) => process.stderr.write(`${m}\n`),
    };
    const interrupt = interruptible();
    opts.signal = interrupt.signal;
    try {
      const environment = probeEnvironment({ dataDir: workDir, pinning });
      const records = await runOverload(opts);
      process.stdout.write(renderOverload(records, values.markdown ? 'markdown' : 'text'));
      if (values.json) {
        const { onProgress: _drop, signal: _signal, ...options } = opts;
        writeJsonAtomic(values.json, OverloadFile.parse({ schemaVersion: OVERLOAD_SCHEMA_VERSION, kind: 'overload', environment, options, records }));
        process.stderr.write(`wrote ${values.json}\n`);
      }
      if (interrupt.interrupted()) return 130;
      return overloadPassed(records) ? 0 : 1;
    } finally {
      interrupt.dispose();
      if (!dir) rmSync(workDir, { recursive: true, force: true });
    }
  },
});
