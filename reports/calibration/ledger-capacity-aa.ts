/**
 * A/A and known-effect check of the ledger's "concurrent users" verdict (reports/ledger/
 * measure.ts measureCapacity + the verdict rule), on stored capacity measurements only:
 *
 *   node --import tsx reports/calibration/ledger-capacity-aa.ts
 *
 * Each pair puts one measured capacity record in the "before" (untuned) seat and another in
 * the "after" (tuned) seat of a real results.json (reports/full-run/run/results.json) and
 * judges the users claim (×4) with the run's noise bands. A/A pairs are two separate
 * measurements of the same profile: the verdict must never be a gain or a loss. The known
 * effect is untuned (missed the SLO at 10 connections at scale 1) against tuned: it must
 * speak. Writes reports/calibration/ledger-aa/summary.json and prints a table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LoadFile, type CapacityRecord } from '../../lib/records/load.ts';
import { RunResults } from '../../lib/records/run.ts';
import { buildLedger } from '../ledger/ledger.ts';

const root = (p: string) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
const run = RunResults.parse(JSON.parse(readFileSync(root('reports/full-run/run/results.json'), 'utf8')));
const fromLoad = (p: string): CapacityRecord => {
  const c = LoadFile.parse(JSON.parse(readFileSync(root(p), 'utf8'))).capacity[0];
  if (!c) throw new Error(`${p}: no capacity record`);
  return c;
};
const fromRun = (profile: string): CapacityRecord => run.capacity.find((c) => c.profile === profile)!;

/** Every stored measurement, by a name saying where it came from. */
const M: Record<string, () => CapacityRecord> = {
  'scale1/tuned/full-run': () => fromRun('tuned'),
  'scale1/tuned/rerun': () => fromLoad('reports/full-run/capacity-tuned.json'),
  'scale1/tuned/rerun-2': () => fromLoad('reports/calibration/ledger-aa/capacity-tuned-2.json'),
  'scale1/consensus/full-run': () => fromRun('consensus'),
  'scale1/consensus/rerun': () => fromLoad('reports/full-run/capacity-consensus.json'),
  'scale1/untuned/full-run': () => fromRun('untuned'),
  'scale1/untuned/rerun': () => fromLoad('reports/full-run/capacity-untuned.json'),
  ...Object.fromEntries(
    [1, 2, 3].flatMap((i) =>
      ['tuned', 'untuned'].map((p) => [
        `quick/${p}/${i}`,
        () => fromLoad(`reports/calibration/ledger-aa/quick-${p}-${i}.json`),
      ]),
    ),
  ),
};

const aa: [string, string][] = [];
const sameProfile = (prefix: string) => Object.keys(M).filter((k) => k.startsWith(prefix));
for (const group of ['scale1/tuned/', 'scale1/consensus/', 'quick/tuned/', 'quick/untuned/']) {
  const names = sameProfile(group);
  for (const a of names) for (const b of names) if (a !== b) aa.push([a, b]);
}
const effect: [string, string][] = [
  ['scale1/untuned/full-run', 'scale1/tuned/full-run'],
  ['scale1/untuned/rerun', 'scale1/tuned/rerun'],
  ['scale1/untuned/rerun', 'scale1/tuned/rerun-2'],
  ['scale1/untuned/full-run', 'scale1/consensus/full-run'],
  ['scale1/untuned/rerun', 'scale1/consensus/rerun'],
  ['quick/untuned/1', 'quick/tuned/1'],
];

function judge(before: string, after: string) {
  const b = { ...M[before]!(), profile: 'untuned' };
  const a = { ...M[after]!(), profile: 'tuned' };
  const row = buildLedger({ ...run, capacity: [b, a] }).find((r) => r.claim.id === 'users')!;
  const m = row.measurement;
  return {
    before,
    after,
    verdict: row.verdict,
    ...('unavailable' in m
      ? { reason: m.unavailable }
      : { gain: m.gain, low: m.low, high: m.high === Number.POSITIVE_INFINITY ? null : m.high, detail: m.detail }),
  };
}

const quiet = new Set(['not confirmed', 'not measurable here']);
const aaRows = aa.map(([x, y]) => judge(x, y));
const effectRows = effect.map(([x, y]) => judge(x, y));
const summary = {
  claim: 'users (concurrent users 50 -> 200, ×4)',
  noise: 'the run config and reports/calibration/noise-bands.json (http ±15 %)',
  aa: { pairs: aaRows.length, spoke: aaRows.filter((r) => !quiet.has(r.verdict)).length, rows: aaRows },
  effect: { pairs: effectRows.length, spoke: effectRows.filter((r) => !quiet.has(r.verdict)).length, rows: effectRows },
};
writeFileSync(root('reports/calibration/ledger-aa/summary.json'), JSON.stringify(summary, null, 2) + '\n');
const line = (r: (typeof aaRows)[number]) =>
  `${r.before.padEnd(26)} -> ${r.after.padEnd(26)} ${r.verdict.padEnd(20)} ${
    'reason' in r
      ? r.reason
      : `×${r.gain!.toFixed(2)} [${r.low!.toFixed(2)}, ${r.high === null ? '∞' : r.high.toFixed(2)}] ${r.detail}`
  }`;
console.log(`A/A: ${summary.aa.spoke} of ${summary.aa.pairs} pairs gave a gain or loss verdict`);
for (const r of aaRows) console.log(line(r));
console.log(`known effect: ${summary.effect.spoke} of ${summary.effect.pairs} pairs spoke`);
for (const r of effectRows) console.log(line(r));
