/**
 * Calibration of the A/B gate on the CI preset (`loadlab ab . . --quick`): A/A pairs (both
 * sides this checkout, nothing injected) and pairs whose candidate burns a known delay per
 * request (`injectDelayMs`, sized for a 5 %, 10 % or 20 % loss of read-point throughput).
 * Every run's verdict and metrics are kept as a file under reports/calibration/ab-family/, and
 * `summary.json` counts false alarms and detections from those files only.
 *
 *   node --import tsx reports/calibration/ab-calibrate.ts --pairs 20 --slowdowns 0,5,10,20
 *   node --import tsx reports/calibration/ab-calibrate.ts --summarize [--rejudge]
 *   node --import tsx reports/calibration/ab-calibrate.ts --preset full --duration-s 1 --pairs 10 --slowdowns 0
 *
 * --preset full runs `ab --full` (its 36-metric family, 12 rounds, scale 1) on reduced load
 * (--duration-s per side per arm and round, 0.3 s warm-up, 100 ms microbenchmarks) and keeps
 * its runs in reports/calibration/ab-family-full/.
 *
 * --rejudge re-reads each run's raw trials (out/calibration/LABEL/ab.json, where they
 * were written) with today's gate and rewrites its stored file (keeping the exit code it
 * had when it ran as exitCodeAtRun).
 *
 * Run it on an otherwise idle machine: it is a measurement. The runs of the first method
 * (whole 2 s trials per side, paired by round, servers kept all run) are kept in ab-v1/ for
 * the record; they do not count here.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { AbFile, type AbTrial } from '../../lib/records/ab.ts';
import { AB_THRESHOLDS, abExitCode, isRegression, judgeAb, judgePoints, judgeRatios } from '../../ab/judge.ts';
import type { AbVerdict } from '../../lib/records/ab.ts';
import {
  canReject,
  familyConfidence,
  isNotEnough,
  medianInterval,
  roundMedians,
  type Direction,
} from '../../stats/index.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
/**
 * Runs judged by the family rule (Bonferroni over the gating metrics, stalls as lost work,
 * small regressions fail): reports/calibration/ab-family/. The runs of the per-metric rule
 * before it stay in reports/calibration/ab/ for the record; they do not count here.
 */
const STORES = {
  quick: join(ROOT, 'reports', 'calibration', 'ab-family'),
  /** `ab --full` on reduced durations (`--duration-s`, default 1 s per side): its 36-metric family. */
  full: join(ROOT, 'reports', 'calibration', 'ab-family-full'),
} as const;
type Preset = keyof typeof STORES;
let STORE: string = STORES.quick;
let PRESET: Preset = 'quick';
/** Seconds of load per side per arm and round (`--full` only; `--quick` runs as shipped). */
let DURATION_S = 1;
const BIN = join(ROOT, 'bin', 'loadlab.js');

/** Delay (ms of CPU per request) that costs `pct` % of a server answering `rps` requests/s flat out. */
export function delayForSlowdown(pct: number, rps: number): number {
  const s = pct / 100;
  return s <= 0 ? 0 : (s / ((1 - s) * rps)) * 1000;
}

interface StoredRun {
  label: string;
  slowdownPct: number;
  injectDelayMs: number;
  /** The gate's exit code on this run's raw trials, by the rule of the commit that stored it. */
  exitCode: number;
  /** The exit code `ab` gave when it ran (the rule of its own commit). */
  exitCodeAtRun?: number;
  wallS: number | null;
  date: string;
  gitSha: string | null;
  /** Rounds of the run: the pairs of a metric come in this many equal consecutive clusters (absent: 8, the quick preset). */
  rounds?: number;
  /** Each gating metric's verdict, median change, interval and the pairs behind them, in pair order. */
  metrics: {
    key: string;
    verdict: string;
    median: number | null;
    low: number | null;
    high: number | null;
    paired: number[];
    /** The round of each pair (parallel to `paired`). */
    pairRounds?: number[];
    /** The values the interval was made of, one per round (schema 4). */
    roundValues?: number[];
    /** How the interval was made and its coverage, computed for the rounds (absent in runs stored before). */
    method?: string;
    coverage?: number | null;
  }[];
  problems: string[];
}

