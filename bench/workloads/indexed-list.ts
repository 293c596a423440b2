import { SQL } from '../../db/store.ts';
import type { Workload } from './types.ts';

/** The guide's indexed list: a client's campaigns (idx_campaigns_client in tuned profiles). */
export const indexedList: Workload = {
  name: 'indexed-list',
  summary: "a client's campaigns, 50 by id",
  writes: false,
  sql: SQL.listClientCampaigns,
  params: (rng, { rows }) => [rng.int(1, rows.clients), 50],
};
