import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { UsageError } from '../../lib/errors.ts';
import { TOGGLES } from '../../bench/ablation-arms.ts';
import { ABLATION_CONFIDENCE } from '../../bench/ablation-delta.ts';
import { SWEEP_DEFAULTS } from '../../bench/index-sweep.ts';
import { BENCH_DEFAULTS } from '../../bench/options.ts';
import { renderBenchFile } from '../../bench/bench-markdown.ts';
import { runBench, type BenchOptions } from '../../bench/suite.ts';
import { workloadNames } from '../../bench/workloads/index.ts';
import type { BenchFile } from '../../lib/records/bench.ts';
import { createWorkspace } from '../../bench/workspace.ts';
import { measureCounted } from '../../bench/counted/measure-counted.ts';
import { existingFile, existingSqliteFile } from '../../lib/files.ts';
import { streamProgress } from '../../run/progress.ts';
import { exitOnInterrupt } from '../../lib/interrupt.ts';

export const command = defineCommand({
  name: 'bench',
  summary: 'Microbenchmarks with tinybench: each operation under each PRAGMA profile, no HTTP in the way.',
  details: `Sustained ops/s = 1000 / mean latency. Every write runs on its own fresh copy per profile.

examples:
  loadlab bench --scale 0.1 --json-out out/bench.json
  loadlab bench --ablation --ops point-read,insert-autocommit
  loadlab bench --profile tuned --ops point-read --index-sweep
  loadlab bench --db app.sqlite --queries queries.sql`,
  options: {
    profile: {
      ...SHARED.profiles,
      default: BENCH_DEFAULTS.profiles,
      help: `profiles to compare: ${SHARED.profiles.help}; the first is the baseline`,
    },
    config: SHARED.config,
    ops: { kind: 'list', value: 'LIST', defaultText: 'all', help: `operations: ${workloadNames().join(', ')}` },
    scale: { ...SHARED.scale, default: BENCH_DEFAULTS.scale },
    seed: {
      kind: 'number',
      value: 'N',
      default: BENCH_DEFAULTS.seed,
      min: 0,
      integer: true,
      help: 'data seed, also the seed of the read keys',
    },
    time: {
      kind: 'number',
      value: 'MS',
      default: BENCH_DEFAULTS.timeMs,
      min: 10,
      max: 600_000,
      help: 'measured time per operation and profile; warm-up is extra',
    },
    'json-out': { ...SHARED['json-out'], help: 'write the records (validated; rewritten after each stage)' },
    json: { kind: 'boolean', help: 'print the records (the same BenchFile) to stdout instead of the tables' },
    markdown: { kind: 'boolean', help: 'print Markdown tables instead of plain text' },
    ablation: { kind: 'boolean', help: 'also switch one PRAGMA at a time: on in untuned, off in tuned' },
    toggles: {
      kind: 'list',
      value: 'LIST',
      defaultText: 'all',
      help: `ablation toggles, with --ablation: ${TOGGLES.map((t) => t.name).join(', ')}`,
    },
    'ablation-rounds': {
      kind: 'number',
      value: 'N',
      default: BENCH_DEFAULTS.ablationRounds,
      min: 1,
      max: 100,
      integer: true,
      help: `with --ablation: rounds of base, arm, arm, base per arm and operation; fewer than ${BENCH_DEFAULTS.ablationRounds} give no ${ABLATION_CONFIDENCE * 100} % interval`,
    },
    'ablation-task-ms': {
      kind: 'number',
      value: 'MS',
      default: BENCH_DEFAULTS.ablationTaskMs,
      min: 1,
      max: 60_000,
      help: 'with --ablation: time of one task (one side in one round)',
    },
    'index-sweep': {
      kind: 'boolean',
      help: 'also time the indexed vs unindexed list query by table size, and insert cost by index count',
    },
    'sweep-rows': {
      kind: 'numbers',
      value: 'LIST',
      min: 100,
      max: SWEEP_DEFAULTS.maxRows,
      integer: true,
      defaultText: SWEEP_DEFAULTS.sizes.join(','),
      help: 'index-sweep table sizes',
    },
    'sweep-insert-rows': {
      kind: 'number',
      value: 'N',
      min: 100,
      max: SWEEP_DEFAULTS.maxRows,
      integer: true,
      defaultText: String(SWEEP_DEFAULTS.insertRows),
      help: 'table size for the insert side of the index sweep',
    },
    db: { kind: 'string', value: 'FILE', help: 'your own SQLite database (copied; the file itself is never opened)' },
    queries: {
      kind: 'string',
      value: 'FILE',
      help: 'your queries, with --db (format: docs/bench.md, "Bring your own database")',
    },
    'data-dir': {
      kind: 'string',
      value: 'DIR',
      default: BENCH_DEFAULTS.dataDir,
      help: 'where benchmark databases live, on a real disk',
    },
    counted: {
      kind: 'boolean',
      help: 'also count exact cost per operation: instructions (valgrind), fsyncs and bytes (strace), by N vs 2N',
    },
    'inject-work': {
      kind: 'number',
      value: 'N',
      min: 0,
      max: 1_000_000,
      help: 'calibration only, with --counted: N iterations of a fixed loop after every counted operation, on average (1.5 = 3 every 2)',
    },
    quiet: { kind: 'boolean', help: 'no progress on stderr' },
  },
  async run({ values }, { catalog }) {
    const profiles = values.profile.map((n) => catalog.profile(n));
    if ((values.db === undefined) !== (values.queries === undefined))
      throw new UsageError('bench: --db and --queries go together');
    if (values['inject-work'] !== undefined && !values.counted)
      throw new UsageError('bench: --inject-work needs --counted');
    if (values.toggles !== undefined && !values.ablation) throw new UsageError('bench: --toggles needs --ablation');
    if ((values['sweep-rows'] !== undefined || values['sweep-insert-rows'] !== undefined) && !values['index-sweep']) {
      throw new UsageError('bench: --sweep-rows/--sweep-insert-rows need --index-sweep');
    }
    const out = values['json-out'];
    const sweepRows = values['sweep-rows'];
    const insertRows = values['sweep-insert-rows'];
    // A live line on a terminal (task i/n of the stage, elapsed, ETA from the stage's pace), plain lines in CI.
    const sink = values.quiet ? null : streamProgress(process.stderr);
    const stageStarted = new Map<string, number>();
    const progress = sink
      ? ({ stage, message, done, total }: { stage: string; message: string; done?: number; total?: number }) => {
          if (!total) return sink.note(`${stage}: ${message}`);
          const t0 = stageStarted.get(stage) ?? performance.now();
          stageStarted.set(stage, t0);
          const d = done ?? 0;
          const eta = d > 0 ? ((performance.now() - t0) / 1000 / d) * (total - d) : null;
          sink.stageStart(Math.min(d + 1, total), total, `${stage}: ${message}`, eta);
        }
      : undefined;
    const options: BenchOptions = {
      profiles,
      scale: values.scale,
      seed: values.seed,
      timeMs: values.time,
      dataDir: values['data-dir'],
      ...(values.ops !== undefined ? { ops: values.ops } : {}),
      ...(values.ablation ? { ablation: true } : {}),
      ...(values.toggles !== undefined ? { ablationToggles: values.toggles } : {}),
      ablationRounds: values['ablation-rounds'],
      ablationTaskMs: values['ablation-task-ms'],
      ...(values['index-sweep']
        ? {
            indexSweep: true,
            sweep: { ...(sweepRows ? { sizes: sweepRows } : {}), ...(insertRows ? { insertRows } : {}) },
          }
        : {}),
      ...(values.db !== undefined
        ? { byo: { db: existingSqliteFile(values.db), queries: existingFile(values.queries!, 'queries file') } }
        : {}),
      ...(out !== undefined ? { onStage: (file) => writeResults(out, file) } : {}),
      ...(progress ? { onProgress: progress } : {}),
    };
    // The command owns the workspace so Ctrl-C removes the run's databases too.
    const workspace = createWorkspace({ dataDir: options.dataDir!, scale: options.scale!, seed: options.seed! });
    const stopListening = exitOnInterrupt(() => workspace.cleanup(), 'interrupted: benchmark databases removed');
    let file;
    try {
      file = await runBench({ ...options, workspace });
      if (values.counted) {
        file.counted = await measureCounted({
          profiles,
          scale: values.scale,
          seed: values.seed,
          workspace,
          ...(values['inject-work'] ? { injectWork: values['inject-work'] } : {}),
          ...(values.ops !== undefined ? { ops: values.ops } : {}),
          ...(progress
            ? {
                onProgress: (e) =>
                  progress({ stage: 'counted', message: `${e.op} · ${e.profile}`, done: e.done, total: e.total }),
              }
            : {}),
        });
        if (out !== undefined) writeResults(out, file);
      }
    } finally {
      sink?.close?.();
      stopListening();
      workspace.cleanup();
    }
    process.stdout.write(
      values.json ? JSON.stringify(file, null, 2) + '\n' : renderBenchFile(file, values.markdown ? 'markdown' : 'text'),
    );
    const failed = [...file.records, ...file.ablationArms, ...file.indexSweep, ...file.counted].filter(
      (r) => r.status === 'failed',
    ).length;
    if (failed)
      process.stderr.write(`${failed} measurement(s) failed; see the note column and the reasons in the records\n`);
    if (out !== undefined && !values.quiet) process.stderr.write(`wrote ${out}\n`);
    return 0;
  },
});

function writeResults(path: string, file: BenchFile): void {
  try {
    writeJsonAtomic(path, file);
  } catch (err) {
    throw new UsageError(`cannot write --json-out ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
  }
}
