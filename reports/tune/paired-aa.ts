/**
 * A/A of tune's paired comparison: the same configuration against itself (yours, as the file
 * opens), N times, on one database and its queries, each comparison with the budget tune's
 * decisions get. Counts the verdicts: any "faster" or "slower" is a false one (each comparison
 * asks its intervals at the family confidence, so at most 5 % of comparisons in each direction
 * should have one), and how often the ±5 % band holds the whole interval ("within the noise").
 *
 *   node --import tsx reports/tune/paired-aa.ts DB QUERIES OUT [N] [BUDGET_S]
 *
 * A measurement: run it on an otherwise idle machine. Writes OUT/paired-aa.json.
 */
import Database from 'better-sqlite3';
import { createWorkspace } from '../../bench/workspace.ts';
import { readQueriesFile } from '../../db/queries-file.ts';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { ensureDir } from '../../lib/ensure-dir.ts';
import { createArms, type Arm } from '../../tune/arms.ts';
import { writingQueries } from '../../tune/database.ts';
import { createVariants } from '../../tune/files.ts';
import { TUNE_BAND, type Comparison } from '../../tune/paired.ts';
import { readSettings } from '../../tune/side.ts';
import { join } from 'node:path';

const [db, queriesFile, out, nText = '20', budgetText = '4'] = process.argv.slice(2);
if (!db || !queriesFile || !out) {
  process.stderr.write('usage: reports/tune/paired-aa.ts DB QUERIES OUT [N] [BUDGET_S]\n');
  process.exit(2);
}
const n = Number(nText);
const budgetS = Number(budgetText);
const queries = readQueriesFile(queriesFile);
const workspace = createWorkspace({ dataDir: '.tmp/tune-paired-aa', scale: 1, seed: 0 });
const comparisons: Comparison[] = [];
const t0 = performance.now();
try {
  const source = workspace.copy(db, 'source');
  const inspect = new Database(source, { fileMustExist: true });
  const current = readSettings(inspect);
  const writes = writingQueries(inspect, queries);
  inspect.close();
  const variants = createVariants(workspace, source);
  const now = () => performance.now();
  const { probe, compare } = createArms({ variants, writes, queries, now, leftS: () => Infinity });
  const yours: Arm = { s: current, ix: [], label: 'yours' };
  const calls = await probe(yours);
  for (let i = 0; i < n; i++) {
    const c = await compare(yours, { ...yours, label: 'yours again' }, queries, budgetS, calls);
    if (!c) throw new Error(`a comparison of ${budgetS} s cannot pay for its rounds`);
    comparisons.push(c);
    const v = c.gains.map((g) => `${g.query} ${g.verdict}`).join(', ');
    process.stderr.write(`${i + 1}/${n}: ${v}\n`);
  }
} finally {
  workspace.cleanup();
}
const gains = comparisons.flatMap((c) => c.gains);
const count = (v: string) => gains.filter((g) => g.verdict === v).length;
const falseComparisons = comparisons.filter((c) =>
  c.gains.some((g) => g.verdict === 'faster' || g.verdict === 'slower'),
).length;
const widths = gains.filter((g) => g.low !== null && g.high !== null).map((g) => g.high! / g.low!);
widths.sort((a, b) => a - b);
const summary = {
  db,
  queries: queriesFile,
  comparisons: n,
  budgetS,
  band: TUNE_BAND,
  verdicts: {
    faster: count('faster'),
    slower: count('slower'),
    withinTheNoise: count('within the noise'),
    notShown: count('not shown'),
    notJudged: count('not judged'),
  },
  /** Comparisons with any false "faster" or "slower" (the family's error): at most 10 % expected (5 % per direction). */
  comparisonsWithAFalseVerdict: falseComparisons,
  /** Interval width as high/low, median and largest, over every query of every comparison. */
  intervalWidth: { median: widths[Math.floor(widths.length / 2)] ?? null, max: widths.at(-1) ?? null },
  rounds: [...new Set(gains.map((g) => g.rounds))],
  confidence: comparisons[0]?.confidence ?? null,
  wallS: (performance.now() - t0) / 1000,
  date: new Date().toISOString(),
  comparisonsDetail: comparisons,
};
ensureDir(out);
writeJsonAtomic(join(out, 'paired-aa.json'), summary);
const { comparisonsDetail: _, ...short } = summary;
process.stdout.write(JSON.stringify(short, null, 2) + '\n');
