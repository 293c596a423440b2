import { SQL } from '../../db/store.ts';
import { CONTENT_STATUSES } from '../../db/schema.ts';
import type { Workload } from './types.ts';

export const statusFilter: Workload = {
  name: 'status-filter',
  summary: 'newest 50 contents with one status',
  writes: false,
  sql: SQL.listContentsByStatus,
  params: (rng) => [rng.pick(CONTENT_STATUSES), 50],
};
