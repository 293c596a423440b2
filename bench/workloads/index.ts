import { aggregate } from './aggregate.ts';
import { clientJoin } from './client-join.ts';
import { indexedList } from './indexed-list.ts';
import { insertBatch } from './insert-batch.ts';
import { insertOne } from './insert-one.ts';
import { pointRead } from './point-read.ts';
import { statusFilter } from './status-filter.ts';
import { tempSort } from './temp-sort.ts';
import { updateByKey } from './update-by-key.ts';
import type { Workload } from './types.ts';

/** Every operation of the bench, in table order. Adding an operation is adding one file and one entry. */
export const WORKLOADS: Workload[] = [
  pointRead,
  indexedList,
  clientJoin,
  statusFilter,
  aggregate,
  tempSort,
  insertOne,
  insertBatch,
  updateByKey,
];

export function workloadNames(): string[] {
  return WORKLOADS.map((w) => w.name);
}

export function findWorkload(name: string): Workload | undefined {
  return WORKLOADS.find((w) => w.name === name);
}
