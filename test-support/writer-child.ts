/**
 * Test helper run as a separate process: writes pairs of rows (one in pairs_a, one in
 * pairs_b, same transaction) until stopped, so a consistent snapshot always holds as many
 * rows in each table. Bounded: stops by itself after `maxMs` or a million pairs.
 * `pauseMs` between 20 ms bursts gives readers of a rollback-journal database a gap to
 * take their lock (a tight loop of commits starves them; WAL readers need no gap).
 * Usage: node --import tsx test-support/writer-child.ts DB [maxMs] [pauseMs]
 */
import Database from 'better-sqlite3';

const [file, maxMsArg, pauseMsArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: writer-child.ts DB [maxMs] [pauseMs]\n');
  process.exit(2);
}
const maxMs = Number(maxMsArg ?? 20_000);
const pauseMs = Number(pauseMsArg ?? 0);
const maxRows = 1_000_000;
const db = new Database(file, { fileMustExist: true, timeout: 10_000 });
db.exec(
  'CREATE TABLE IF NOT EXISTS pairs_a (id INTEGER PRIMARY KEY, v TEXT NOT NULL); CREATE TABLE IF NOT EXISTS pairs_b (id INTEGER PRIMARY KEY, v TEXT NOT NULL);',
);
const a = db.prepare('INSERT INTO pairs_a (v) VALUES (?)');
const b = db.prepare('INSERT INTO pairs_b (v) VALUES (?)');
const pair = db.transaction((v: string) => {
  a.run(v);
  b.run(v);
});
let stop = false;
process.on('SIGTERM', () => {
  stop = true;
});
const t0 = Date.now();
let rows = 0;
const payload = 'p'.repeat(200);
function batch(): void {
  // Short synchronous bursts, then yield so SIGTERM is seen.
  const end = Date.now() + 20;
  while (Date.now() < end && rows < maxRows) {
    pair(payload);
    rows++;
    if (rows === 1) process.stdout.write('ready\n');
  }
  if (stop || rows >= maxRows || Date.now() - t0 > maxMs) {
    db.close();
    process.stdout.write(`rows ${rows}\n`);
    process.exit(0);
  }
  if (pauseMs > 0) setTimeout(batch, pauseMs);
  else setImmediate(batch);
}
batch();
