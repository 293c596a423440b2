/**
 * Calibration of the A/B gate on the CI preset (`loadlab ab . . --quick`): A/A pairs (both
 * sides this checkout, nothing injected) and pairs whose candidate burns a known delay per
 * request (`injectDelayMs`, sized for a 5 %, 10 % or 20 % loss of read-point throughput).
 * Every run's verdict and metrics are kept as a file under reports/calibration/ab/, and
 * `summary.json` counts false alarms and detections from those files only.
 *
 *   node --import tsx reports/calibration/ab-calibrate.ts --pairs 20 --slowdowns 0,5,10,20
 *   node --import tsx reports/calibration/ab-calibrate.ts --summarize
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
import { AbFile } from '../../lib/records/ab.ts';
import { medianInterval } from '../../lib/stats.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const STORE = join(ROOT, 'reports', 'calibration', 'ab');
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
  exitCode: number;
  wallS: number | null;
  date: string;
  gitSha: string | null;
  /** Each gating metric's verdict, median change, interval and the per-round pairs behind them. */
  metrics: {
    key: string;
    verdict: string;
    median: number | null;
    low: number | null;
    high: number | null;
    paired: number[];
  }[];
  problems: string[];
}

function runOne(slowdownPct: number, delayMs: number, index: number): StoredRun {
  const out = join(ROOT, 'out', 'calibration', `s${slowdownPct}-${index}`);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const args = [BIN, 'ab', '.', '.', '--quick', '--out', out];
  if (delayMs > 0) {
    const cfg = join(out, 'candidate.json');
    writeFileSync(cfg, JSON.stringify({ injectDelayMs: delayMs }));
    args.push('--candidate-config', cfg);
  }
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 && r.status !== 1) throw new Error(`ab exited ${r.status}`);
  return fromAb(
    AbFile.parse(JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8'))),
    `s${slowdownPct}-${index}`,
    slowdownPct,
    delayMs,
  );
}

/** The stored form of one calibration run. */
function fromAb(ab: AbFile, label: string, slowdownPct: number, delayMs: number): StoredRun {
  return {
    label,
    slowdownPct,
    injectDelayMs: delayMs,
    exitCode: ab.exitCode,
    wallS: ab.wallS,
    date: ab.environment.date,
    gitSha: ab.environment.gitSha,
    metrics: ab.metrics
      .filter((m) => m.gating)
      .map((m) => ({ key: m.key, verdict: m.verdict, median: m.median, low: m.low, high: m.high, paired: m.paired })),
    problems: ab.problems,
  };
}

const thresholdOf = (key: string) => (key.endsWith('/p95') ? 10 : key.includes('/counted/') ? 1 : 5);

/** The A/B rule on stored pairs (ratios, worse = lower for rps and ops/s, higher for p95) at another confidence. */
function regressedAt(
  pairs: readonly number[],
  confidence: number,
  thresholdPct: number,
  lowerIsBetter = false,
): boolean {
  const ci = medianInterval(pairs, confidence);
  const t = 1 + thresholdPct / 100;
  return lowerIsBetter ? ci.median > t && ci.low > 1 : ci.median < 1 / t && ci.high < 1;
}

/** False alarms and detections from the stored runs. */
export function summarize(runs: readonly StoredRun[]) {
  const bySlowdown = new Map<number, StoredRun[]>();
  for (const r of runs) bySlowdown.set(r.slowdownPct, [...(bySlowdown.get(r.slowdownPct) ?? []), r]);
  return [...bySlowdown.entries()]
    .sort(([a], [b]) => a - b)
    .map(([slowdownPct, rs]) => {
      const readPoint = rs.map((r) => r.metrics.find((m) => m.key === 'ab/read-point/tuned/rps'));
      const flagged = rs.filter((r) => r.exitCode === 1).length;
      const readPointFlagged = readPoint.filter((m) => m?.verdict === 'regressed').length;
      const measured = readPoint
        .map((m) => m?.median)
        .filter((x): x is number => typeof x === 'number')
        .sort((a, b) => a - b);
      return {
        slowdownPct,
        runs: rs.length,
        injectDelayMs: rs[0]!.injectDelayMs,
        /** A/A: runs with exit 1 (false alarms). Injected: runs with exit 1. */
        exit1: flagged,
        /** Injected: runs whose read-point rps was judged regressed. */
        readPointRegressed: readPointFlagged,
        /** Median measured read-point rps ratio over the runs. */
        readPointRatio: measured.length ? measured[Math.floor(measured.length / 2)]! : null,
        /** Other metrics flagged (false alarms outside read-point), total over the runs. */
        otherRegressions: rs.reduce(
          (s, r) =>
            s + r.metrics.filter((m) => m.key !== 'ab/read-point/tuned/rps' && m.verdict === 'regressed').length,
          0,
        ),
        wallS: rs.map((r) => r.wallS ?? 0).sort((a, b) => a - b)[Math.floor(rs.length / 2)] ?? null,
        /** Offline, from the stored pairs: read-point rps judged with a 90 % sign-test interval instead of 95 %. */
        readPointRegressedAt90: readPoint.filter((m) => m && m.paired.length > 0 && regressedAt(m.paired, 0.9, 5))
          .length,
        /** Offline: runs where any gating rps/p95/ops metric would be flagged at 90 % (A/A: false alarms). */
        anyRegressedAt90: rs.filter((r) =>
          r.metrics.some(
            (m) =>
              m.paired.length > 0 &&
              !m.key.endsWith('/errors') &&
              regressedAt(m.paired, 0.9, thresholdOf(m.key), m.key.endsWith('/p95') || m.key.includes('/counted/')),
          ),
        ).length,
      };
    });
}

function stored(): StoredRun[] {
  if (!existsSync(STORE)) return [];
  return readdirSync(STORE)
    .filter((f) => /^s\d+-\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(STORE, f), 'utf8')) as StoredRun);
}

async function main() {
  const { values } = parseArgs({
    options: {
      pairs: { type: 'string', default: '20' },
      slowdowns: { type: 'string', default: '0,5,10,20' },
      rps: { type: 'string' },
      summarize: { type: 'boolean', default: false },
    },
  });
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
        const run = runOne(s, delay, index);
        writeJsonAtomic(join(STORE, `${run.label}.json`), run);
        if (s === 0 && rps === null) {
          const rp = JSON.parse(readFileSync(join(ROOT, 'out', 'calibration', run.label, 'ab.json'), 'utf8')) as {
            metrics: { key: string; baselineMedian: number | null }[];
          };
          rps = rp.metrics.find((m) => m.key === 'ab/read-point/tuned/rps')?.baselineMedian ?? null;
        }
        process.stderr.write(`${run.label}: exit ${run.exitCode}, ${Math.round(run.wallS ?? 0)} s\n`);
      }
    }
  }
  const summary = { date: new Date().toISOString(), gitSha: gitSha(), rows: summarize(stored()) };
  writeJsonAtomic(join(STORE, 'summary.json'), summary);
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
}

function gitSha(): string | null {
  try {
    return execFileSync('git', ['-C', ROOT, 'rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
