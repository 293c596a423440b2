import type { Workload } from './types.ts';

/**
 * A sort no index can serve: up to 20,000 contents ordered by an expression over their
 * bodies. The sorter holds several MiB, more than a 2 MB cache, so it spills to temp
 * storage: a file with temp_store=DEFAULT, memory with temp_store=MEMORY. The outer
 * aggregate keeps the rows inside SQLite, so the timing is the sort, not row transfer.
 */
export const tempSort: Workload = {
  name: 'temp-sort',
  summary: 'sort up to 20k contents by an unindexed expression',
  writes: false,
  sql:
    'SELECT count(*) AS n, min(k) AS first FROM ' +
    '(SELECT substr(body, 5) || title AS k FROM contents WHERE id >= ? ORDER BY k LIMIT 20000)',
  params: (rng, { rows }) => [rng.int(1, Math.max(1, Math.floor(rows.contents / 10)))],
};
