import Database from 'better-sqlite3';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, tinyDb } from '../../test-support/temp-db.ts';
import { auditDurability, maxContentId, readDatabaseState } from './audit.ts';

const tmp = tempDir('loadlab-durability-audit-');
afterAll(() => tmp.cleanup());

describe('auditDurability (pure)', () => {
  it('passes when every acknowledged id is present and integrity is ok; extra unacknowledged rows are allowed', () => {
    const audit = auditDurability([1, 2, 3], { present: new Set([1, 2, 3, 4]), integrity: ['ok'] });
    expect(audit).toEqual({ acked: 3, lost: 0, lostIds: [], unackedPresent: 1, integrity: 'ok', ok: true });
  });

  it('fails and names the ids when acknowledged writes are missing', () => {
    const audit = auditDurability([5, 1, 2, 3, 4], { present: new Set([1, 3]), integrity: ['ok'] });
    expect(audit.ok).toBe(false);
    expect(audit.lost).toBe(3);
    expect(audit.lostIds).toEqual([2, 4, 5]);
  });

  it('fails on any integrity_check answer other than a single ok', () => {
    const audit = auditDurability([1], {
      present: new Set([1]),
      integrity: ['*** in database main ***', 'Page 7: btreeInitPage() returns error code 11'],
    });
    expect(audit.ok).toBe(false);
    expect(audit.integrity).toMatch(/Page 7/);
    expect(auditDurability([], { present: new Set(), integrity: [] }).ok).toBe(false);
  });
});

describe('the audit on a real database file', () => {
  function writeRows(path: string, n: number): number[] {
    const db = new Database(path);
    const insert = db.prepare(
      "INSERT INTO contents (campaign_id, title, status, body, created_at) VALUES (1, 't', 'draft', 'b', '2026-01-01 00:00:00')",
    );
    const ids = Array.from({ length: n }, () => Number(insert.run().lastInsertRowid));
    db.close();
    return ids;
  }

  it('finds nothing lost in an intact file', () => {
    const db = tinyDb(tmp.dir, 'tuned', 0.005, 1);
    const baseline = maxContentId(db);
    const acked = writeRows(db, 20);
    expect(auditDurability(acked, readDatabaseState(db, baseline))).toMatchObject({
      acked: 20,
      lost: 0,
      integrity: 'ok',
      ok: true,
    });
  });

  it('catches acknowledged writes deleted from a doctored database', () => {
    const db = tinyDb(tmp.dir, 'untuned', 0.005, 2);
    const baseline = maxContentId(db);
    const acked = writeRows(db, 20);
    const doctor = new Database(db);
    doctor.prepare('DELETE FROM contents WHERE id IN (?, ?, ?)').run(acked[0], acked[7], acked[19]);
    doctor.close();
    const audit = auditDurability(acked, readDatabaseState(db, baseline));
    expect(audit.ok).toBe(false);
    expect(audit.lost).toBe(3);
    expect(audit.lostIds).toEqual([acked[0], acked[7], acked[19]]);
  });

  it('reports a corrupted file as an integrity failure, not a crash', () => {
    const db = tinyDb(tmp.dir, 'untuned', 0.005, 3);
    const baseline = maxContentId(db);
    const acked = writeRows(db, 5);
    const size = statSync(db).size;
    const fd = openSync(db, 'r+');
    writeSync(fd, Buffer.alloc(8192, 0xa5), 0, 8192, Math.floor(size / 2 / 4096) * 4096);
    closeSync(fd);
    const audit = auditDurability(acked, readDatabaseState(db, baseline));
    expect(audit.ok).toBe(false);
    expect(audit.integrity).not.toBe('ok');
  });
});
