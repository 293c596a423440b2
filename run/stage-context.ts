import type { RunResults } from '../lib/records/run.ts';
import type { RunConfig } from '../lib/records/run-config.ts';
import type { ProgressSink } from './progress.ts';
import type { Catalog } from '../catalog/catalog.ts';
import type { CatalogSpec } from '../lib/records/catalog-spec.ts';

/** Outcome of one stage body: ok, or skipped with a reason. Throwing makes it 'failed'. */
export type StageOutcome = { status: 'ok' } | { status: 'skipped'; reason: string };
export const OK: StageOutcome = { status: 'ok' };

/** What every stage of `loadlab run` works with: the config, the one results object and how to save it. */
export interface StageContext {
  c: RunConfig;
  /** The run's results, filled in place; `save()` validates a copy and writes it atomically. */
  r: RunResults;
  save: () => void;
  progress: ProgressSink;
  /** From the run's options: the user's own database and queries (--db, --queries), and Ctrl-C. */
  opts: { byo?: { db: string; queries: string }; signal?: AbortSignal };
  /** OUT/data (or the given data directory): seeded databases and per-trial copies. */
  dataDir: string;
  /** What every load-runner call shares: scale, seed, its data directory, the server's extra flags. */
  common: { scale: number; seed: number; dataDir: string; serveArgs?: string[]; catalogSpec: CatalogSpec };
  /** The catalog the run's names (config profiles and scenarios) are looked up in. */
  catalog: Catalog;
  serveArgs: string[];
  hooks: { signal?: AbortSignal };
  /** The load scenarios of this run (the config's, or all). */
  scenarios: string[];
  /** The k6 binary, or null when not installed. */
  k6: ReturnType<typeof import('../lib/environment.ts').findK6>;
}
