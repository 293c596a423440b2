import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { maintainDatabase } from './maintain.ts';
import { plainDb } from '../test-support/ops-files.ts';

const tmp = tempDir('loadlab-maintain-');
afterAll(() => tmp.cleanup());

function deleteHalf(file: string, autoVacuum?: number) {
  const db = new Database(file);
  if (autoVacuum !== undefined) db.exec(`PRAGMA auto_vacuum = ${autoVacuum}; VACUUM;`);
  db.exec('DELETE FROM events WHERE id <= (SELECT max(id) / 2 FROM events)');
  db.close();
}

describe('maintainDatabase', () => {
  it.each(['delete', 'wal'] as const)(
    '--vacuum after deleting half the rows (%s): predicted and actual reclaim within a few percent',
    (journalMode) => {
      const file = plainDb(tmp.dir, { journalMode, name: `half-${journalMode}.db`, events: 8000 });
      deleteHalf(file);
      const r = maintainDatabase(file, { vacuum: true });
      const space = r.steps[0]!.space!;
      expect(r.steps[0]).toMatchObject({ step: 'vacuum', status: 'ok' });
      expect(space.predictedBytes).toBeGreaterThan(100 * 4096);
      expect(Math.abs(space.actualBytes - space.predictedBytes) / space.predictedBytes).toBeLessThan(0.05);
      expect(space.freelistAfter).toBe(0);
      expect(r.fileBytesAfter).toBe(space.fileBytesAfter);
    },
  );

  it('--incremental-vacuum N frees N pages when auto_vacuum is incremental, and is skipped otherwise', () => {
    const file = plainDb(tmp.dir, { name: 'incr.db', events: 4000 });
    deleteHalf(file, 2);
    const r = maintainDatabase(file, { incrementalVacuumPages: 10 });
    expect(r.steps[0]).toMatchObject({ step: 'incremental-vacuum', status: 'ok' });
    expect(r.steps[0]!.space!.freelistBefore - r.steps[0]!.space!.freelistAfter).toBe(10);
    expect(r.steps[0]!.space!.actualBytes).toBe(10 * r.steps[0]!.space!.pageSize);
    expect(r.steps[0]!.space!.predictedBytes).toBe(r.steps[0]!.space!.actualBytes);

    const none = plainDb(tmp.dir, { name: 'incr-none.db', events: 100 });
    expect(maintainDatabase(none, { incrementalVacuumPages: 0 }).steps[0]).toMatchObject({
      status: 'skipped',
      message: expect.stringMatching(/auto_vacuum is none/),
    });
  });

  it('runs the steps in a fixed order, each timed; checkpoint truncates the WAL', () => {
    const file = plainDb(tmp.dir, { journalMode: 'wal', name: 'all.db', events: 500 });
    const writer = new Database(file);
    writer.exec(
      'INSERT INTO events (customer_id, kind, payload, at) SELECT customer_id, kind, payload, at FROM events',
    );
    const r = maintainDatabase(file, { checkpoint: true, analyze: true, optimize: true });
    writer.close();
    expect(r.steps.map((s) => s.step)).toEqual(['optimize', 'analyze', 'checkpoint']);
    expect(r.steps.every((s) => s.status === 'ok' && s.ms >= 0)).toBe(true);
    expect(r.walBytesAfter).toBe(0);
  });
});
