import { execFileSync } from 'node:child_process';
import { copyFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ensureDir } from '../lib/ensure-dir.ts';
import { createRng } from '../lib/rng.ts';
import type { Pinning } from '../lib/records/environment.ts';
import type { PairedComparison, PairedRecord, PairedSide, PairedSlice } from '../lib/records/paired.ts';
import type { RunConfig } from '../lib/records/run-config.ts';
import { spawnServer, type ServerHandle } from '../lib/server-process.ts';
import {
  abbaOrder,
  blockBoundS,
  SLICE,
  slicesPerSide,
  type SliceResult,
} from '../load/engines/autocannon/alternating.ts';
import { startAlternatingMany } from '../load/engines/autocannon/generator-process.ts';
import { LOAD_DEFAULTS } from '../load/options.ts';
import { seededDatabase } from '../load/runner.ts';
import { builtinCatalog, type Catalog } from '../catalog/catalog.ts';
import { pairedPlan, type ComparisonSpec } from './paired-plan.ts';

export interface PairedStageOptions {
  config: RunConfig;
  /** The catalog the config's profile and scenario names are looked up in; default the built-in one. */
  catalog?: Catalog;
  cores: number;
  pinning: Pinning;
  /** Where the seeded databases are (shared with the load stage) and the per-round copies go. */
  dataDir: string;
  serveArgs?: string[];
  orderSeed?: number;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /** The record after every round (save it). */
  onRound?: (record: PairedRecord) => void;
  /** Tests: the comparisons to run instead of the plan from the config. */
  specs?: ComparisonSpec[];
}

/** A slice as recorded: a slice in which nothing was answered is 'stalled' and never pairs. */
export function sliceRecord(
  round: number,
  index: number,
  side: 'baseline' | 'candidate',
  s: SliceResult | undefined,
  failure?: string,
): PairedSlice {
  const place = { round, pair: Math.floor(index / 2), side };
  if (!s || failure || s.durationS === 0) {
    return {
      ...place,
      status: 'failed',
      reason: failure ?? (s ? 'the slice was not measured' : 'the slice did not run'),
      rps: 0,
      requests: 0,
      errors: 0,
      timeouts: 0,
      errorPct: 100,
      p50Ms: 0,
      p95Ms: 0,
      durationS: 0,
    };
  }
  const attempts = s.requests + s.errors + s.timeouts;
  return {
    ...place,
    status: s.ok2xx === 0 ? 'stalled' : 'ok',
    ...(s.ok2xx === 0 ? { reason: `no request answered in ${s.durationS.toFixed(3)} s` } : {}),
    rps: s.ok2xx / s.durationS,
    requests: s.requests,
    errors: s.errors,
    timeouts: s.timeouts,
    errorPct: attempts === 0 ? 100 : (100 * (s.requests - s.ok2xx + s.errors + s.timeouts)) / attempts,
    p50Ms: s.latencyMs.p50,
    p95Ms: s.latencyMs.p95,
    ...(s.reads ? { readRps: s.reads.ok2xx / s.durationS, readP95Ms: s.reads.latencyMs.p95 } : {}),
    durationS: s.durationS,
  };
}

/** Pins a running process and all its threads to one CPU (taskset -a -p). */
function pinProcess(pid: number, cpu: number): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(cpu), String(pid)], { stdio: 'ignore' });
}

const alive = (s: ServerHandle) => s.child.exitCode === null && s.child.signalCode === null;

/**
 * A server of a round: one per comparison and side, never shared. A server that served
 * several comparisons in a round would be warmer (V8's JIT, SQLite's cache) than one that
 * served one: seen here, tuned shared by four comparisons ran ×1.4-2 faster than a fresh
 * copy of itself beside it, and consensus, in one comparison, came out 40 % slower.
 */
const serverKey = (spec: ComparisonSpec, side: 'baseline' | 'candidate') => `${spec.id}/${side}`;

/**
 * The paired stage: round after round, fresh copies of the seeded databases and a fresh
 * server for each side of each comparison, all started together; then one generator process runs
 * every comparison's block in a fresh random order, each block alternating the load between
 * its two servers in short slices (A B B A …, which side opens alternating by round). A
 * server serves one comparison, warmed before its block. Never throws for a failing
 * side: its slices say why.
 */
