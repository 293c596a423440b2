import { join } from 'node:path';
import { ensureDir } from '../lib/ensure-dir.ts';
import { choosePinning, probeEnvironment } from '../lib/environment.ts';
import { AB_SCHEMA_VERSION, AbFile, type AbBenchSample, type AbSideName, type AbTrial } from '../lib/records/ab.ts';
import type { RunConfig } from '../lib/records/run-config.ts';
import { spawnServer, type ServerHandle } from '../lib/server-process.ts';
import { abExitCode, judgeAb, type AbThresholds } from './judge.ts';
import { benchOrder, planRounds, type AbArm } from './plan.ts';
import {
  loadBlock,
  refusedBlock,
  serverEndpoint,
  slicesPerSide,
  targetEndpoint,
  type AbEndpoint,
} from './load-trial.ts';
import { benchRun, countedRun, seedSide } from './side-commands.ts';
import { sideServeCatalog, type AbCheckout } from './sides.ts';

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
  /** Profiles only one side's config has (scripts/commands/ab.ts): listed in AB.md, not run. */
  notCompared?: string[];
  /**
   * Services already running instead of servers started from the checkouts (a scenario file
   * of your own service): no seeding, no microbenchmarks, the same alternating load.
   */
  targets?: Record<AbSideName, string>;
  /** The scenario file of the targets' scenario: the generator process reads it again. */
  scenarioFile?: string;
}

