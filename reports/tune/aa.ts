/**
 * The tune A/A: `loadlab tune` twice on one database with one budget, then whether the two
 * runs agree (tune/agreement.ts). Keeps both runs and the agreement under OUT.
 *
 *   node --import tsx reports/tune/aa.ts DB QUERIES OUT [BUDGET] [DURABILITY] [-- TUNE FLAGS…]
 *
 * A measurement: run it on an otherwise idle machine.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeJsonAtomic } from '../../lib/atomic-write.ts';
import { tuneAgreement } from '../../tune/agreement.ts';
import type { TuneRecord } from '../../tune/record.ts';

const argv = process.argv.slice(2);
const dashes = argv.indexOf('--');
const extra = dashes === -1 ? [] : argv.slice(dashes + 1);
const [db, queries, out, budget = '60s', durability = 'normal'] = dashes === -1 ? argv : argv.slice(0, dashes);
if (!db || !queries || !out) {
  process.stderr.write('usage: reports/tune/aa.ts DB QUERIES OUT [BUDGET] [DURABILITY]\n');
  process.exit(2);
}
const BIN = resolve(import.meta.dirname, '../../bin/loadlab.js');
const runs: TuneRecord[] = [];
for (const label of ['a', 'b']) {
  const dir = join(out, label);
  const t0 = performance.now();
  execFileSync(
    process.execPath,
    [BIN, 'tune', db, '--queries', queries, '--budget', budget, '--durability', durability, '--out', dir, ...extra],
    {
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  process.stderr.write(`run ${label}: ${((performance.now() - t0) / 1000).toFixed(1)} s wall\n`);
  runs.push(JSON.parse(readFileSync(join(dir, 'tune.json'), 'utf8')) as TuneRecord);
}
const agreement = tuneAgreement(runs[0]!, runs[1]!);
writeJsonAtomic(join(out, 'agreement.json'), agreement);
process.stdout.write(JSON.stringify(agreement, null, 2) + '\n');
