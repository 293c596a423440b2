import { SHARED } from '../flags.ts';
import { existsSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { defineCommand } from '../../lib/cli-kit.ts';
import { choosePinning, probeEnvironment } from '../../lib/environment.ts';
import { UsageError } from '../../lib/errors.ts';
import { BAND_FLOOR_PCT, BAND_STEP_PCT, CALIBRATION_FILE, NOISE_KINDS } from '../../reports/ledger/noise-bands.ts';
import { AA_TWIN, MAX_CALIBRATION_RUNS, runCalibration } from '../../run/calibrate.ts';
import { QUICK } from '../../run/presets.ts';

/** Databases of the A/A runs (git-ignored, on the working directory's disk); a private folder inside is removed after. */
const DATA_DIR = '.tmp/calibrate';
const DEFAULT_OUT = join(dirname(CALIBRATION_FILE), 'bands');

/** A file flag must not name a folder. */
function fileTarget(flag: string, path: string): string {
  if (path === '') throw new UsageError(`--${flag} needs a file name`);
  if (existsSync(path) && statSync(path).isDirectory()) throw new UsageError(`--${flag}: ${path} is a directory`);
  return path;
}

export const command = defineCommand({
  name: 'calibrate',
  summary:
    "Measure the ledger's noise bands on this machine: N A/A runs per kind of metric (http, bench, size), every run stored, the bands file written from them.",
  details: `Each run compares a thing with itself.
  http   the paired engine on '${QUICK.headline.readScenario}', '${QUICK.headline.writeScenario}' and '${QUICK.headline.p95Scenario}': two servers of
         'tuned' (the second named '${AA_TWIN}'), each on its own copy of a database seeded alike, with
         the quick preset's paired settings (${QUICK.paired.rounds} rounds, ${QUICK.paired.durationS} s a side, ${QUICK.paired.warmupS} s warm-up,
         ${QUICK.paired.connections} connections, ${QUICK.paired.confidence * 100} %); the paired gain of rps and p95
  bench  the ablation's A B B A rounds with identity arms (untuned vs untuned, tuned vs tuned),
         every operation; the median round's change
  size   VACUUM after churn, repeated on the same seeded databases; each size over the smallest
The band of a kind is the largest deviation max(g, 1/g) - 1 of its A/A estimates g, in percent,
rounded up to ${BAND_STEP_PCT} % and at least ${BAND_FLOOR_PCT} % (docs/calibration.md): no A/A estimate of this machine
lies outside it.
Loopback only (servers on 127.0.0.1). About 45 s per run on 2 cores (estimated from the settings,
not measured); keep the machine idle. Ctrl-C stops: the runs done stay, no bands file is written.
Exit codes: 0 bands written; 1 a kind has no A/A estimate (only the runs are written); 2 usage.

example: loadlab calibrate --runs 10`,
  options: {
    runs: {
      kind: 'number',
      value: 'N',
      integer: true,
      min: 1,
      max: MAX_CALIBRATION_RUNS,
      default: 10,
      help: 'A/A runs per kind of metric',
    },
    out: {
      kind: 'string',
      value: 'DIR',
      defaultText: 'reports/calibration/bands',
      help: 'where the run files go (a folder per calibration, one JSON per run)',
    },
    bands: {
      kind: 'string',
      value: 'FILE',
      defaultText: 'reports/calibration/noise-bands.json, the file the ledger reads',
      help: 'the bands file to write (atomically)',
    },
    'json-out': { ...SHARED['json-out'], help: 'also write the content of the bands file to FILE' },
  },
  async run({ values }) {
    const bandsFile = fileTarget('bands', values.bands ?? CALIBRATION_FILE);
    const jsonOut = values['json-out'] === undefined ? undefined : fileTarget('json-out', values['json-out']);
    const outDir = values.out ?? DEFAULT_OUT;
    if (outDir === '') throw new UsageError('--out needs a folder name');
    if (existsSync(outDir) && !statSync(outDir).isDirectory()) throw new UsageError(`--out: ${outDir} is a file`);

    const pinning = choosePinning();
    const env = probeEnvironment({ dataDir: DATA_DIR, pinning, skipFsync: true });
    const controller = new AbortController();
    const onSignal = () => {
      process.stderr.write('\ninterrupted: finishing the current step, keeping the runs done\n');
      controller.abort();
    };
    process.once('SIGINT', onSignal);
    let result;
    try {
      result = await runCalibration({
        runs: values.runs,
        outDir,
        bandsFile,
        dataDir: DATA_DIR,
        machine: {
          cpuModel: env.cpuModel,
          cores: env.cores,
          platform: env.platform,
          kernel: env.kernel,
          node: env.node,
          sqlite: env.sqlite,
          filesystem: env.filesystem,
        },
        cores: env.cores,
        pinning,
        signal: controller.signal,
        onProgress: (m) => process.stderr.write(`${m}\n`),
      });
    } finally {
      process.removeListener('SIGINT', onSignal);
    }
    process.stderr.write(`${result.runFiles.length} run files in ${relative('.', result.sessionDir) || '.'}\n`);
    if (!result.file) {
      process.stderr.write(`error: ${result.problem ?? 'no bands'}\n`);
      return 1;
    }
    writeJsonAtomic(bandsFile, result.file);
    if (jsonOut) writeJsonAtomic(jsonOut, result.file);
    const f = result.file;
    for (const kind of NOISE_KINDS) {
      const e = f.estimates[kind];
      process.stdout.write(
        `${kind.padEnd(5)} ±${f.bands[kind]} %  (largest A/A deviation ${e.largest.pct.toFixed(2)} %: ${e.largest.metric}; ${e.count} estimates${e.unavailable ? `, ${e.unavailable} unavailable` : ''})\n`,
      );
    }
    process.stdout.write(`${bandsFile}\n`);
    return 0;
  },
});
