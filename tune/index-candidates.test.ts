import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { parseExplainQueries } from '../ops/queries-file.ts';
import { tableIndexes } from '../ops/catalog.ts';
import { plainDb } from '../test-support/ops-files.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { createIndexStatement, findIndexCandidates, servedWithout, type IndexCandidate } from './index-candidates.ts';

const tmp = tempDir('loadlab-tune-ix-');
afterAll(() => tmp.cleanup());

describe('candidate indexes from the plans, checked by SQLite', () => {
  const file = plainDb(tmp.dir, { events: 3000 });

  it('a filter on an unindexed column plus a sort proposes (column, sort column), and SQLite takes it', () => {
    const db = new Database(file);
    try {
      const specs = parseExplainQueries(
        `-- @name by-customer
-- @params [7]
SELECT id, kind, at FROM events WHERE customer_id = ? ORDER BY at DESC LIMIT 20;
-- @name by-country
-- @params ["fr"]
SELECT id FROM customers WHERE country = ?;
`,
        'inline',
      );
      const r = findIndexCandidates(db, specs);
      expect(r.candidates).toHaveLength(1);
      const c = r.candidates[0]!;
      expect(c).toMatchObject({ table: 'events', columns: ['customer_id', 'at'] });
      expect(c.sql).toBe('CREATE INDEX "tune_events_customer_id_at" ON "events"("customer_id", "at")');
      expect(c.changes.map((x) => x.query)).toEqual(['by-customer']);
      expect(c.changes[0]!.before.join('\n')).toMatch(/SCAN events/);
      expect(c.changes[0]!.after.join('\n')).toMatch(/SEARCH events USING INDEX tune_events_customer_id_at/);
      // Rolled back: the file has no new index.
      expect(tableIndexes(db, 'events').filter((i) => i.origin === 'c')).toEqual([]);
    } finally {
      db.close();
    }
  });

  it('no proposal for a query an index already serves, or for a table below --min-rows', () => {
    const db = new Database(file);
    try {
      const specs = parseExplainQueries(
        `SELECT id FROM customers WHERE country = ?;
SELECT * FROM events WHERE customer_id = ?;
`,
        'inline',
      );
      expect(findIndexCandidates(db, specs, 5000).candidates).toEqual([]);
      expect(findIndexCandidates(db, specs, 1000).candidates.map((c) => c.columns)).toEqual([['customer_id']]);
    } finally {
      db.close();
    }
  });

  it('a proposal SQLite does not use is rejected, not measured', () => {
    const db = new Database(file);
    try {
      // (kind, payload) is proposed; SQLite would only scan it instead of the table (a covering scan): no gain, rejected.
      const specs = parseExplainQueries(`SELECT id FROM events WHERE kind = 'buy' OR payload > ?;\n`, 'inline');
      const r = findIndexCandidates(db, specs);
      expect(r.candidates).toEqual([]);
      expect(r.rejected).toMatchObject([{ table: 'events', columns: ['kind', 'payload'] }]);
    } finally {
      db.close();
    }
  });

  it('a longer index serves a shorter one only where the plans say so: not for a sort by rowid', () => {
    const db = new Database(file);
    const ix = (columns: string[], query: string): IndexCandidate => {
      const name = `t_${columns.join('_')}`;
      return {
        name,
        table: 'events',
        columns,
        sql: createIndexStatement(name, 'events', columns),
        reasons: [],
        changes: [{ query, before: [], after: [] }],
        requires: [],
      };
    };
    try {
      const specs = parseExplainQueries(
        `-- @name sorted
SELECT id FROM events WHERE customer_id = ? ORDER BY id LIMIT 5;
-- @name plain
SELECT id FROM events WHERE customer_id = ?;
`,
        'inline',
      );
      const longer = ix(['customer_id', 'kind'], 'plain');
      expect(servedWithout(db, specs, [longer], ix(['customer_id'], 'sorted'))).toBe(false);
      expect(servedWithout(db, specs, [longer], ix(['customer_id'], 'plain'))).toBe(true);
      expect(tableIndexes(db, 'events').filter((i) => i.origin === 'c')).toEqual([]);
    } finally {
      db.close();
    }
  });
});
