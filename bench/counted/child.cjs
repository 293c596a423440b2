'use strict';
/**
 * The process that valgrind and strace watch: opens one database, sets the PRAGMAs it is
 * given, prepares one statement and runs it N times, then writes the read-back PRAGMAs
 * to `resultFile`. Plain CommonJS with no dependency but better-sqlite3, so node starts
 * fast under valgrind. Its job file comes from job.ts; it never prints.
 *
 *   node child.cjs JOB.json N
 *
 * Setup (startup, open, PRAGMAs, prepare, read-back, close) is the same whatever N is, so it
 * cancels when the parent subtracts a run of n operations from a run of 2n.
 */
const fs = require('node:fs');

const job = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const n = Number(process.argv[3]);
if (!Number.isInteger(n) || n < 1) throw new Error(`usage: child.cjs JOB.json N (N >= 1), got N=${process.argv[3]}`);
const Database = require(job.driver || 'better-sqlite3');

const db = new Database(job.database, { fileMustExist: true, timeout: job.timeoutMs });
for (const pragma of job.pragmas) db.pragma(pragma);
const effective = {};
for (const name of job.readback) {
  const value = db.pragma(name, { simple: true });
  effective[name] = typeof value === 'string' ? value.toLowerCase() : value;
}
const sqlite = db.prepare('SELECT sqlite_version() AS v').get().v;

const stmt = db.prepare(job.sql);
const sets = job.paramSets;
let next = 0;
const once = stmt.reader
  ? () => {
      stmt.all(sets[next]);
      next = next + 1 === sets.length ? 0 : next + 1;
    }
  : () => {
      stmt.run(sets[next]);
      next = next + 1 === sets.length ? 0 : next + 1;
    };
let op = once;
if (job.batch > 1) {
  const tx = db.transaction(() => {
    for (let k = 0; k < job.batch; k++) once();
  });
  op = job.writeTransaction === 'immediate' ? () => tx.immediate() : () => tx.deferred();
}
// Calibration only: a known amount of extra work per operation (a fixed integer loop), so
// a calibration can check that the counters see a change of that size. The child runs with
// --no-opt, so the interpreter runs the loop as written (nothing optimizes it away). A
// fractional amount is spread evenly over a precomputed pattern of 100 operations (1.5:
// 3 iterations every 2); that path has a fixed cost of its own (see below).
const extra = job.extraWork || 0;
let sink = 0;
if (Number.isInteger(extra) && extra > 0) {
  const plain = op;
  op = () => {
    plain();
    for (let k = 0; k < extra; k++) sink = (sink * 31 + k) | 0;
  };
} else if (extra > 0) {
  // Measured: this pattern path alone costs about 5 % of a point read under --no-opt.
  const plain = op;
  const pattern = new Int32Array(100);
  for (let i = 0; i < 100; i++) pattern[i] = Math.floor((i + 1) * extra) - Math.floor(i * extra);
  let at = 0;
  op = () => {
    plain();
    const whole = pattern[at];
    at = at === 99 ? 0 : at + 1;
    for (let k = 0; k < whole; k++) sink = (sink * 31 + k) | 0;
  };
}

// Start the operations on an empty young generation (node runs with --expose-gc), so the
// collections that fall inside them do not depend on what startup and setup allocated.
if (typeof global.gc === 'function') global.gc();
for (let i = 0; i < n; i++) op();

db.close();
fs.writeFileSync(job.resultFile, JSON.stringify({ effective, sqlite }));