function runOne(slowdownPct: number, delayMs: number, index: number): StoredRun {
  const out = join(ROOT, 'out', outDirName(), `s${slowdownPct}-${index}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const args = [BIN, 'ab', '.', '.', `--${PRESET}`, '--out', out];
  if (PRESET === 'full') {
    // The --full preset (all profiles, 12 rounds, scale 1) with shorter load: its family, affordable.
    const reduced = join(out, 'reduced.json');
    writeFileSync(reduced, JSON.stringify({ load: { durationS: DURATION_S, warmupS: 0.3 }, bench: { timeMs: 100 } }));
    args.push('--config', reduced);
  }
  if (delayMs > 0) {
    const cfg = join(out, 'candidate.json');
    writeFileSync(cfg, JSON.stringify({ injectDelayMs: delayMs }));
    args.push('--candidate-config', cfg);
  }
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 && r.status !== 1 && r.status !== 2) throw new Error(`ab exited ${r.status}`);
  return fromAb(
    AbFile.parse(JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8'))),
    `s${slowdownPct}-${index}`,
    slowdownPct,
    delayMs,
  );
}

/**
 * Records written before a slice with no response in its ~0.1 s window counted as a stall
 * (0 rps) called it a failed trial; the raw figures are the same, so they are read the way
 * the gate reads them today.
 */
export function migrateTrials(trials: readonly AbTrial[]): AbTrial[] {
  return trials.map((t) =>
    t.status === 'failed' && t.reason === 'no responses in the measured window' && t.durationS > 0
      ? { ...t, status: 'stalled' as const, errorPct: 0 }
      : t.status === 'ok' && t.requests === 0 && t.durationS > 0
        ? { ...t, status: 'stalled' as const, reason: 'no response (stored as ok)' }
        : t,
  );
}

/** The stored form of one calibration run: its metrics judged from its raw trials by today's gate. */
export function fromAb(ab: AbFile, label: string, slowdownPct: number, delayMs: number): StoredRun {
  const metrics = judgeAb({
    trials: migrateTrials(ab.trials),
    bench: ab.bench,
    counted: ab.counted,
    rounds: ab.roundsDone,
  });
  return {
    label,
    slowdownPct,
    injectDelayMs: delayMs,
    exitCode: abExitCode(metrics, ab.problems),
    exitCodeAtRun: ab.exitCode,
    wallS: ab.wallS,
    date: ab.environment.date,
    gitSha: ab.environment.gitSha,
    rounds: ab.roundsDone,
    metrics: metrics
      .filter((m) => m.gating)
      .map((m) => ({
        key: m.key,
        verdict: m.verdict,
        median: m.median,
        low: m.low,
        high: m.high,
        paired: m.paired,
        pairRounds: m.pairRounds,
        roundValues: m.roundValues,
        ...(m.method ? { method: m.method } : {}),
        coverage: m.coverage,
      })),
    problems: ab.problems,
  };
}

/** A metric's rule as the gate applies it: threshold, direction, scale. */
function ruleOf(key: string) {
  if (key.endsWith('/errors')) return { scale: 'points' as const, threshold: AB_THRESHOLDS.errorPoints };
  if (key.endsWith('/p95'))
    return { scale: 'ratio' as const, direction: 'lower' as Direction, threshold: AB_THRESHOLDS.p95Pct };
  return { scale: 'ratio' as const, direction: 'higher' as Direction, threshold: AB_THRESHOLDS.rpsPct };
}

/** The per-round values of a stored metric: as stored (schema 4), or the medians of its pairs by round. */
export function roundValuesOf(m: StoredRun['metrics'][number], rounds: number): number[] {
  if (m.roundValues?.length) return m.roundValues;
  const rule = ruleOf(m.key);
  const byRound = new Map<number, number[]>();
  m.paired.forEach((v, i) => {
    if (rule.scale === 'ratio' && !(v > 0 && v < Number.MAX_VALUE)) return;
    // Without stored rounds: equal consecutive clusters (the quick preset's layout).
    const r = m.pairRounds?.[i] ?? Math.floor((i * rounds) / m.paired.length);
    byRound.set(r, [...(byRound.get(r) ?? []), v]);
  });
  return roundMedians([...byRound.values()]);
}

/**
 * Today's verdicts on a stored run's gating metrics: their round values, the gate's family
 * (Bonferroni over the metrics that can reject, stats/family.ts) and rule; 'not enough
 * rounds' when the rounds are too few for the family's confidence. Runs stored before pairs
 * went through pairRatio kept a stalled side as a ratio of 0 or of Number.MAX_VALUE: those
 * pairs are left out (a 0/0 pair was stored as 1 and cannot be told apart).
 */
export function rejudgeRun(run: StoredRun): { key: string; verdict: string }[] {
  const rounds = run.rounds ?? 8;
  const values = run.metrics.map((m) => ({ m, v: roundValuesOf(m, rounds) }));
  const family = values.filter(
    ({ m, v }) => m.verdict !== 'failed' && canReject(v, ruleOf(m.key).scale === 'ratio' ? 1 : 0),
  ).length;
  const confidence = familyConfidence(Math.max(1, family));
  return values.map(({ m, v }) => {
    if (m.verdict === 'failed' || v.length === 0) return { key: m.key, verdict: m.verdict };
    const rule = ruleOf(m.key);
    const ci = medianInterval(v, confidence, 'rounds');
    if (isNotEnough(ci)) return { key: m.key, verdict: 'not enough rounds' };
    return {
      key: m.key,
      verdict:
        rule.scale === 'points'
          ? judgePoints(ci.low, ci.median, ci.high, rule.threshold)
          : judgeRatios(ci.low, ci.median, ci.high, rule.direction, rule.threshold),
    };
  });
}

/** False alarms and detections from the stored runs, every verdict re-judged with today's rule. */
export function summarize(runs: readonly StoredRun[]) {
  const bySlowdown = new Map<number, StoredRun[]>();
  for (const r of runs) bySlowdown.set(r.slowdownPct, [...(bySlowdown.get(r.slowdownPct) ?? []), r]);
  const READ_POINT = 'ab/read-point/tuned/rps';
  return [...bySlowdown.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slowdownPct, rs]) => {
      const judged = rs.map((r) => ({ run: r, verdicts: rejudgeRun(r) }));
      const alarmed = judged.filter(
        (j) =>
          j.run.problems.length > 0 ||
          j.verdicts.some((v) => isRegression(v.verdict as AbVerdict) || v.verdict === 'failed'),
      );
      const readPoint = rs.map((r) => r.metrics.find((m) => m.key === READ_POINT));
      const measured = readPoint
        .map((m) => m?.median)
        .filter((x): x is number => typeof x === 'number')
        .sort((a, b) => a - b);
      const mid = (xs: number[]) => (xs.length ? xs[Math.floor(xs.length / 2)]! : null);
      return {
        slowdownPct,
        runs: rs.length,
        injectDelayMs: rs[0]!.injectDelayMs,
        /** Runs the gate fails (exit 1) under today's rule: A/A, false alarms; injected, detections. */
        exit1: alarmed.length,
        /** Runs whose read-point rps is judged regressed under today's rule. */
        readPointRegressed: judged.filter((j) => j.verdicts.find((v) => v.key === READ_POINT)?.verdict === 'regressed')
          .length,
        /** Which metrics were flagged, over all runs (A/A: where the false alarms come from). */
        flagged: Object.fromEntries(
          [
            ...new Set(judged.flatMap((j) => j.verdicts.filter((v) => v.verdict === 'regressed').map((v) => v.key))),
          ].map((k) => [
            k,
            judged.filter((j) => j.verdicts.some((v) => v.key === k && v.verdict === 'regressed')).length,
          ]),
        ),
        /** Median over the runs of the measured read-point rps ratio (what the injected delay really cost). */
        readPointRatio: mid(measured),
        /** Runs that exited 1 when they ran (the rule of their commit). */
        exit1AtRun: rs.filter((r) => (r.exitCodeAtRun ?? r.exitCode) === 1).length,
        wallS: mid(rs.map((r) => r.wallS ?? 0).sort((a, b) => a - b)),
      };
    });
}

function stored(opts: { rejudge?: boolean } = {}): StoredRun[] {
  if (!existsSync(STORE)) return [];
  return readdirSync(STORE)
    .filter((f) => /^s\d+-\d+\.json$/.test(f))
    .map((f) => {
      const run = JSON.parse(readFileSync(join(STORE, f), 'utf8')) as StoredRun;
      // --rejudge: re-read the run's raw trials (out/calibration/LABEL/ab.json, kept locally) with today's gate.
      const abJson = join(ROOT, 'out', outDirName(), run.label, 'ab.json');
      if (!opts.rejudge || !existsSync(abJson)) return run;
      const fresh = {
        ...fromAb(
          AbFile.parse(JSON.parse(readFileSync(abJson, 'utf8'))),
          run.label,
          run.slowdownPct,
          run.injectDelayMs,
        ),
        exitCodeAtRun: run.exitCodeAtRun ?? run.exitCode,
      };
      writeJsonAtomic(join(STORE, f), fresh);
      return fresh;
    });
}

async function main() {
  const { values } = parseArgs({
    options: {
      pairs: { type: 'string', default: '20' },
      slowdowns: { type: 'string', default: '0,5,10,20' },
      rps: { type: 'string' },
      summarize: { type: 'boolean', default: false },
      rejudge: { type: 'boolean', default: false },
      preset: { type: 'string', default: 'quick' },
      'duration-s': { type: 'string', default: '1' },
    },
  });
  if (values.preset !== 'quick' && values.preset !== 'full') throw new Error('--preset is quick or full');
  PRESET = values.preset;
  STORE = STORES[PRESET];
  DURATION_S = Number(values['duration-s']);
  mkdirSync(STORE, { recursive: true });
  if (!values.summarize) {
    const pairs = Number(values.pairs);
    const slowdowns = values.slowdowns.split(',').map(Number);
    // Size the delays from read-point throughput measured by the first A/A run (or --rps).
    let rps = values.rps ? Number(values.rps) : null;
    const have = stored();
    for (let i = 0; i < pairs; i++) {
      for (const s of slowdowns) {
        const index = have.filter((r) => r.slowdownPct === s).length + i;
        if (s > 0 && rps === null) throw new Error('run A/A first (slowdown 0) or pass --rps');
        const delay = s > 0 ? Number(delayForSlowdown(s, rps!).toFixed(5)) : 0;
        await waitWhilePaused();
        const run = runOne(s, delay, index);
        writeJsonAtomic(join(STORE, `${run.label}.json`), run);
        if (s === 0 && rps === null) {
          const rp = JSON.parse(readFileSync(join(ROOT, 'out', outDirName(), run.label, 'ab.json'), 'utf8')) as {
            metrics: { key: string; baselineMedian: number | null }[];
          };
          rps = rp.metrics.find((m) => m.key === 'ab/read-point/tuned/rps')?.baselineMedian ?? null;
        }
        process.stderr.write(`${run.label}: exit ${run.exitCode}, ${Math.round(run.wallS ?? 0)} s\n`);
      }
    }
  }
  const summary = {
    date: new Date().toISOString(),
    gitSha: gitSha(),
    rows: summarize(stored({ rejudge: values.rejudge })),
  };
  writeJsonAtomic(join(STORE, 'summary.json'), summary);
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
}

/** Where the raw ab.json of each run goes (kept locally, not committed). */
const outDirName = () => (PRESET === 'quick' ? 'calibration' : 'calibration-full');

/**
 * Between runs, waits while the file named by LOADLAB_CALIBRATION_PAUSE exists: the machine
 * can be lent to other work (a test run) without disturbing a measurement in flight.
 */
async function waitWhilePaused(): Promise<void> {
  const file = process.env.LOADLAB_CALIBRATION_PAUSE;
  if (!file) return;
  let said = false;
  while (existsSync(file)) {
    if (!said) process.stderr.write(`paused: ${file} exists\n`);
    said = true;
    await new Promise((r) => setTimeout(r, 2000));
  }
}

/** This checkout's commit, short, for the stored files. */
export function gitSha(): string | null {
  try {
    return execFileSync('git', ['-C', ROOT, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
