import { CONTENT_STATUSES } from '../../db/schema.ts';
import type { Workload } from './types.ts';

/**
 * One content row by primary key, autocommit. Not the server's status-only UPDATE: SQLite
 * skips writing a page whose bytes do not change, so setting a status the row already has
 * (one draw in five) would commit nothing and flatter the rate. A fresh title makes every
 * update a real write.
 */
export const updateByKey: Workload = {
  name: 'update-by-key',
  summary: "one content's status and title by primary key, autocommit",
  writes: true,
  sql: 'UPDATE contents SET status = ?, title = ? WHERE id = ?',
  params: (rng, { rows }) => [rng.pick(CONTENT_STATUSES), `Edited ${rng.int(1, 1e9)}`, rng.int(1, rows.contents)],
};
