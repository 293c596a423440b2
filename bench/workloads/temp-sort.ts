import type { Workload } from './types.ts';

/** Rows one sort handles (fewer when the table is smaller). */
const WINDOW = 20_000;

/**
 * A sort no index can serve: a window of up to 20,000 contents ordered by an expression
 * over their bodies. The sorter holds several MiB, more than a 2 MB cache, so it spills
 * to temp storage: a file with temp_store=DEFAULT, memory with temp_store=MEMORY. The
 * LIMIT keeps SQLite from dropping the subquery's ORDER BY; the outer aggregate keeps the
 * rows inside SQLite, so the timing is the sort, not row transfer to JavaScript.
 */
export const tempSort: Workload = {
  name: 'temp-sort',
  summary: 'sort up to 20k contents by an unindexed expression',
  writes: false,
  sql:
    'SELECT count(*) AS n, min(k) AS first FROM ' +
    `(SELECT substr(body, 5) || title AS k FROM contents WHERE id BETWEEN ? AND ? ORDER BY k LIMIT ${WINDOW})`,
  params: (rng, { rows }) => {
    const start = rng.int(1, Math.max(1, rows.contents - WINDOW + 1));
    return [start, start + WINDOW - 1];
  },
};
