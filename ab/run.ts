import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureDir } from '../lib/ensure-dir.ts';
import { choosePinning, probeEnvironment } from '../lib/environment.ts';
import { AB_SCHEMA_VERSION, AbFile, type AbBenchSample, type AbSideName, type AbTrial } from '../lib/records/ab.ts';
import { BenchFile } from '../lib/records/bench.ts';
import type { CountedRecord } from '../lib/records/counted.ts';
import type { RunConfig } from '../lib/records/run-config.ts';
import type { Pinning } from '../lib/records/environment.ts';
import { spawnServer, type ServerHandle } from '../lib/server-process.ts';
import { startGenerator } from '../load/engines/autocannon/generator-process.ts';
import { LOAD_DEFAULTS } from '../load/options.ts';
import { abExitCode, judgeAb, type AbThresholds } from './judge.ts';
import { benchOrder, planRounds, type AbArm } from './plan.ts';
import type { AbCheckout } from './sides.ts';

const run = promisify(execFile);

export interface AbProgress {
  kind: 'stage' | 'trial' | 'round';
  message: string;
  /** Trials (load + bench runs) done and planned, for an ETA. */
  done?: number;
  total?: number;
}

export interface AbOptions {
  baseline: AbCheckout;
  candidate: AbCheckout;
  /** The shared configuration (load shape, profiles, scale, rounds = load.trials, bench). */
  config: RunConfig;
  mode: AbFile['mode'];
  outDir: string;
  orderSeed: number;
  thresholds?: Partial<AbThresholds>;
  onProgress?: (e: AbProgress) => void;
  /** Called with the record after every round (write it to disk there). */
  onRound?: (file: AbFile) => void;
  signal?: AbortSignal;
  /** Also count exact cost per operation on each side (`bench --counted`, its own code), once per side. */
  counted?: boolean;
}

type Servers = Map<string, ServerHandle>;
const serverKey = (side: AbSideName, profile: string) => `${side}/${profile}`;

async function seedSide(c: AbCheckout, profile: string, out: string, cfg: RunConfig): Promise<void> {
  const args = [c.bin, 'seed', '--out', out, '--profile', profile, '--scale', String(cfg.scale)];
  await run(process.execPath, [...args, '--seed', String(cfg.seed), '--force'], { timeout: 600_000 }).catch(
    (err: Error & { stderr?: string }) => {
      throw new Error(
        `${c.side.name} could not seed ${profile}: ${(err.stderr ?? err.message).trim().split('\n').pop()}`,
      );
    },
  );
}

function emptyTrial(
  base: Omit<
    AbTrial,
    | 'status'
    | 'rps'
    | 'requests'
    | 'non2xx'
    | 'errors'
    | 'timeouts'
    | 'errorPct'
    | 'p50Ms'
    | 'p95Ms'
    | 'p99Ms'
    | 'durationS'
  >,
  reason: string,
): AbTrial {
  return {
    ...base,
    status: 'failed',
    reason,
    rps: 0,
    requests: 0,
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    errorPct: 100,
    p50Ms: 0,
    p95Ms: 0,
    p99Ms: 0,
    durationS: 0,
  };
}

