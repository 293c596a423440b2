import { existingFile, existingSqliteFile } from '../../lib/files.ts';
import { join } from 'node:path';
import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import { UsageError } from '../../lib/errors.ts';
import { configOver } from '../../run/config-file.ts';
import { PRESETS, type Mode } from '../../run/presets.ts';
import type { RunConfig } from '../../lib/records/run-config.ts';
import { runSuite } from '../../run/orchestrate.ts';
import { streamProgress } from '../../run/progress.ts';
import { buildLedger } from '../../reports/ledger/ledger.ts';
import { runVerdict } from '../../gate/arm-failures.ts';

/** reports/runs/2026-01-02T03-04-05Z: sortable, no colons (Windows-safe). */
export function defaultOutDir(now = new Date()): string {
  return join('reports', 'runs', now.toISOString().slice(0, 19).replace(/:/g, '-') + 'Z');
}

/** Names in the config that nothing knows are usage errors, found before anything runs. */
export function checkNames(c: RunConfig, catalog: Catalog): void {
  for (const p of [...c.profiles, ...c.capacity.profiles]) catalog.profile(p);
  const scenarios = [
    ...c.load.scenarios,
    ...c.k6.scenarios,
    c.capacity.scenario,
    c.headline.readScenario,
    c.headline.writeScenario,
    c.headline.p95Scenario,
  ];
  for (const s of scenarios) {
    try {
      catalog.scenario(s);
    } catch (err) {
      throw new UsageError(
        `${(err as Error).message.replace(/^unknown scenario '[^']*'/, `unknown scenario '${s}' in the config`)}`,
      );
    }
  }
}

export const command = defineCommand({
  name: 'run',
  summary: 'The main job: environment, seed, VACUUM, microbenchmarks, load, capacity, then REPORT.md and charts.',
  details: `results.json is written after every stage, so an interrupted run keeps what it measured.
Progress goes to stderr (a live line on a terminal, plain lines otherwise).
exit 0 when every stage ran or was skipped with a reason and every arm measured; 1 when a stage
failed or any arm failed (a load, k6, bench or capacity record, or a write audit), even if the
others succeeded: stderr names each.`,
  options: {
    quick: {
      kind: 'boolean',
      help: 'every stage and profile on a small database in about 4 minutes on 2 cores (the default)',
    },
    full: {
      kind: 'boolean',
      help: 'the monthly run: scale 1, every scenario, 5 minutes of load per scenario (3 trials × 100 s)',
    },
    config: {
      ...SHARED.config,
      help: 'JSON or TS (default export) overriding parts of the preset (default: ./loadlab.config.* if present); see docs/run-report-ci.md, "Config file"',
    },
    out: {
      kind: 'string',
      value: 'DIR',
      defaultText: 'reports/runs/<timestamp>/',
      help: 'where results.json, REPORT.md and charts/ go',
    },
    'keep-data': { kind: 'boolean', help: 'keep the seeded databases (OUT/data) instead of removing them at the end' },
    json: { kind: 'boolean', help: 'print results.json to stdout at the end' },
    counted: {
      kind: 'boolean',
      help: 'also count exact cost per operation (valgrind, strace): the cost table in REPORT.md',
    },
    db: {
      kind: 'string',
      value: 'FILE',
      help: 'also benchmark your own SQLite database under each profile (copied; the file is never opened), with --queries',
    },
    queries: {
      kind: 'string',
      value: 'FILE',
      help: 'your queries for --db (format: docs/bench.md, "Bring your own database")',
    },
  },
  async run({ values }, { catalog, config: file }) {
    if (values.quick && values.full) throw new UsageError('--quick and --full are exclusive');
    if ((values.db === undefined) !== (values.queries === undefined))
      throw new UsageError('run: --db and --queries go together');
    const byo =
      values.db !== undefined
        ? { db: existingSqliteFile(values.db), queries: existingFile(values.queries!, 'queries file') }
        : undefined;
    const mode: Mode = values.full ? 'full' : 'quick';
    const loaded = file ? configOver(PRESETS[mode], file.data, file.path) : PRESETS[mode];
    const config = values.counted ? { ...loaded, bench: { ...loaded.bench, counted: true } } : loaded;
    checkNames(config, catalog);
    const outDir = values.out ?? defaultOutDir();

    const controller = new AbortController();
    const onSignal = () => {
      process.stderr.write('\ninterrupted: finishing the current step, keeping what was measured\n');
      controller.abort();
    };
    process.once('SIGINT', onSignal);
    let results;
    const progress = streamProgress(process.stderr);
    try {
      results = await runSuite({
        config,
        mode,
        configFile: file?.path ?? null,
        catalog,
        outDir,
        keepData: values['keep-data'] ?? false,
        ...(byo ? { byo } : {}),
        progress,
        signal: controller.signal,
      });
    } finally {
      progress.close?.();
      process.removeListener('SIGINT', onSignal);
    }
    const verdicts = buildLedger(results).map((row) => `${row.claim.id}: ${row.label}`);
    process.stderr.write(`\n${verdicts.join('\n')}\n\nwall time ${results.wallS?.toFixed(0)} s\n`);
    if (values.json) process.stdout.write(JSON.stringify(results) + '\n');
    else process.stdout.write(`${join(outDir, 'results.json')}\n${join(outDir, 'REPORT.md')}\n`);
    const verdict = runVerdict(results);
    if (verdict.failures.length) process.stderr.write(`\n${verdict.failures.map((f) => `failed: ${f}`).join('\n')}\n`);
    return verdict.exitCode;
  },
});
