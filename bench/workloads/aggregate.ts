import type { Workload } from './types.ts';

/** Count by status: a full scan without idx_contents_status, a covering-index scan with it. */
export const aggregate: Workload = {
  name: 'aggregate',
  summary: 'count of contents by status',
  writes: false,
  sql: 'SELECT status, count(*) AS n FROM contents GROUP BY status',
  params: () => [],
};
