/** What `loadlab tune` measured, as data: TUNE.md and the config fragment are rendered from it. */
import type { IndexCandidate } from './index-candidates.ts';
import type { Rung } from './halving.ts';
import type { TieBreak } from './counted.ts';
import type { ServiceResult } from './service.ts';
import type { ContentionResult } from './contention.ts';
import type { Comparison } from './paired.ts';
import type { Dimension, Durability, Settings } from './space.ts';

export interface IndexResult {
  candidate: IndexCandidate;
  /** The queries whose plan it changes, without it (base) and with it (arm), under your settings. */
  reads?: Comparison;
  adopted: boolean;
  why: string;
  /** Single-row inserts into its table under the winner's settings, without it and with it. */
  insertCost?: { comparison: Comparison } | { error: string };
}

export interface Decision {
  dimension: Dimension;
  leader: Settings;
  current: Settings;
  /**
   * adopted: faster beyond the band on a query and slower on none; adopted by count: the
   * timing could not tell them apart and the exact counters (--counted) show fewer on a query
   * and more on none; required: your value does not meet the durability asked for; the
   * others keep your value.
   */
  verdict:
    | 'adopted'
    | 'adopted by count'
    | 'required'
    | 'within the noise'
    | 'not shown'
    | 'slower'
    | 'trade-off'
    | 'not measured';
  adopted: boolean;
  /** Base: the leader with your value; arm: the leader. */
  comparison?: Comparison;
  /** The counted tie-break (--counted), when the timing said within the noise or not shown. Same base and arm. */
  counted?: TieBreak;
}

export interface TuneRecord {
  kind: 'tune';
  version: 1;
  date: string;
  db: { path: string; sha256Before: string; sha256After: string; unchanged: boolean };
  queries: { name: string; sql: string; writes: boolean; paramSets: number }[];
  durability: Durability;
  budgetS: number;
  /** Whether exact counters broke ties (--counted). */
  counted: boolean;
  elapsedS: number;
  /** What `new Database(file)` gives with no PRAGMAs of the application's own. */
  current: Settings;
  tuned: Settings;
  /** The guide's indexes that apply to this database (the `tuned` reference has them). */
  tunedIndexes: string[];
  plans: { query: string; plan: string[]; findings: string[] }[];
  rejectedIndexes: { name: string; table: string; columns: string[]; reason: string }[];
  indexes: IndexResult[];
  halving: {
    /** Configurations searched: every combination, or one setting at a time when the budget is too small. */
    configurations: number;
    /** Combinations the durability allows. */
    combinations: number;
    rungs: Rung[];
    failed: { key: string; error: string }[];
    cutShort: boolean;
    leader: string | null;
  };
  decisions: Decision[];
  winner: Settings;
  adoptedIndexes: string[];
  /** Base: your settings without new indexes; arm: the winner with its indexes. */
  vsCurrent: Comparison;
  /** Base: the guide's tuned PRAGMAs and its applicable indexes; arm: the winner. */
  vsTuned: Comparison;
  /** busy_timeout where writes contend: several connections writing at once under the winner (when a query writes). */
  contention?: ContentionResult;
  /** The winner against yours through your own service under load (--serve). */
  service?: ServiceResult;
}