async function loadTrial(
  opts: AbOptions,
  server: ServerHandle | undefined,
  pinning: Pinning,
  planned: { round: number; arm: AbArm; side: AbSideName },
  seq: number,
): Promise<AbTrial> {
  const base = {
    round: planned.round,
    seq,
    side: planned.side,
    scenario: planned.arm.scenario,
    profile: planned.arm.profile,
  };
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) {
    return emptyTrial(base, `server not running${server ? `: ${server.stderrTail().split('\n').pop() ?? ''}` : ''}`);
  }
  const l = opts.config.load;
  const gen = startGenerator(
    {
      url: server.url,
      scenario: planned.arm.scenario,
      scale: opts.config.scale,
      // The same requests for both sides of a pair; new keys every round.
      seed: opts.config.seed + planned.round,
      connections: l.connections,
      warmupS: l.warmupS,
      durationS: l.durationS,
      rate: null,
      resetStats: false,
      timeoutS: LOAD_DEFAULTS.timeoutS,
    },
    {
      ...(pinning.generatorCpu !== null ? { cpu: pinning.generatorCpu } : {}),
      deadlineMs: (l.warmupS + l.durationS + LOAD_DEFAULTS.timeoutS + 20) * 1000,
    },
  );
  const onAbort = () => gen.stop();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const r = await gen.result;
    const m = r.measured;
    const ok2xx = Object.entries(m.statusCodes).reduce((s, [code, n]) => (code.startsWith('2') ? s + n : s), 0);
    const non2xx = m.requests - ok2xx;
    const attempts = m.requests + m.errors + m.timeouts;
    const alive = server.child.exitCode === null && server.child.signalCode === null;
    const failure = opts.signal?.aborted
      ? 'interrupted'
      : !alive
        ? 'server exited mid-trial'
        : m.requests === 0
          ? 'no responses in the measured window'
          : undefined;
    return {
      ...base,
      status: failure ? 'failed' : 'ok',
      ...(failure ? { reason: failure } : {}),
      rps: m.durationS > 0 ? ok2xx / m.durationS : 0,
      requests: m.requests,
      non2xx,
      errors: m.errors,
      timeouts: m.timeouts,
      errorPct: attempts === 0 ? 100 : (100 * (non2xx + m.errors + m.timeouts)) / attempts,
      p50Ms: m.latencyMs.p50,
      p95Ms: m.latencyMs.p95,
      p99Ms: m.latencyMs.p99,
      durationS: m.durationS,
    };
  } catch (err) {
    return emptyTrial(base, (err as Error).message);
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** One microbenchmark run of a side with its own code: `bench --json`, every op of the config, per profile. */
async function benchRun(
  opts: AbOptions,
  c: AbCheckout,
  pinning: Pinning,
  round: number,
  seq: number,
): Promise<AbBenchSample[]> {
  const cfg = opts.config;
  const dir = join(opts.outDir, 'data', c.side.name, 'bench');
  const json = join(dir, `round-${round}.json`);
  ensureDir(dir);
  const args = [
    c.bin,
    'bench',
    '--profiles',
    cfg.profiles.join(','),
    '--scale',
    String(cfg.scale),
    '--seed',
    String(cfg.seed),
  ];
  args.push('--time', String(cfg.bench.timeMs), '--json', json, '--data-dir', dir, '--quiet');
  if (cfg.bench.ops.length) args.push('--ops', cfg.bench.ops.join(','));
  const [cmd, argv] =
    pinning.serverCpu !== null
      ? ['taskset', ['-c', String(pinning.serverCpu), process.execPath, ...args]]
      : [process.execPath, args];
  const fail = (reason: string): AbBenchSample[] =>
    (cfg.bench.ops.length ? cfg.bench.ops : ['all']).flatMap((op) =>
      cfg.profiles.map((profile) => ({
        round,
        seq,
        side: c.side.name,
        op,
        profile,
        status: 'failed' as const,
        reason,
        opsPerSec: 0,
        rme: 0,
      })),
    );
  try {
    await run(cmd, argv, { timeout: 600_000, ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (err) {
    const e = err as Error & { stderr?: string; code?: number | string };
    // bench exits 1 when a record failed but still writes its file; anything else is a failed run.
    if (e.code !== 1) return fail(`bench did not run: ${(e.stderr ?? e.message).trim().split('\n').pop()}`);
  }
  try {
    const file = BenchFile.parse(JSON.parse(readFileSync(json, 'utf8')));
    return file.records.map((r) => ({
      round,
      seq,
      side: c.side.name,
      op: r.op,
      profile: r.profile,
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
      opsPerSec: r.opsPerSec,
      rme: r.rme,
    }));
  } catch (err) {
    return fail(`bench output unreadable: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Exact counters of one side: its own `bench --counted` (wall-clock part kept minimal), or failed records. */
async function countedRun(opts: AbOptions, c: AbCheckout): Promise<CountedRecord[]> {
  const cfg = opts.config;
  const dir = join(opts.outDir, 'data', c.side.name, 'counted');
  const json = join(dir, 'counted.json');
  ensureDir(dir);
  const args = [c.bin, 'bench', '--counted', '--profiles', cfg.profiles.join(','), '--scale', String(cfg.scale)];
  args.push('--seed', String(cfg.seed), '--time', '10', '--json', json, '--data-dir', dir, '--quiet');
  if (cfg.bench.ops.length) args.push('--ops', cfg.bench.ops.join(','));
  try {
    await run(process.execPath, args, { timeout: 1_800_000, ...(opts.signal ? { signal: opts.signal } : {}) });
    return BenchFile.parse(JSON.parse(readFileSync(json, 'utf8'))).counted;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    const reason = `bench --counted did not run: ${(e.stderr ?? e.message).trim().split('\n').pop()}`;
    return (cfg.bench.ops.length ? cfg.bench.ops : ['all']).flatMap((op) =>
      cfg.profiles.map((profile) => failedCounted(op, profile, reason)),
    );
  }
}

function failedCounted(op: string, profile: string, reason: string): CountedRecord {
  return {
    op,
    profile,
    status: 'failed',
    reason,
    n: 1,
    batch: 1,
    writes: false,
    instructionsPerOp: null,
    fsyncPerOp: null,
    writeCallsPerOp: null,
    writeBytesPerOp: null,
    readCallsPerOp: null,
    readBytesPerOp: null,
    totals: { n: null, twoN: null },
    effective: {},
    tools: { valgrind: null, strace: null, node: process.version, sqlite: null },
    nodeFlags: [],
    wallMs: 0,
  };
}

/**
 * The interleaved A/B: both sides seed and serve with their own code, then round after
 * round every arm runs on each side back to back in a randomized order (only one side
 * under load at any moment), then each side's microbenchmarks in alternating order. The
 * verdict is paired per round. Never throws for a failing side: that is data (and exit 1).
 */
export async function runAb(opts: AbOptions): Promise<AbFile> {
  const t0 = performance.now();
  const cfg = opts.config;
  const sides = { baseline: opts.baseline, candidate: opts.candidate };
  const progress = opts.onProgress ?? (() => {});
  const dataDir = join(opts.outDir, 'data');
  ensureDir(dataDir);
  const pinning = choosePinning();
  const environment = { ...probeEnvironment({ dataDir, pinning }) };
  const arms: AbArm[] = cfg.profiles.flatMap((profile) =>
    cfg.load.scenarios.map((scenario) => ({ scenario, profile })),
  );
  const rounds = cfg.load.trials;
  const plan = planRounds(arms, rounds, opts.orderSeed);
  const benchRuns = cfg.bench.enabled ? 2 : 0;
  const total = rounds * (arms.length * 2 + benchRuns);
  const trials: AbTrial[] = [];
  const bench: AbBenchSample[] = [];
  const problems: string[] = [];
  const servers: Servers = new Map();
  const counted: AbFile['counted'] = { baseline: [], candidate: [] };
  let roundsDone = 0;
  let seq = 0;

  const snapshot = (final: boolean): AbFile => {
    const metrics = judgeAb({
      trials,
      bench,
      counted,
      rounds: roundsDone,
      ...(opts.thresholds ? { thresholds: opts.thresholds } : {}),
    });
    const allProblems = [...problems];
    if (final && roundsDone < rounds) allProblems.push(`stopped after ${roundsDone} of ${rounds} rounds`);
    return AbFile.parse({
      schemaVersion: AB_SCHEMA_VERSION,
      kind: 'ab',
      environment,
      mode: opts.mode,
      config: cfg,
      sides: { baseline: sides.baseline.side, candidate: sides.candidate.side },
      orderSeed: opts.orderSeed,
      roundsPlanned: rounds,
      roundsDone,
      trials,
      bench,
      counted,
      metrics,
      problems: allProblems,
      exitCode: abExitCode(metrics, allProblems),
      wallS: final ? (performance.now() - t0) / 1000 : null,
    });
  };

  try {
    for (const name of ['baseline', 'candidate'] as const) {
      const c = sides[name];
      for (const profile of cfg.profiles) {
        if (opts.signal?.aborted) break;
        progress({ kind: 'stage', message: `${name}: seeding ${profile} (scale ${cfg.scale}) with its own code` });
        const db = join(dataDir, name, `${profile}.sqlite`);
        ensureDir(join(dataDir, name));
        try {
          await seedSide(c, profile, db, cfg);
          const server = await spawnServer({
            bin: c.bin,
            db,
            profile,
            args: c.config.injectDelayMs ? ['--inject-delay-ms', String(c.config.injectDelayMs)] : [],
            ...(pinning.serverCpu !== null ? { cpu: pinning.serverCpu } : {}),
            startTimeoutMs: 60_000,
          });
          servers.set(serverKey(name, profile), server);
        } catch (err) {
          problems.push((err as Error).message.split('\n')[0]!);
        }
      }
    }
    if (problems.length === 0) {
      for (const round of plan) {
        if (opts.signal?.aborted) break;
        const r = round[0]!.round;
        for (const planned of round) {
          if (opts.signal?.aborted) break;
          progress({
            kind: 'trial',
            message: `round ${r + 1}/${rounds}: ${planned.arm.scenario} · ${planned.arm.profile} · ${planned.side}`,
            done: seq,
            total,
          });
          trials.push(
            await loadTrial(opts, servers.get(serverKey(planned.side, planned.arm.profile)), pinning, planned, seq++),
          );
        }
        if (cfg.bench.enabled) {
          for (const side of benchOrder(r, opts.orderSeed)) {
            if (opts.signal?.aborted) break;
            progress({
              kind: 'trial',
              message: `round ${r + 1}/${rounds}: microbenchmarks · ${side}`,
              done: seq,
              total,
            });
            bench.push(...(await benchRun(opts, sides[side], pinning, r, seq++)));
          }
        }
        if (opts.signal?.aborted) break;
        roundsDone = r + 1;
        opts.onRound?.(snapshot(false));
        progress({ kind: 'round', message: `round ${r + 1}/${rounds} done`, done: seq, total });
      }
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop(3000)));
  }
  if (opts.counted && problems.length === 0 && !opts.signal?.aborted) {
    for (const side of ['baseline', 'candidate'] as const) {
      progress({ kind: 'stage', message: `${side}: exact counters (bench --counted, its own code)` });
      counted[side] = await countedRun(opts, sides[side]);
    }
  }
  if (opts.signal?.aborted) problems.push('interrupted');
  return snapshot(true);
}
