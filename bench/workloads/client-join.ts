import { SQL } from '../../db/store.ts';
import type { Workload } from './types.ts';

/** The guide's join: contents of a client's campaigns, newest first. */
export const clientJoin: Workload = {
  name: 'join',
  summary: "contents of a client's campaigns, newest 50",
  writes: false,
  sql: SQL.listClientContents,
  params: (rng, { rows }) => [rng.int(1, rows.clients), 50],
};
