import { SQL } from '../../db/store.ts';
import type { Workload } from './types.ts';

export const pointRead: Workload = {
  name: 'point-read',
  summary: 'one campaign by primary key',
  writes: false,
  sql: SQL.getCampaign,
  params: (rng, { rows }) => [rng.int(1, rows.campaigns)],
};
