import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createApp } from '../fixture-server/app.ts';
import { openDatabase } from '../db/open.ts';
import { builtinProfile } from '../db/profiles.ts';
import { createSqliteStore } from '../db/store.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';
import { auditFailure, auditWrites, insertTables, inspectDatabase } from './audit.ts';
import type { EndpointCounts } from './engines/autocannon/generator.ts';
import { createRequestStream, builtinScenario } from './scenarios.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const write = builtinScenario('write')!;

const mix = builtinScenario('mix-80-20')!;

const counts = (sent: number, answered: number, ok2xx: number): EndpointCounts => ({ sent, answered, ok2xx });

describe('auditWrites on counts alone (engines without a write log: k6)', () => {
  it('passes when every 2xx write is a new row', () => {
    const a = auditWrites({
      scenario: write,
      byEndpoint: { 'POST /contents': counts(100, 100, 100) },
      before: { contents: 10 },
      after: { contents: 110 },
      integrity: 'ok',
    });
    expect(a).toMatchObject({ acked: 100, rows: 100, lost: 0, phantom: 0, ok: true });
  });

  it('fails and counts lost writes when rows are missing', () => {
    const a = auditWrites({
      scenario: write,
      byEndpoint: { 'POST /contents': counts(100, 100, 100) },
      before: { contents: 10 },
      after: { contents: 107 },
      integrity: 'ok',
    });
    expect(a).toMatchObject({ lost: 3, phantom: 0, ok: false });
    expect(auditFailure(a)).toMatch(/3 acknowledged write\(s\) lost/);
  });

  it('tolerates phantom rows only up to the writes left unanswered', () => {
    const within = auditWrites({
      scenario: write,
      byEndpoint: { 'POST /contents': counts(105, 100, 100) },
      before: { contents: 0 },
      after: { contents: 104 },
      integrity: 'ok',
    });
    expect(within).toMatchObject({ phantom: 4, unanswered: 5, ok: true });
    const beyond = auditWrites({
      scenario: write,
      byEndpoint: { 'POST /contents': counts(100, 100, 100) },
      before: { contents: 0 },
      after: { contents: 102 },
      integrity: 'ok',
    });
    expect(beyond).toMatchObject({ phantom: 2, ok: false });
  });

  it('fails on a bad integrity check even when counts match', () => {
    const a = auditWrites({
      scenario: write,
      byEndpoint: { 'POST /contents': counts(1, 1, 1) },
      before: { contents: 0 },
      after: { contents: 1 },
      integrity: 'row 5 missing from index',
    });
    expect(a.ok).toBe(false);
  });

  it('audits each table of a mix separately (a loss in one is not hidden by extra rows in another)', () => {
    const a = auditWrites({
      scenario: mix,
      byEndpoint: {
        'POST /contents': counts(10, 10, 10),
        'POST /audio-generations': counts(12, 10, 10),
        'PATCH /contents/:id': counts(5, 5, 5),
      },
      before: { contents: 0, audio_generations: 0 },
      after: { contents: 8, audio_generations: 12 },
      integrity: 'ok',
    });
    expect(a.byTable).toEqual({
      contents: { acked: 10, rows: 8, unanswered: 0 },
      audio_generations: { acked: 10, rows: 12, unanswered: 2 },
    });
    expect(a).toMatchObject({ lost: 2, ok: false });
  });
});

describe('audit on a real database', () => {
  it('catches writes deleted behind the server’s back (a deliberately lossy run)', async () => {
    const file = tinyDb(tmp.dir, 'tuned');
    const tables = insertTables(mix);
    const before = inspectDatabase(file, tables, false).counts;
    const opened = openDatabase(file, builtinProfile('tuned'));
    const store = createSqliteStore(opened);
    const app = createApp({ store, profileInfo: {} });
    const byEndpoint: Record<string, EndpointCounts> = {};
    const stream = createRequestStream(mix, 0.005, 9);
    for (let i = 0; i < 400; i++) {
      const r = stream.next();
      const res = await app.request(r.path, { method: r.method, headers: r.headers, body: r.body });
      const c = (byEndpoint[r.endpoint] ??= counts(0, 0, 0));
      c.sent++;
      c.answered++;
      if (res.ok) c.ok2xx++;
    }
    store.close();
    const clean = inspectDatabase(file, tables, true);
    const honest = auditWrites({ scenario: mix, byEndpoint, before, after: clean.counts, integrity: clean.integrity });
    expect(honest.ok).toBe(true);
    expect(honest.acked).toBeGreaterThan(20);

    const db = new Database(file);
    db.prepare(
      'DELETE FROM audio_generations WHERE id IN (SELECT id FROM audio_generations ORDER BY id DESC LIMIT 3)',
    ).run();
    db.close();
    const doctored = inspectDatabase(file, tables, true);
    const lossy = auditWrites({
      scenario: mix,
      byEndpoint,
      before,
      after: doctored.counts,
      integrity: doctored.integrity,
    });
    expect(lossy).toMatchObject({ lost: 3, ok: false });
  });
});
