/** The bench's public API, for the CLI and the `run` orchestrator. Measuring functions return records and never print. */
export { runBench, type BenchOptions } from './suite.ts';
export { runProfileBench, type ProfileBenchOptions } from './profiles-bench.ts';
export { runAblation, type AblationOptions, type AblationResult } from './ablation.ts';
export { runIndexSweep, SWEEP_DEFAULTS, type IndexSweepOptions } from './index-sweep.ts';
export { runQueriesBench, databaseChecksum, type QueriesBenchOptions, type QueriesBenchResult } from './queries.ts';
export { parseQueriesFile, readQueriesFile, type Query } from '../db/queries-file.ts';
export { BENCH_DEFAULTS, type CommonBenchOptions } from './options.ts';
export type { BenchProgress, ProgressFn } from './driver.ts';
export {
  renderBenchFile,
  renderBenchTable,
  renderAblationTable,
  renderIndexSweepTable,
  renderPlans,
  renderContext,
} from './bench-markdown.ts';
export type { TableFormat } from '../lib/table.ts';
