import { SQL } from '../../db/store.ts';
import { CONTENT_STATUSES } from '../../db/schema.ts';
import type { Workload } from './types.ts';

/** One row per statement in autocommit: one commit (and its fsyncs) per operation. */
export const insertOne: Workload = {
  name: 'insert-autocommit',
  summary: 'one content row, autocommit',
  writes: true,
  sql: SQL.insertContent,
  params: (rng, { rows }) => [
    rng.int(1, rows.campaigns),
    `Bench title ${rng.int(1, 1e9)}`,
    rng.pick(CONTENT_STATUSES),
    'x'.repeat(rng.int(200, 400)),
  ],
};