type Servers = Map<string, ServerHandle>;
const serverKey = (side: AbSideName, profile: string) => `${side}/${profile}`;

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
  const perSide = slicesPerSide(cfg.load.durationS);
  const plan = planRounds(arms, rounds, perSide, opts.orderSeed);
  const targets = opts.targets;
  const benchRuns = cfg.bench.enabled && !targets ? 2 : 0;
  const total = rounds * (arms.length + benchRuns);
  const trials: AbTrial[] = [];
  const bench: AbBenchSample[] = [];
  const problems: string[] = [];
  const servers: Servers = new Map();
  const counted: AbFile['counted'] = { baseline: [], candidate: [] };
  let roundsDone = 0;
  /** Arms whose baseline was too slow to slice, and why (ab/load-trial.ts refusedBlock). */
  const refused = new Map<string, string>();
  /** Progress units done (blocks and bench runs). */
  let seq = 0;
  /** Position of the next sample in the order things really ran. */
  let pos = 0;

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
    const notMeasured =
      final && opts.counted && allProblems.length === 0 && !opts.signal?.aborted ? uncounted(counted) : [];
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
      notMeasured,
      notCompared: opts.notCompared ?? [],
      exitCode: abExitCode(metrics, allProblems, notMeasured),
      wallS: final ? (performance.now() - t0) / 1000 : null,
    });
  };

  const dbs: { side: AbSideName; profile: string; db: string }[] = [];
  /** Stops every server, then starts one per side and profile, all at once (no side is the older process). */
  const restartServers = async () => {
    await Promise.all([...servers.values()].map((s) => s.stop(3000)));
    servers.clear();
    await Promise.all(
      dbs.map(async ({ side, profile, db }) => {
        const c = sides[side];
        try {
          const server = await spawnServer({
            bin: c.bin,
            db,
            profile,
            args: c.config.injectDelayMs ? ['--inject-delay-ms', String(c.config.injectDelayMs)] : [],
            ...(pinning.serverCpu !== null ? { cpu: pinning.serverCpu } : {}),
            startTimeoutMs: 60_000,
            ...sideServeCatalog(c),
          });
          servers.set(serverKey(side, profile), server);
        } catch (err) {
          problems.push(`${side}: ${(err as Error).message.split('\n')[0]!}`);
        }
      }),
    );
  };

  /** Where a side's load goes in an arm: its own server, or its target. */
  const endpoint = (side: AbSideName, profile: string): AbEndpoint | undefined => {
    if (targets) return targetEndpoint(targets[side]);
    const s = servers.get(serverKey(side, profile));
    return s ? serverEndpoint(s) : undefined;
  };

  try {
    for (const name of targets ? [] : (['baseline', 'candidate'] as const)) {
      const c = sides[name];
      for (const profile of cfg.profiles) {
        if (opts.signal?.aborted) break;
        progress({ kind: 'stage', message: `${name}: seeding ${profile} (scale ${cfg.scale}) with its own code` });
        const db = join(dataDir, name, `${profile}.sqlite`);
        ensureDir(join(dataDir, name));
        try {
          await seedSide(c, profile, db, cfg);
          dbs.push({ side: name, profile, db });
        } catch (err) {
          problems.push((err as Error).message.split('\n')[0]!);
        }
      }
    }
    for (const round of plan) {
      if (problems.length > 0 || opts.signal?.aborted) break;
      const r = round[0]!.round;
      // Fresh server processes every round: a process's own speed (its memory layout, its
      // age) then varies from round to round instead of favouring one side all run long.
      if (!targets) {
        progress({ kind: 'stage', message: `round ${r + 1}/${rounds}: starting both sides' servers` });
        await restartServers();
        if (problems.length > 0) break;
      }
      for (const block of round) {
        if (opts.signal?.aborted) break;
        progress({
          kind: 'trial',
          message: `round ${r + 1}/${rounds}: ${block.arm.scenario} · ${block.arm.profile} (${block.order.length} slices, A/B alternating)`,
          done: seq,
          total,
        });
        // An arm refused once cannot be judged whatever the other rounds show: not run again.
        const armKey = `${block.arm.scenario}/${block.arm.profile}`;
        const before = refused.get(armKey);
        const got = before
          ? refusedBlock(block, pos, before)
          : await loadBlock(
              opts,
              {
                baseline: endpoint('baseline', block.arm.profile),
                candidate: endpoint('candidate', block.arm.profile),
              },
              pinning,
              block,
              pos,
              cfg.load.warmupS,
            );
        const refusal = got.find((t) => t.status === 'refused');
        if (!before && refusal?.reason) refused.set(armKey, `${refusal.reason} (round ${r + 1}; later rounds not run)`);
        pos += got.length;
        trials.push(...got);
        seq++;
      }
      if (benchRuns > 0) {
        for (const side of benchOrder(r, opts.orderSeed)) {
          if (opts.signal?.aborted) break;
          progress({
            kind: 'trial',
            message: `round ${r + 1}/${rounds}: microbenchmarks · ${side}`,
            done: seq,
            total,
          });
          bench.push(...(await benchRun(opts, sides[side], pinning, r, pos++)));
          seq++;
        }
      }
      if (opts.signal?.aborted) break;
      roundsDone = r + 1;
      opts.onRound?.(snapshot(false));
      progress({ kind: 'round', message: `round ${r + 1}/${rounds} done`, done: seq, total });
    }
  } finally {
    await Promise.all([...servers.values()].map((s) => s.stop(3000)));
  }
  if (opts.counted && !targets && problems.length === 0 && !opts.signal?.aborted) {
    for (const side of ['baseline', 'candidate'] as const) {
      progress({ kind: 'stage', message: `${side}: exact counters (bench --counted, its own code)` });
      counted[side] = await countedRun(opts, sides[side]);
    }
  }
  if (opts.signal?.aborted) problems.push('interrupted');
  return snapshot(true);
}

/**
 * What `--counted` asked for and did not get: a side's counters skipped (valgrind or strace
 * missing, interrupted), one line per side and reason. Never a silent pass.
 */
export function uncounted(counted: AbFile['counted']): string[] {
  const out = new Set<string>();
  for (const side of ['baseline', 'candidate'] as const) {
    if (counted[side].length === 0) out.add(`${side}: exact counters were asked for and none were made`);
    for (const r of counted[side]) {
      if (r.status === 'skipped') out.add(`${side}: exact counters not made: ${r.reason ?? 'skipped'}`);
    }
  }
  return [...out];
}
