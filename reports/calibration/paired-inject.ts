/**
 * The paired judge against itself and against a known slowdown, in the configuration
 * `run --quick` uses (its paired settings: rounds, slices, warm-up, connections, confidence):
 * a tuned server against a second tuned server on 'read-list', once with nothing injected (A/A) and
 * once with every candidate request burning `--inject-delay-ms` (fixture-server/app.ts).
 * Each run's paired record and its judged gain are stored as a file; the verdict is the
 * ledger's rule against the shipped HTTP band.
 *
 *   node --import tsx reports/calibration/paired-inject.ts --runs 2 --delay-ms 0.05
 *
 * A measurement: run it on an otherwise idle machine.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { rmSync } from 'node:fs';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { choosePinning } from '../../lib/environment.ts';
import { ensureDir } from '../../lib/ensure-dir.ts';
import { RunConfig } from '../../lib/records/run-config.ts';
import { runPaired } from '../../run/paired.ts';
import { QUICK } from '../../run/presets.ts';
import { pairedGain } from '../ledger/measure-paired.ts';
import { loadNoiseBands } from '../ledger/noise-bands.ts';
import { verdictFor } from '../ledger/verdict.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const STORE = join(ROOT, 'reports', 'calibration', 'paired-inject');

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '2' }, 'delay-ms': { type: 'string', default: '0.05' } },
});
const runs = Number(values.runs);
const delay = Number(values['delay-ms']);
const band = loadNoiseBands(QUICK.thresholds.ledgerNoisePct).pct.http / 100;
// Every comparison gets servers of its own (run/paired.ts), so both sides can be 'tuned'.
const config = RunConfig.parse({ ...QUICK, profiles: ['tuned'] });
ensureDir(STORE);
const dataDir = join(ROOT, '.tmp', 'paired-inject');
for (let run = 1; run <= runs; run++) {
  for (const injected of [0, delay]) {
    const label = `${injected ? `delay-${injected}ms` : `aa-for-${delay}ms`}-${run}`;
    const paired = await runPaired({
      config,
      cores: 2,
      pinning: choosePinning(),
      dataDir,
      orderSeed: run,
      specs: [
        {
          id: `inject/read-list`,
          purpose: 'aa',
          scenario: 'read-list',
          baseline: { profile: 'tuned', topology: 'single' },
          candidate: {
            profile: 'tuned',
            topology: 'single',
            ...(injected ? { args: ['--inject-delay-ms', String(injected)] } : {}),
          },
          pin: true,
        },
      ],
    });
    const judged = (['rps', 'p95'] as const).map((metric) => {
      const g = pairedGain(paired.comparisons[0]!, metric, paired.confidence);
      return {
        metric,
        ...g,
        // The ledger's rule with no claimed range: an effect either way, or not confirmed.
        verdict: verdictFor('unavailable' in g ? null : g, null, band),
      };
    });
    writeJsonAtomic(join(STORE, `${label}.json`), {
      label,
      injectDelayMs: injected,
      bandPct: band * 100,
      judged,
      paired,
    });
    console.log(
      label,
      judged
        .map(
          (j) =>
            `${j.metric} ${'gain' in j ? `×${j.gain.toFixed(3)} [${j.low.toFixed(3)}, ${j.high.toFixed(3)}]` : j.unavailable} ${j.verdict}`,
        )
        .join('; '),
    );
  }
}
rmSync(dataDir, { recursive: true, force: true });
