/**
 * Calibration of the exact counters (`bench --counted`) as the A/B gate uses them: plain
 * runs of this checkout (A/A: every pair of them must agree within the 1 % threshold, and
 * their spread is reported), and runs with a known extra cost per operation
 * (`--inject-work N`: N iterations of a fixed loop after each counted operation, sized to
 * add 2 % to a point read's instructions), each judged against every plain run by the same
 * rule as `ab --counted`. Every run is kept under reports/calibration/counted/ and
 * `summary.json` is computed from those files only.
 *
 *   node --import tsx reports/calibration/counted-calibrate.ts --runs 20 --change 2 [--work 1.42]
 *   node --import tsx reports/calibration/counted-calibrate.ts --summarize
 *
 * Counts do not move with machine load, but run it on an idle machine anyway: valgrind is
 * slow and the timeouts are real.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { judgeAb } from '../../ab/judge.ts';
import { gitSha } from './ab-calibrate.ts';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { BenchFile } from '../../lib/records/bench.ts';
import type { CountedRecord } from '../../lib/records/counted.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const STORE = join(ROOT, 'reports', 'calibration', 'counted');
const BIN = join(ROOT, 'bin', 'loadlab.js');
const OPS = ['point-read', 'insert-autocommit'];
const PROFILE = 'tuned';
const SCALE = 0.05;

interface StoredRun {
  label: string;
  injectWork: number;
  date: string;
  gitSha: string | null;
  records: Pick<
    CountedRecord,
    'op' | 'profile' | 'status' | 'n' | 'instructionsPerOp' | 'fsyncPerOp' | 'writeBytesPerOp' | 'writeCallsPerOp'
  >[];
}

function countOnce(label: string, injectWork: number): StoredRun {
  const out = join(ROOT, 'out', 'calibration-counted', label);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const json = join(out, 'bench.json');
  const args = [BIN, 'bench', '--counted', '--ops', OPS.join(','), '--profile', PROFILE, '--scale', String(SCALE)];
  args.push('--time', '10', '--json-out', json, '--data-dir', out, '--quiet');
  if (injectWork > 0) args.push('--inject-work', String(injectWork));
  execFileSync(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const file = BenchFile.parse(JSON.parse(readFileSync(json, 'utf8')));
  return {
    label,
    injectWork,
    date: new Date().toISOString(),
    gitSha: gitSha(),
    records: file.counted.map((r) => ({
      op: r.op,
      profile: r.profile,
      status: r.status,
      n: r.n,
      instructionsPerOp: r.instructionsPerOp,
      fsyncPerOp: r.fsyncPerOp,
      writeBytesPerOp: r.writeBytesPerOp,
      writeCallsPerOp: r.writeCallsPerOp,
    })),
  };
}

/** The gate's verdicts on the counted metrics of one pair (the same code path as `ab --counted`). */
function judgePair(baseline: StoredRun, candidate: StoredRun) {
  const asRecords = (r: StoredRun) => r.records as unknown as CountedRecord[];
  return judgeAb({
    trials: [],
    bench: [],
    rounds: 0,
    counted: { baseline: asRecords(baseline), candidate: asRecords(candidate) },
  });
}

const spreadPct = (xs: number[]) => (xs.length < 2 ? 0 : (100 * (Math.max(...xs) - Math.min(...xs))) / Math.min(...xs));

