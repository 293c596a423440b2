import { insertOne } from './insert-one.ts';
import type { Workload } from './types.ts';

/** 100 rows in one transaction: one commit per 100 rows. One operation = the whole transaction. */
export const insertBatch: Workload = {
  ...insertOne,
  name: 'insert-100-tx',
  summary: '100 content rows in one transaction',
  batch: 100,
};
