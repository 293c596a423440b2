/**
 * The ledger's own A/A: how stable is each claim row's verdict across repeated `run --quick`
 * of one commit? Reads stored runs only (it never runs a benchmark):
 *
 *   for i in 01 02 03 04 05 06 07 08 09 10; do
 *     npx loadlab run --quick --out reports/calibration/ledger/runs/q$i
 *   done
 *   npx tsx reports/calibration/ledger-aa.ts            # prints SUMMARY.md
 *   npx tsx reports/calibration/ledger-aa.ts --write    # writes summary.json and SUMMARY.md
 *
 * Every `runs/<name>/results.json` (each a whole `run --quick --out` directory: results.json,
 * REPORT.md, charts/) has its ledger recomputed with the current code (buildLedger, today's
 * noise bands, no stability marks) and summarised per row (ledger-aa-summary.ts). The ledger of
 * a quick run reads the written summary.json: a row with `stable: false` says "unstable in
 * quick runs" instead of a verdict. Options: --runs DIR (default
 * reports/calibration/ledger/runs), --out DIR (default reports/calibration/ledger).
 */
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readRunResults } from '../../gate/read-records.ts';
import { CLAIMS } from '../ledger/claims.ts';
import { buildLedger } from '../ledger/ledger.ts';
import { loadNoiseBands } from '../ledger/noise-bands.ts';
import { NO_QUICK_STABILITY } from '../ledger/quick-stability.ts';
import {
  coverageByRow,
  renderLedgerAaMarkdown,
  summarizeLedgerAa,
  summaryJson,
  type AaRun,
  type LedgerAaSummary,
} from './ledger-aa-summary.ts';

export const LEDGER_AA_DIR = fileURLToPath(new URL('./ledger/', import.meta.url));

/** Every stored run under dir (sorted by name), each ledger recomputed; what could not be read, and why. */
export function readAaRuns(dir: string): { runs: AaRun[]; skipped: { name: string; reason: string }[] } {
  const runs: AaRun[] = [];
  const skipped: { name: string; reason: string }[] = [];
  if (!existsSync(dir)) return { runs, skipped };
  const names = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const name of names) {
    const file = join(dir, name, 'results.json');
    if (!existsSync(file)) {
      skipped.push({ name, reason: 'no results.json' });
      continue;
    }
    let run;
    try {
      run = readRunResults(file);
    } catch (err) {
      skipped.push({ name, reason: (err as Error).message });
      continue;
    }
    const rows = buildLedger(run, CLAIMS, loadNoiseBands(run.config.thresholds.ledgerNoisePct), NO_QUICK_STABILITY);
    runs.push({
      name,
      gitSha: run.environment.gitSha,
      startedAt: run.startedAt,
      mode: run.mode,
      wallS: run.wallS,
      rows,
      coverage: coverageByRow(rows, run),
    });
  }
  return { runs, skipped };
}

/** The summary of every stored run under dir. */
export function ledgerAaSummary(dir: string): LedgerAaSummary {
  const { runs, skipped } = readAaRuns(dir);
  return summarizeLedgerAa(runs, skipped);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: join(LEDGER_AA_DIR, 'runs') },
      out: { type: 'string', default: LEDGER_AA_DIR },
      write: { type: 'boolean', default: false },
    },
  });
  const summary = ledgerAaSummary(resolve(values.runs));
  const md = renderLedgerAaMarkdown(summary);
  if (summary.runs === 0) {
    process.stderr.write(`no quick run under ${values.runs}${values.write ? ': nothing written' : ''}\n`);
    process.exitCode = 1;
    return;
  }
  if (values.write) {
    mkdirSync(values.out, { recursive: true });
    writeFileSync(join(values.out, 'summary.json'), summaryJson(summary));
    writeFileSync(join(values.out, 'SUMMARY.md'), md);
    process.stderr.write(`wrote ${join(values.out, 'summary.json')} and SUMMARY.md (${summary.runs} runs)\n`);
  } else process.stdout.write(md);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
