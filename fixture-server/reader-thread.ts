/**
 * A reader thread of `serve --topology readers:N`: its own connection to the database, opened
 * with the profile, answering read requests from the main thread. Reads only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../db/open.ts';
import type { Profile } from '../db/profiles.ts';
import { createSqliteStore } from '../db/store.ts';
import type { ReadOp, ReadReply, ReadRequest } from './readers.ts';

// The profile itself, as data (structured clone), not a name to look up.
const { db, profile } = workerData as { db: string; profile: Profile };
const store = createSqliteStore(openDatabase(db, profile));

const OPS: Record<ReadOp, (...args: never[]) => unknown> = {
  getCampaign: (id: number) => store.getCampaign(id) ?? null,
  clientCampaigns: (clientId: number, limit: number, status: string | undefined) =>
    store.clientExists(clientId) ? store.listClientCampaigns(clientId, limit, status) : null,
  clientContents: (clientId: number, limit: number) =>
    store.clientExists(clientId) ? store.listClientContents(clientId, limit) : null,
  listContents: (limit: number, status: string | undefined) => store.listContents(limit, status),
  listAudioByTask: (taskId: string, limit: number) => store.listAudioByTask(taskId, limit),
};

parentPort!.on('message', (req: ReadRequest) => {
  const t0 = performance.now();
  let reply: ReadReply;
  try {
    const fn = OPS[req.op] as (...args: unknown[]) => unknown;
    reply = { id: req.id, result: fn(...req.args), dbMs: performance.now() - t0 };
  } catch (err) {
    const e = err as { message?: string; code?: unknown };
    reply = {
      id: req.id,
      error: { message: String(e.message ?? err), ...(typeof e.code === 'string' ? { code: e.code } : {}) },
      dbMs: performance.now() - t0,
    };
  }
  parentPort!.postMessage(reply);
});
parentPort!.postMessage({ ready: true });