/** A/A spread, false alarms over every pair of plain runs, detections of the injected runs against every plain run. */
export function summarize(runs: readonly StoredRun[]) {
  const plain = runs.filter((r) => r.injectWork === 0);
  const injected = runs.filter((r) => r.injectWork > 0);
  const metricsOf = (r: StoredRun) =>
    r.records.flatMap((x) => [
      { key: `${x.op}/instructions`, v: x.instructionsPerOp },
      { key: `${x.op}/fsync`, v: x.fsyncPerOp },
      { key: `${x.op}/write-bytes`, v: x.writeBytesPerOp },
    ]);
  const keys = [...new Set(plain.flatMap((r) => metricsOf(r).map((m) => m.key)))];
  const spread = Object.fromEntries(
    keys.map((k) => {
      const vals = plain
        .map((r) => metricsOf(r).find((m) => m.key === k)?.v)
        .filter((v): v is number => typeof v === 'number');
      return [k, { runs: vals.length, min: Math.min(...vals), max: Math.max(...vals), spreadPct: spreadPct(vals) }];
    }),
  );
  let aaPairs = 0;
  let aaFlagged = 0;
  for (let i = 0; i < plain.length; i++) {
    for (let j = i + 1; j < plain.length; j++) {
      aaPairs++;
      if (judgePair(plain[i]!, plain[j]!).some((m) => m.verdict !== 'no significant change')) aaFlagged++;
    }
  }
  const byWork = new Map<number, StoredRun[]>();
  for (const r of injected) byWork.set(r.injectWork, [...(byWork.get(r.injectWork) ?? []), r]);
  const injectedRows = [...byWork.entries()].map(([work, rs]) => {
    const changePct = (op: string) => {
      const base = plain.map((r) => r.records.find((x) => x.op === op)?.instructionsPerOp).filter(Boolean) as number[];
      const cand = rs.map((r) => r.records.find((x) => x.op === op)?.instructionsPerOp).filter(Boolean) as number[];
      if (!base.length || !cand.length) return null;
      const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
      return 100 * (mid(cand) / mid(base) - 1);
    };
    // A run is detected when it is judged regressed against every plain run, on point-read instructions.
    const detected = rs.filter((c) =>
      plain.every((b) =>
        judgePair(b, c).some(
          (m) => m.key.includes('/point-read/') && m.key.endsWith('/instructions') && m.verdict === 'regressed',
        ),
      ),
    ).length;
    return {
      injectWork: work,
      runs: rs.length,
      pointReadInstructionChangePct: changePct('point-read'),
      insertInstructionChangePct: changePct('insert-autocommit'),
      detectedAgainstEveryPlainRun: detected,
    };
  });
  return { plainRuns: plain.length, spread, aaPairs, aaFlagged, injected: injectedRows };
}

function stored(): StoredRun[] {
  if (!existsSync(STORE)) return [];
  return readdirSync(STORE)
    .filter((f) => /^(plain|work)-\d+\.json$/.test(f))
    .map((f) => JSON.parse(readFileSync(join(STORE, f), 'utf8')) as StoredRun);
}

/**
 * Loop iterations per operation that add `pct` % to a point read's instructions. Two probes
 * (0.01 and 10.01 iterations per operation) give the cost of an iteration and the fixed cost
 * of the injection itself (its pattern lookup); fractional iterations are spread evenly.
 */
function sizeWork(pct: number, plain: StoredRun): number {
  const at = (r: StoredRun) => r.records.find((x) => x.op === 'point-read')?.instructionsPerOp;
  const base = at(plain);
  const low = at(countOnce('probe-low', 0.01));
  const high = at(countOnce('probe-high', 10.01));
  if (!base || !low || !high || high <= low) throw new Error('probe runs did not add instructions');
  const perIteration = (high - low) / 10;
  const fixed = low - base - 0.01 * perIteration;
  const want = (pct / 100) * base - fixed;
  if (want <= 0)
    throw new Error(`the injection alone costs ${((100 * fixed) / base).toFixed(2)} %: more than ${pct} %`);
  process.stderr.write(`sizing: ${perIteration.toFixed(0)} instructions per iteration, ${fixed.toFixed(0)} fixed\n`);
  return Math.round((want / perIteration) * 100) / 100;
}

async function main() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '20' },
      change: { type: 'string', default: '2' },
      /** Iterations per operation to inject, instead of sizing them from --change with a probe run. */
      work: { type: 'string' },
      summarize: { type: 'boolean', default: false },
    },
  });
  mkdirSync(STORE, { recursive: true });
  if (!values.summarize) {
    const runs = Number(values.runs);
    const have = stored();
    const plainAt = have.filter((r) => r.injectWork === 0).length;
    const workAt = have.filter((r) => r.injectWork > 0).length;
    let work = values.work !== undefined ? Number(values.work) : null;
    for (let i = 0; i < runs; i++) {
      const p = countOnce(`plain-${plainAt + i}`, 0);
      writeJsonAtomic(join(STORE, `${p.label}.json`), p);
      work ??= sizeWork(Number(values.change), p);
      const w = countOnce(`work-${workAt + i}`, work);
      writeJsonAtomic(join(STORE, `${w.label}.json`), w);
      process.stderr.write(`counted calibration: ${i + 1}/${runs} (inject-work ${work})\n`);
    }
  }
  const summary = { date: new Date().toISOString(), gitSha: gitSha(), ...summarize(stored()) };
  writeJsonAtomic(join(STORE, 'summary.json'), summary);
  process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(import.meta.filename)) await main();
