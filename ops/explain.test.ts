import { afterAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { SQL } from '../db/store.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { explainQueries } from './explain.ts';
import { inlineQuery, parseExplainQueries, readExplainQueries } from './queries-file.ts';
import { fileChecksum, plainDb } from '../test-support/ops-files.ts';

const tmp = tempDir('loadlab-explain-');
afterAll(() => tmp.cleanup());
const FIXTURE_QUERIES = fileURLToPath(new URL('./fixture-queries.sql', import.meta.url));

describe('explainQueries on a database built with plain SQL', () => {
  const file = plainDb(tmp.dir, { journalMode: 'wal', events: 1200 });

  it('flags a full scan of a table above --min-rows and a temp b-tree, through an alias', () => {
    const before = fileChecksum(file);
    const report = explainQueries(
      file,
      [inlineQuery('SELECT * FROM events e WHERE e.customer_id = ? ORDER BY e.at DESC', [3])],
      { minRows: 1000 },
    );
    expect(fileChecksum(file)).toBe(before);
    const findings = report.queries[0]!.findings;
    expect(findings.find((f) => f.kind === 'scan')).toMatchObject({ table: 'events', rows: 1200, gating: true });
    expect(findings.some((f) => f.kind === 'temp-btree')).toBe(true);
    expect(report.gatingScans).toBe(1);
  });

  it('does not gate scans of small tables, searches, or scans marked allow-scan', () => {
    const specs = parseExplainQueries(
      `SELECT * FROM customers WHERE email = ?;
-- @params ["fr"]
SELECT * FROM customers WHERE country = ?;
-- allow-scan: a nightly report reads everything
SELECT count(*) FROM events;
SELECT * FROM events WHERE id = ?;
`,
      'inline',
    );
    const report = explainQueries(file, specs, { minRows: 1000 });
    expect(report.gatingScans).toBe(0);
    expect(report.queries[2]!.allowScan).toBe('a nightly report reads everything');
    expect(report.queries[2]!.findings[0]).toMatchObject({ kind: 'scan', table: 'events', gating: false });
  });

  it('binds parameters instead of pasting them into the SQL', () => {
    const hostile = "x'; DROP TABLE events; --";
    const report = explainQueries(file, [inlineQuery('SELECT * FROM customers WHERE email = ?', [hostile])]);
    expect(report.queries[0]!.plan[0]!.detail).toMatch(/SEARCH customers USING INDEX/);
    expect(explainQueries(file, [inlineQuery('SELECT count(*) FROM events')]).queries[0]!.findings[0]!.rows).toBe(1200);
  });

  it('an unknown table is a UsageError naming the query', () => {
    expect(() => explainQueries(file, [inlineQuery('SELECT * FROM nope')])).toThrow(
      /--sql \(line 1\): no such table: nope/,
    );
  });
});

describe('ops/fixture-queries.sql', () => {
  it("holds the fixture server's statements verbatim", () => {
    const specs = readExplainQueries(FIXTURE_QUERIES);
    const known = new Set(Object.values(SQL));
    for (const spec of specs) expect(known.has(spec.sql as never), spec.name).toBe(true);
    expect(specs.length).toBeGreaterThanOrEqual(8);
    expect(readFileSync(FIXTURE_QUERIES, 'utf8')).toContain('-- allow-scan:');
  });
});
