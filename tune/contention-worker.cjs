'use strict';
/**
 * One connection of tune's contention check (tune/contention.ts), in a worker thread: opens
 * the file with the PRAGMAs and busy timeout it is given, then runs its statements in turn
 * (each call the next parameter set) until the deadline, counting what succeeded, what
 * SQLite refused as busy, and any other error, with each call's time. Plain CommonJS with no
 * dependency but better-sqlite3, so a worker starts without the TypeScript loader.
 */
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);

const db = new Database(workerData.file, { fileMustExist: true, timeout: workerData.busyTimeoutMs });
for (const p of workerData.pragmas) db.pragma(p);
const ops = workerData.statements.map((s) => {
  const stmt = db.prepare(s.sql);
  let next = 0;
  const run = stmt.reader ? (p) => stmt.all(p) : (p) => stmt.run(p);
  return () => {
    const p = s.params[next];
    next = next + 1 === s.params.length ? 0 : next + 1;
    run(p);
  };
});
// Every worker starts at the same moment, so the connections contend from the first call:
// ready, then blocked (no CPU) until the parent opens the gate for all.
const gate = new Int32Array(workerData.gate);
parentPort.postMessage({ ready: true });
Atomics.wait(gate, 0, 0);
const deadline = Date.now() + workerData.durationMs;
let ok = 0;
let busy = 0;
let other = 0;
let firstError = null;
const times = [];
let k = 0;
while (Date.now() < deadline && ok + busy + other < workerData.maxCalls) {
  const t = process.hrtime.bigint();
  try {
    ops[k]();
    ok++;
  } catch (err) {
    if (String(err && err.code).startsWith('SQLITE_BUSY')) busy++;
    else {
      other++;
      if (!firstError) firstError = String((err && err.message) || err);
    }
  }
  times.push(Number(process.hrtime.bigint() - t) / 1e6);
  k = k + 1 === ops.length ? 0 : k + 1;
}
db.close();
parentPort.postMessage({ ok, busy, other, firstError, times });
