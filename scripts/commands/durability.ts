import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { defineCommand, listFlag, numberFlag } from '../../lib/cli-kit.ts';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { UsageError } from '../../lib/errors.ts';
import { probeEnvironment, choosePinning } from '../../lib/environment.ts';
import { DURABILITY_SCHEMA_VERSION, DurabilityFile } from '../../lib/records/durability.ts';
import { DURABILITY_DEFAULTS, durabilityPassed, runDurability, type DurabilityOptions } from '../../load/durability/run.ts';
import { DURABILITY_NOT_TESTED, renderDurability } from '../../load/durability/durability-table.ts';
import { resolveProfile } from '../../db/profiles.ts';
import { interruptible } from '../../load/cli-support.ts';

const D = DURABILITY_DEFAULTS;

export const command = defineCommand({
  name: 'durability',
  summary: 'Crash durability: writers record every 2xx-acknowledged id, the server is SIGKILLed at random moments and restarted; no acknowledged write may be lost.',
  usage: 'loadlab durability [--profile NAME[,NAME]] [--cycles N] [--writers N] [--json FILE] [--markdown] [--seed N] [--scale F] [--dir DIR] [--keep] [--max-seconds N]',
  details: `options:
  --profile LIST      profiles to test (default ${D.profiles.join(',')}; wal-full is tuned with synchronous=FULL)
  --cycles N          kill + restart + audit cycles per profile (default ${D.cycles})
  --writers N         concurrent write loops, POST /contents (default ${D.writers})
  --kill-min-ms N     the kill comes at a random moment between these (default ${D.killMinMs})
  --kill-max-ms N     ms after the writers start (default ${D.killMaxMs})
  --seed N            RNG seed for kill moments and writes (default ${D.seed})
  --scale F           seed scale of each database (default ${D.scale})
  --dir DIR           where the databases go (default: a fresh folder under data/, removed afterwards)
  --keep              keep the databases
  --max-seconds N     whole-run budget; no cycle starts after it (default ${D.maxSeconds})
  --markdown          print the table as Markdown (for a report or PR)
  --json FILE         write the records (schema lib/records/durability.ts)

After every kill the server restarts on the same file; every acknowledged id must be present
and PRAGMA integrity_check must say ok. Exit 1 if a write was lost, integrity failed or an arm failed;
130 when interrupted (Ctrl-C: the table so far is printed, the server stopped).
This is a process-crash test: it does not test power loss or an OS crash, where WAL+NORMAL
may lose the last commits.`,
  options: {
    profile: { type: 'string' },
    cycles: { type: 'string' },
    writers: { type: 'string' },
    'kill-min-ms': { type: 'string' },
    'kill-max-ms': { type: 'string' },
    seed: { type: 'string' },
    scale: { type: 'string' },
    dir: { type: 'string' },
    keep: { type: 'boolean' },
    'max-seconds': { type: 'string' },
    json: { type: 'string' },
    markdown: { type: 'boolean' },
  },
  async run({ values }) {
    const profiles = listFlag('profile', values.profile, [...D.profiles]);
    for (const p of profiles) resolveProfile(p);
    if (new Set(profiles).size !== profiles.length) throw new UsageError(`--profile lists a profile twice: ${profiles.join(',')}`);
    const killMinMs = numberFlag('kill-min-ms', values['kill-min-ms'], D.killMinMs, { min: 10, max: 60_000, integer: true });
    const killMaxMs = numberFlag('kill-max-ms', values['kill-max-ms'], Math.max(D.killMaxMs, killMinMs), { min: 10, max: 60_000, integer: true });
    if (killMaxMs < killMinMs) throw new UsageError(`--kill-max-ms (${killMaxMs}) must be at least --kill-min-ms (${killMinMs})`);
    if (values.json === '') throw new UsageError('--json needs a file name');

    const dir = values.dir ? resolve(values.dir) : undefined;
    if (dir) mkdirSync(dir, { recursive: true });
    else mkdirSync('data', { recursive: true });
    const workDir = dir ?? mkdtempSync(join(resolve('data'), 'durability-'));
    const pinning = choosePinning();
    const opts: DurabilityOptions = {
      profiles,
      cycles: numberFlag('cycles', values.cycles, D.cycles, { min: 1, max: 1000, integer: true }),
      writers: numberFlag('writers', values.writers, D.writers, { min: 1, max: 64, integer: true }),
      seed: numberFlag('seed', values.seed, D.seed, { min: 0, integer: true }),
      scale: numberFlag('scale', values.scale, D.scale, { min: 0.001, max: 1 }),
      dir: workDir,
      killMinMs,
      killMaxMs,
      maxSeconds: numberFlag('max-seconds', values['max-seconds'], D.maxSeconds, { min: 1, max: 86_400 }),
      ...(pinning.pinned && pinning.serverCpu !== null ? { serverCpu: pinning.serverCpu } : {}),
      onProgress: (m) => process.stderr.write(`${m}\n`),
    };
    const interrupt = interruptible();
    opts.signal = interrupt.signal;

    try {
      const environment = probeEnvironment({ dataDir: workDir, pinning });
      const records = await runDurability(opts);
      process.stdout.write(renderDurability(records, values.markdown ? 'markdown' : 'text'));
      if (values.json) {
        const { onProgress: _drop, signal: _signal, ...options } = opts;
        const file = DurabilityFile.parse({ schemaVersion: DURABILITY_SCHEMA_VERSION, kind: 'durability', environment, options, records, notTested: DURABILITY_NOT_TESTED });
        writeJsonAtomic(values.json, file);
        process.stderr.write(`wrote ${values.json}\n`);
      }
      if (interrupt.interrupted()) return 130;
      return durabilityPassed(records) ? 0 : 1;
    } finally {
      interrupt.dispose();
      if (!dir && !values.keep) rmSync(workDir, { recursive: true, force: true });
    }
  },
});
