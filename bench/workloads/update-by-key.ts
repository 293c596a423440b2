import { SQL } from '../../fixture-server/db/store.ts';
import { CONTENT_STATUSES } from '../../fixture-server/db/schema.ts';
import type { Workload } from './types.ts';

export const updateByKey: Workload = {
  name: 'update-by-key',
  summary: "one content's status by primary key, autocommit",
  writes: true,
  sql: SQL.updateContentStatus,
  params: (rng, { rows }) => [rng.pick(CONTENT_STATUSES), rng.int(1, rows.contents)],
};
