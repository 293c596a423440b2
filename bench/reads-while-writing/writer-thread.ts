/**
 * The writer of the reads-while-writing benchmark: its own connection, opened with the
 * profile, inserting one row per autocommit transaction as fast as it can until the main
 * thread raises the stop flag (shared memory: the loop never yields to receive a message).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../db/open.ts';
import type { Profile } from '../../db/profiles.ts';
import { createSqliteStore } from '../../db/store.ts';

const { db, profile, stop, campaigns } = workerData as {
  db: string;
  profile: Profile;
  stop: SharedArrayBuffer;
  campaigns: number;
};
const flag = new Int32Array(stop);
const store = createSqliteStore(openDatabase(db, profile));
parentPort!.postMessage({ ready: true });

let writes = 0;
let busy = 0;
let errors = 0;
let lastError = '';
while (Atomics.load(flag, 0) === 0) {
  try {
    store.createContent({
      campaign_id: 1 + (writes % campaigns),
      title: `concurrent write ${writes}`,
      body: 'written while another connection reads',
      status: 'draft',
    });
    writes++;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && /^SQLITE_(BUSY|LOCKED)/.test(code)) busy++;
    else {
      errors++;
      lastError = (err as Error).message;
    }
  }
}
store.close();
parentPort!.postMessage({ writes, busy, errors, lastError });