export async function runPaired(o: PairedStageOptions): Promise<PairedRecord> {
  const c = o.config;
  const catalog = o.catalog ?? builtinCatalog();
  const p = c.paired;
  const specs = o.specs ?? pairedPlan(c, o.cores);
  const perSide = slicesPerSide(p.durationS);
  const orderSeed = o.orderSeed ?? c.seed;
  const rng = createRng(orderSeed);
  const opens = specs.map(() => rng.int(0, 1));
  const workDir = join(o.dataDir, 'paired');
  ensureDir(workDir);
  const pinned = (spec: ComparisonSpec) => spec.pin && o.pinning.pinned;
  const comparisons: PairedComparison[] = specs.map((s) => ({
    id: s.id,
    purpose: s.purpose,
    scenario: s.scenario,
    baseline: s.baseline,
    candidate: s.candidate,
    pinned: pinned(s),
    connections: c.paired.connections,
    slices: [],
    problems: [],
  }));
  const record = (roundsDone: number): PairedRecord => ({
    roundsPlanned: p.rounds,
    roundsDone,
    confidence: p.confidence,
    slice: { ...SLICE },
    slicesPerSide: perSide,
    warmupS: p.warmupS,
    orderSeed,
    comparisons,
  });
  const wanted = new Map<string, { side: PairedSide; pin: boolean }>();
  for (const spec of specs)
    for (const name of ['baseline', 'candidate'] as const)
      wanted.set(serverKey(spec, name), { side: spec[name], pin: pinned(spec) });
  const seeded = new Map<string, string>();
  for (const { side } of wanted.values())
    if (!seeded.has(side.profile))
      seeded.set(side.profile, seededDatabase(o.dataDir, catalog.profile(side.profile), c.scale, c.seed));

  let done = 0;
  for (let round = 0; round < p.rounds && !o.signal?.aborted; round++) {
    const order = specs.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    o.onProgress?.(`paired round ${round + 1}/${p.rounds}: starting ${wanted.size} servers on fresh copies`);
    const roundStart = performance.now();
    const servers = new Map<string, ServerHandle>();
    const failures = new Map<string, string>();
    const files: string[] = [];
    try {
      await Promise.all(
        [...wanted].map(async ([key, { side, pin }], k) => {
          const db = join(workDir, `r${round}-${k}-${side.profile}.sqlite`);
          files.push(db);
          copyFileSync(seeded.get(side.profile)!, db);
          try {
            servers.set(
              key,
              await spawnServer({
                db,
                profile: side.profile,
                catalog: catalog.spec,
                args: [
                  ...(side.topology === 'single' ? [] : ['--topology', side.topology]),
                  ...(o.serveArgs ?? []),
                  ...(side.args ?? []),
                ],
                startTimeoutMs: 30_000,
              }),
            );
            // Started on both cores (a dozen node starts pinned to one took 7.6 s a round),
            // then pinned, every thread, before any load reaches it.
            if (pin && o.pinning.serverCpu !== null) pinProcess(servers.get(key)!.pid, o.pinning.serverCpu);
          } catch (err) {
            failures.set(
              key,
              `${side.profile} (${side.topology}) server did not start: ${(err as Error).message.split('\n')[0]}`,
            );
          }
        }),
      );
      const started = performance.now();
      o.onProgress?.(
        `paired round ${round + 1}/${p.rounds}: servers up in ${((started - roundStart) / 1000).toFixed(1)} s; ${specs.length} comparisons`,
      );
      await runRound(o, specs, comparisons, order, round, perSide, opens, servers, failures);
      o.onProgress?.(
        `paired round ${round + 1}/${p.rounds}: load done in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    } finally {
      await Promise.all([...servers.values()].map((x) => x.stop(3000)));
      for (const f of files) for (const x of ['', '-wal', '-shm', '-journal']) rmSync(f + x, { force: true });
    }
    if (o.signal?.aborted) break;
    done = round + 1;
    o.onRound?.(record(done));
  }
  rmSync(workDir, { recursive: true, force: true });
  return record(done);
}

/** One round's blocks in one generator process; each block's slices go to its comparison. */
async function runRound(
  o: PairedStageOptions,
  specs: readonly ComparisonSpec[],
  out: PairedComparison[],
  order: number[],
  round: number,
  perSide: number,
  opens: number[],
  servers: Map<string, ServerHandle>,
  failures: Map<string, string>,
): Promise<void> {
  const c = o.config;
  const p = c.paired;
  const sides = ['baseline', 'candidate'] as const;
  const fail = (i: number, why: string) => {
    out[i]!.problems.push(`round ${round + 1}: ${why}`);
    const slices = abbaOrder((opens[i]! + round) % 2, perSide);
    out[i]!.slices.push(...slices.map((side, k) => sliceRecord(round, k, side, undefined, why)));
  };
  const runnable: number[] = [];
  for (const i of order) {
    const spec = specs[i]!;
    const why = sides.map((side) => failures.get(serverKey(spec, side))).filter(Boolean);
    if (why.length) fail(i, why.join('; '));
    else runnable.push(i);
  }
  if (runnable.length === 0) return;
  const configs = runnable.map((i) => {
    const spec = specs[i]!;
    const keys = { baseline: serverKey(spec, 'baseline'), candidate: serverKey(spec, 'candidate') };
    return {
      urls: { baseline: servers.get(keys.baseline)!.url, candidate: servers.get(keys.candidate)!.url },
      scenario: spec.scenario,
      scale: c.scale,
      // The same requests on both sides; new keys every round.
      seed: c.seed + round,
      connections: c.paired.connections,
      warmupS: p.warmupS,
      settleS: SLICE.settleS,
      measureS: SLICE.measureS,
      order: abbaOrder((opens[i]! + round) % 2, perSide),
      timeoutS: LOAD_DEFAULTS.timeoutS,
    };
  });
  const run = startAlternatingMany(configs, {
    ...(o.pinning.pinned && o.pinning.generatorCpu !== null ? { cpu: o.pinning.generatorCpu } : {}),
    // Every block's bound (its drains included).
    deadlineMs:
      (configs.reduce((t, x) => t + blockBoundS(x.order.length, p.warmupS, 0), 0) + LOAD_DEFAULTS.timeoutS + 20) * 1000,
  });
  const onAbort = () => run.stop();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const r = await run.result;
    runnable.forEach((i, b) => {
      const spec = specs[i]!;
      const block = r.blocks[b];
      const cfg = configs[b]!;
      if (!block || 'error' in block) return fail(i, block ? `generator: ${block.error}` : 'the block did not run');
      if (block.refused) return fail(i, `cannot be judged: ${block.refused}`);
      const dead = sides.filter((side) => !alive(servers.get(serverKey(spec, side))!));
      out[i]!.slices.push(
        ...cfg.order.map((side, k) =>
          sliceRecord(
            round,
            k,
            side,
            block.slices[k],
            o.signal?.aborted ? 'interrupted' : dead.includes(side) ? `${side} server exited` : undefined,
          ),
        ),
      );
      if (dead.length) out[i]!.problems.push(`round ${round + 1}: ${dead.join(' and ')} server exited`);
    });
  } catch (err) {
    for (const i of runnable) fail(i, (err as Error).message.split('\n')[0]!);
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
  }
}
