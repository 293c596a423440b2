/**
 * Every measurable claim of the guide, as data. `claimedGain` is the promised effect as a
 * "gain" (> 1 is better whatever the metric's direction): "+30-50 %" is [1.3, 1.5],
 * "P95 850 -> 180 ms" is 850/180, "-35 % file size" is 1/0.65. null means the guide
 * only says "faster". `source` names the benchmark that measures it.
 *
 * WAL is measured twice: the single-connection microbenchmark (per-operation effects in the
 * row) and reads while writes run (the concurrency stage), where its promise lives.
 *
 * Context: the guide recommends synchronous=NORMAL together with WAL (in DELETE mode NORMAL
 * saves little), so that claim is read from tuned with NORMAL switched off (WAL+FULL).
 *
 * Op filters: temp_store only matters to statements that build temp b-trees (temp-sort);
 * "indexes on filtered columns" is about queries that filter, join or group on the
 * indexed columns (indexed-list, join, status-filter, aggregate), not primary-key reads.
 */
export type OpKind = 'read' | 'write' | 'any';

export type ClaimSource =
  /** A PRAGMA switched on alone over untuned (or off alone from tuned), tinybench. */
  | {
      kind: 'ablation';
      pragma: string;
      ops: OpKind;
      /** Only ops whose name matches this (regex source): the ones the claim is about. */
      opMatch?: string;
      /** Which ablation arm states the claim's context (default: switched on in untuned). */
      prefer?: 'enable-on-untuned' | 'disable-on-tuned';
    }
  /** Unindexed vs indexed list query at the largest table size of the index sweep. */
  | { kind: 'index-scan' }
  /** tuned vs untuned on a headline load scenario (autocannon). */
  | { kind: 'load'; scenario: 'read' | 'write' | 'p95'; metric: 'rps' | 'p95' }
  /** Concurrency at the SLO, tuned vs untuned. */
  | { kind: 'capacity' }
  /** File size before/after VACUUM after churn. */
  | { kind: 'vacuum' }
  /** The concurrency stage: tuned as one process vs readers:N (N connections in one process). */
  | { kind: 'pool' }
  /** The concurrency stage: reads of a mixed scenario, untuned vs untuned-wal, readers beside a writer. */
  | { kind: 'reads-while-writing' }
  /** The power-loss stage: crash images of the WAL+NORMAL profiles (tuned, consensus); judged by rule 6, not by a gain. */
  | { kind: 'powerloss' }
  | { kind: 'unmeasurable'; why: string };

export interface Claim {
  id: string;
  /** Where in the guide. */
  section: string;
  /** The claim in the guide's words. */
  text: string;
  claimedGain: { low: number; high: number } | null;
  source: ClaimSource;
}

const range = (low: number, high = low) => ({ low, high });

export const CLAIMS: readonly Claim[] = [
  {
    id: 'wal-reads',
    section: '§2, §3',
    text: 'journal_mode=WAL: reads +30-50 %',
    claimedGain: range(1.3, 1.5),
    source: { kind: 'ablation', pragma: 'wal', ops: 'read' },
  },
  {
    id: 'wal-reads-while-writing',
    section: '§2, §3',
    text: 'journal_mode=WAL: reads +30-50 %, measured while writes run (readers beside a writer)',
    claimedGain: range(1.3, 1.5),
    source: { kind: 'reads-while-writing' },
  },
  {
    id: 'normal-writes',
    section: '§3',
    text: 'synchronous=NORMAL: writes 2-3x',
    claimedGain: range(2, 3),
    source: { kind: 'ablation', pragma: 'normal', ops: 'write', prefer: 'disable-on-tuned' },
  },
  {
    id: 'normal-power-loss',
    section: '§3',
    text: 'synchronous=NORMAL: "safe in most cases" (with WAL), measured as power loss',
    claimedGain: null,
    source: { kind: 'powerloss' },
  },
  {
    id: 'cache-queries',
    section: '§3',
    text: 'cache_size 64 MB: queries +20 %',
    claimedGain: range(1.2),
    source: { kind: 'ablation', pragma: 'cache', ops: 'read' },
  },
  {
    id: 'mmap-reads',
    section: '§3',
    text: 'mmap_size 256 MB: reads +10-20 %',
    claimedGain: range(1.1, 1.2),
    source: { kind: 'ablation', pragma: 'mmap', ops: 'read' },
  },
  {
    id: 'temp-store',
    section: '§3',
    text: 'temp_store=MEMORY: temp tables faster',
    claimedGain: null,
    source: { kind: 'ablation', pragma: 'temp_store', ops: 'any', opMatch: '^temp-sort$' },
  },
  {
    id: 'indexes-queries',
    section: '§2',
    text: 'indexes on filtered columns: queries +50-90 %',
    claimedGain: range(1.5, 1.9),
    source: {
      kind: 'ablation',
      pragma: 'indexes',
      ops: 'read',
      opMatch: '^(indexed-list|join|status-filter|aggregate)$',
    },
  },
  {
    id: 'scan-vs-search',
    section: '§2',
    text: 'SCAN campaigns ~100 ms vs SEARCH … USING INDEX ~5 ms (20x)',
    claimedGain: range(20),
    source: { kind: 'index-scan' },
  },
  {
    id: 'pool-10x',
    section: '§2',
    text: 'connection pool (QueuePool 20+10): 10x concurrent request capacity',
    claimedGain: range(10),
    source: { kind: 'pool' },
  },
  {
    id: 'vacuum-size',
    section: '§8',
    text: 'VACUUM: DB file 100 MB -> 65 MB (-35 %)',
    claimedGain: range(1 / 0.65),
    source: { kind: 'vacuum' },
  },
  {
    id: 'read-qps',
    section: '§8',
    text: 'read QPS 100 -> 250 (+150 %)',
    claimedGain: range(2.5),
    source: { kind: 'load', scenario: 'read', metric: 'rps' },
  },
  {
    id: 'write-qps',
    section: '§8',
    text: 'write QPS 20 -> 40 (+100 %)',
    claimedGain: range(2),
    source: { kind: 'load', scenario: 'write', metric: 'rps' },
  },
  {
    id: 'p95',
    section: '§8',
    text: 'P95 response time 850 ms -> 180 ms (-79 %)',
    claimedGain: range(850 / 180),
    source: { kind: 'load', scenario: 'p95', metric: 'p95' },
  },
  {
    id: 'users',
    section: '§8',
    text: 'concurrent users 50 -> 200 (+300 %)',
    claimedGain: range(4),
    source: { kind: 'capacity' },
  },
];
