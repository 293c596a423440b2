/**
 * The counted tie-break checked on a known answer: A/A (identical settings on both sides)
 * several times, which must find no difference, and an injected one (synchronous NORMAL
 * against FULL in WAL: one fsync less per commit), which must say "cheaper" and name it.
 * On a small WAL database made here (20,000 rows), queries: a point read, a count, an insert.
 *
 *   node --import tsx reports/tune/tiebreak-check.ts OUT [A/A RUNS]
 *
 * A measurement: run it on an otherwise idle machine. Writes OUT/tiebreak-check.json.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { findCountingTools } from '../../bench/counted/tools.ts';
import { parseQueriesFile } from '../../db/queries-file.ts';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { ensureDir } from '../../lib/ensure-dir.ts';
import { countTieBreak, type TieBreak } from '../../tune/counted.ts';
import type { Settings } from '../../tune/space.ts';

const [out, runsText = '3'] = process.argv.slice(2);
if (!out) {
  process.stderr.write('usage: reports/tune/tiebreak-check.ts OUT [A/A RUNS]\n');
  process.exit(2);
}
const WAL_FULL: Settings = {
  journal_mode: 'wal',
  synchronous: 2,
  cache_size: -2000,
  mmap_size: 0,
  temp_store: 0,
  page_size: 4096,
};
const queries = parseQueriesFile(`-- @name point
-- @params [5]
-- @params [900]
SELECT * FROM t WHERE id = ?;
-- @name count-a
-- @params [7]
SELECT count(*) FROM t WHERE a = ?;
-- @name insert
-- @params [3, "abc"]
-- @params [4, "def"]
INSERT INTO t (a, b) VALUES (?, ?);
`);
const calls = new Map([
  ['point', 0.01],
  ['count-a', 1.5],
  ['insert', 0.3],
]);
ensureDir('.tmp');
const dir = mkdtempSync(join('.tmp', 'tiebreak-check-'));
const tools = findCountingTools();
const runs: { name: string; arm: Settings; wallS: number; result: TieBreak }[] = [];
try {
  const file = join(dir, 'db.sqlite');
  const db = new Database(file);
  db.pragma('journal_mode = wal');
  db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)');
  const ins = db.prepare('INSERT INTO t (a, b) VALUES (?, ?)');
  db.transaction(() => {
    for (let i = 0; i < 20_000; i++) ins.run(i % 100, 'x'.repeat(50));
  })();
  db.close();
  const cases: [string, Settings][] = [
    ...Array.from({ length: Number(runsText) }, (_, i): [string, Settings] => [`A/A ${i + 1}`, WAL_FULL]),
    ['injected: synchronous NORMAL', { ...WAL_FULL, synchronous: 1 }],
  ];
  for (const [name, arm] of cases) {
    const t0 = performance.now();
    // Budget enough for instructions too (valgrind), so both kinds of counter are checked.
    const result = await countTieBreak({
      base: { settings: WAL_FULL, file },
      arm: { settings: arm, file },
      queries,
      calls,
      tools,
      dir,
      budgetS: 300,
    });
    const wallS = (performance.now() - t0) / 1000;
    runs.push({ name, arm, wallS, result });
    const qs = result.queries.map(
      (q) => `${q.query} ${q.verdict}${q.differences.length ? ` (${q.differences.join('; ')})` : ''}`,
    );
    process.stderr.write(
      `${name}: ${result.verdict} [${result.counted.join('+')}] ${qs.join(', ')} · ${wallS.toFixed(1)} s\n`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
ensureDir(out);
const summary = {
  date: new Date().toISOString(),
  tools: { valgrind: tools.valgrind?.version ?? null, strace: tools.strace?.version ?? null },
  aa: runs.filter((r) => r.name.startsWith('A/A')).map((r) => ({ name: r.name, verdict: r.result.verdict })),
  injected: runs.filter((r) => !r.name.startsWith('A/A')).map((r) => ({ name: r.name, verdict: r.result.verdict })),
  runs,
};
writeJsonAtomic(join(out, 'tiebreak-check.json'), summary);
process.stdout.write(JSON.stringify({ aa: summary.aa, injected: summary.injected }, null, 2) + '\n');
