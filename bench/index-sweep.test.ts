import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { IndexSweepRecord } from '../lib/records/bench.ts';
import { runIndexSweep } from './index-sweep.ts';

const tmp = tempDir('loadlab-sweep-');
afterAll(() => tmp.cleanup());

describe('runIndexSweep (capped sizes, 15 ms per point)', () => {
  let records: IndexSweepRecord[];
  beforeAll(async () => {
    records = await runIndexSweep({ sizes: [500, 5000], insertRows: 500, timeMs: 15, dataDir: tmp.dir });
  });

  it('measures the list query with and without its index at each size, then inserts with 0, 1 and 3 indexes', () => {
    expect(records.map((r) => `${r.kind}:${r.rows}:${r.indexes}:${r.status}`)).toEqual([
      'query:500:0:ok',
      'query:500:1:ok',
      'query:5000:0:ok',
      'query:5000:1:ok',
      'insert:500:0:ok',
      'insert:500:1:ok',
      'insert:500:3:ok',
    ]);
    for (const r of records) expect(IndexSweepRecord.parse(r)).toEqual(r);
  });

  it('records SCAN for the unindexed query and SEARCH for the indexed one', () => {
    const plans = records.filter((r) => r.kind === 'query').map((r) => r.plan);
    expect(plans).toEqual([
      'SCAN campaigns',
      expect.stringContaining('SEARCH campaigns USING INDEX'),
      'SCAN campaigns',
      expect.stringContaining('SEARCH'),
    ]);
  });

  it('rejects sizes outside the cap', async () => {
    await expect(runIndexSweep({ sizes: [10], dataDir: tmp.dir })).rejects.toThrow(/from 100 to/);
  });
});
