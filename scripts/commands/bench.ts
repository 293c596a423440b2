import { defineCommand, listFlag, numberFlag } from '../../lib/cli-kit.ts';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { UsageError } from '../../lib/errors.ts';
import { TOGGLES } from '../../bench/ablation-arms.ts';
import { SWEEP_DEFAULTS } from '../../bench/index-sweep.ts';
import { BENCH_DEFAULTS } from '../../bench/options.ts';
import { renderBenchFile } from '../../bench/bench-markdown.ts';
import { runBench, type BenchOptions } from '../../bench/suite.ts';
import { workloadNames } from '../../bench/workloads/index.ts';
import type { BenchFile } from '../../lib/records/bench.ts';
import { createWorkspace } from '../../bench/workspace.ts';
import { existingFile, existingSqliteFile } from '../../lib/files.ts';

export const command = defineCommand({
  name: 'bench',
  summary: 'Microbenchmarks with tinybench: each operation under each PRAGMA profile, no HTTP in the way.',
  usage: 'loadlab bench [--profiles LIST] [--ops LIST] [--scale F] [--time MS] [--json FILE] [--ablation] [--index-sweep] [--db FILE --queries FILE]',
  details: `options:
  --profiles LIST      profiles to compare; the first is the baseline (default ${BENCH_DEFAULTS.profiles.join(',')})
  --ops LIST           operations (default all: ${workloadNames().join(', ')})
  --scale F            data scale of the seeded databases (default ${BENCH_DEFAULTS.scale}; 1 = 20,000 campaigns, 200,000 contents)
  --seed N             data seed, also the seed of the read keys (default ${BENCH_DEFAULTS.seed})
  --time MS            measured time per operation and profile (default ${BENCH_DEFAULTS.timeMs}); warm-up is extra
  --json FILE          write the records (validated; rewritten after each stage)
  --markdown           print Markdown tables instead of plain text
  --ablation           also switch one PRAGMA at a time: on in untuned, off in tuned
  --toggles LIST       ablation toggles (default all: ${TOGGLES.map((t) => t.name).join(', ')})
  --index-sweep        also time the indexed vs unindexed list query by table size, and insert cost by index count
  --sweep-rows LIST    index-sweep table sizes (default ${SWEEP_DEFAULTS.sizes.join(',')})
  --sweep-insert-rows N  table size for the insert side (default ${SWEEP_DEFAULTS.insertRows})
  --db FILE            your own SQLite database (copied; the file itself is never opened)
  --queries FILE       your queries, with --db (format: README, "Bring your own database")
  --data-dir DIR       where benchmark databases live, on a real disk (default ${BENCH_DEFAULTS.dataDir})
  --quiet              no progress on stderr

Sustained ops/s = 1000 / mean latency. Every write runs on its own fresh copy per profile.

examples:
  loadlab bench --scale 0.1 --json out/bench.json
  loadlab bench --ablation --ops point-read,insert-autocommit
  loadlab bench --profiles tuned --ops point-read --index-sweep
  loadlab bench --db app.sqlite --queries queries.sql`,
  options: {
    profiles: { type: 'string' },
    ops: { type: 'string' },
    scale: { type: 'string' },
    seed: { type: 'string' },
    time: { type: 'string' },
    json: { type: 'string' },
    markdown: { type: 'boolean' },
    ablation: { type: 'boolean' },
    toggles: { type: 'string' },
    'index-sweep': { type: 'boolean' },
    'sweep-rows': { type: 'string' },
    'sweep-insert-rows': { type: 'string' },
    db: { type: 'string' },
    queries: { type: 'string' },
    'data-dir': { type: 'string' },
    quiet: { type: 'boolean' },
  },
  async run({ values }) {
    if ((values.db === undefined) !== (values.queries === undefined)) throw new UsageError('bench: --db and --queries go together');
    if (values.toggles !== undefined && !values.ablation) throw new UsageError('bench: --toggles needs --ablation');
    if ((values['sweep-rows'] !== undefined || values['sweep-insert-rows'] !== undefined) && !values['index-sweep']) {
      throw new UsageError('bench: --sweep-rows/--sweep-insert-rows need --index-sweep');
    }
    const sweepRows = values['sweep-rows'] === undefined ? undefined : listFlag('sweep-rows', values['sweep-rows'], []).map((s) => numberFlag('sweep-rows', s, 0, { integer: true, min: 100, max: SWEEP_DEFAULTS.maxRows }));
    const insertRows = values['sweep-insert-rows'] === undefined ? undefined : numberFlag('sweep-insert-rows', values['sweep-insert-rows'], 0, { integer: true, min: 100, max: SWEEP_DEFAULTS.maxRows });
    const progress = values.quiet
      ? undefined
      : ({ stage, message, done, total }: { stage: string; message: string; done?: number; total?: number }) =>
          process.stderr.write(`[${stage}${total ? ` ${(done ?? 0) + 1}/${total}` : ''}] ${message}\n`);
    const options: BenchOptions = {
      profiles: listFlag('profiles', values.profiles, [...BENCH_DEFAULTS.profiles]),
      scale: numberFlag('scale', values.scale, BENCH_DEFAULTS.scale, { min: 0.0001, max: 100 }),
      seed: numberFlag('seed', values.seed, BENCH_DEFAULTS.seed, { min: 0, integer: true }),
      timeMs: numberFlag('time', values.time, BENCH_DEFAULTS.timeMs, { min: 10, max: 600_000 }),
      dataDir: values['data-dir'] ?? BENCH_DEFAULTS.dataDir,
      ...(values.ops !== undefined ? { ops: listFlag('ops', values.ops, []) } : {}),
      ...(values.ablation ? { ablation: true } : {}),
      ...(values.toggles !== undefined ? { ablationToggles: listFlag('toggles', values.toggles, []) } : {}),
      ...(values['index-sweep'] ? { indexSweep: true, sweep: { ...(sweepRows ? { sizes: sweepRows } : {}), ...(insertRows ? { insertRows } : {}) } } : {}),
      ...(values.db !== undefined ? { byo: { db: existingSqliteFile(values.db), queries: existingFile(values.queries!, 'queries file') } } : {}),
      ...(values.json !== undefined ? { onStage: (file) => writeResults(values.json!, file) } : {}),
      ...(progress ? { onProgress: progress } : {}),
    };
    // The command owns the workspace so Ctrl-C removes the run's databases too.
    const workspace = createWorkspace({ dataDir: options.dataDir!, scale: options.scale!, seed: options.seed! });
    const onSignal = () => {
      workspace.cleanup();
      process.stderr.write('interrupted: benchmark databases removed\n');
      process.exit(130);
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    let file;
    try {
      file = await runBench({ ...options, workspace });
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      workspace.cleanup();
    }
    process.stdout.write(renderBenchFile(file, values.markdown ? 'markdown' : 'text'));
    const failed = [...file.records, ...file.ablationArms, ...file.indexSweep].filter((r) => r.status === 'failed').length;
    if (failed) process.stderr.write(`${failed} measurement(s) failed; see the note column and the reasons in the records\n`);
    if (values.json !== undefined && !values.quiet) process.stderr.write(`wrote ${values.json}\n`);
    return 0;
  },
});

function writeResults(path: string, file: BenchFile): void {
  try {
    writeJsonAtomic(path, file);
  } catch (err) {
    throw new UsageError(`cannot write --json ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
