import Database from 'better-sqlite3';
import { closeSync, openSync, statSync, writeSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir, tinyDb } from '../../test-support/temp-db.ts';
import { auditDurability, maxContentId, readDatabaseState, type AckedWrite } from './audit.ts';

const tmp = tempDir('loadlab-durability-audit-');
afterAll(() => tmp.cleanup());

const w = (id: number, token = `t${id}`): AckedWrite => ({ id, token });
const held = (...writes: AckedWrite[]) => new Map(writes.map((x) => [x.id, x.token]));

describe('auditDurability (pure, by id and token)', () => {
  it('passes when every acknowledged write is present with its token and integrity is ok; extra unacknowledged rows are allowed', () => {
    const audit = auditDurability([w(1), w(2), w(3)], { present: held(w(1), w(2), w(3), w(4)), integrity: ['ok'] });
    expect(audit).toEqual({
      acked: 3,
      lost: 0,
      lostIds: [],
      lostWrites: [],
      reused: 0,
      unackedPresent: 1,
      integrity: 'ok',
      ok: true,
    });
  });

  it('fails and names the ids when acknowledged writes are missing', () => {
    const audit = auditDurability(
      [5, 1, 2, 3, 4].map((id) => w(id)),
      { present: held(w(1), w(3)), integrity: ['ok'] },
    );
    expect(audit.ok).toBe(false);
    expect(audit.lost).toBe(3);
    expect(audit.lostIds).toEqual([2, 4, 5]);
    expect(audit.reused).toBe(0);
  });

  it('(1) a lost tail whose ids the next cycle reused is still lost: the ids are there, the tokens are not', () => {
    // Cycle 1 acknowledged ids 11-13; the kill lost 12 and 13; cycle 2's writes got 12-14.
    const acked = [
      w(11, 'c1w0-0'),
      w(12, 'c1w0-1'),
      w(13, 'c1w0-2'),
      w(12, 'c2w0-0'),
      w(13, 'c2w0-1'),
      w(14, 'c2w0-2'),
    ];
    const present = held(w(11, 'c1w0-0'), w(12, 'c2w0-0'), w(13, 'c2w0-1'), w(14, 'c2w0-2'));
    const byIdOnly = new Set(present.keys());
    expect(acked.every((x) => byIdOnly.has(x.id))).toBe(true); // what an id-only audit saw: nothing lost
    const audit = auditDurability(acked, { present, integrity: ['ok'] });
    expect(audit).toMatchObject({ acked: 6, lost: 2, lostIds: [12, 13], reused: 2, unackedPresent: 0, ok: false });
  });

  it('fails on any integrity_check answer other than a single ok', () => {
    const audit = auditDurability([w(1)], {
      present: held(w(1)),
      integrity: ['*** in database main ***', 'Page 7: btreeInitPage() returns error code 11'],
    });
    expect(audit.ok).toBe(false);
    expect(audit.integrity).toMatch(/Page 7/);
    expect(auditDurability([], { present: new Map(), integrity: [] }).ok).toBe(false);
  });
});

describe('the audit on a real database file', () => {
  function writeRows(path: string, n: number, tag = 'w'): AckedWrite[] {
    const db = new Database(path);
    const insert = db.prepare(
      "INSERT INTO contents (campaign_id, title, status, body, created_at) VALUES (1, ?, 'draft', 'b', '2026-01-01 00:00:00')",
    );
    const writes = Array.from({ length: n }, (_, i) => {
      const token = `${tag}-${i}`;
      return { id: Number(insert.run(token).lastInsertRowid), token };
    });
    db.close();
    return writes;
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
    doctor.prepare('DELETE FROM contents WHERE id IN (?, ?, ?)').run(acked[0]!.id, acked[7]!.id, acked[19]!.id);
    doctor.close();
    const audit = auditDurability(acked, readDatabaseState(db, baseline));
    expect(audit.ok).toBe(false);
    expect(audit.lost).toBe(3);
    expect(audit.lostIds).toEqual([acked[0]!.id, acked[7]!.id, acked[19]!.id]);
  });

  it('(1) catches a deleted tail that later writes refilled with the same ids', () => {
    const db = tinyDb(tmp.dir, 'tuned', 0.005, 4);
    const baseline = maxContentId(db);
    const first = writeRows(db, 10, 'c1');
    const doctor = new Database(db);
    doctor.prepare('DELETE FROM contents WHERE id > ?').run(first[6]!.id);
    doctor.close();
    const second = writeRows(db, 5, 'c2');
    expect(second.map((x) => x.id)).toEqual(
      first
        .slice(7)
        .map((x) => x.id)
        .concat([first[9]!.id + 1, first[9]!.id + 2]),
    );
    const audit = auditDurability([...first, ...second], readDatabaseState(db, baseline));
    expect(audit).toMatchObject({ lost: 3, reused: 3, ok: false });
    expect(audit.lostIds).toEqual(first.slice(7).map((x) => x.id));
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
