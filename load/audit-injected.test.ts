import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { createApp } from '../fixture-server/app.ts';
import { openDatabase } from '../db/open.ts';
import { builtinProfile } from '../db/profiles.ts';
import { createSqliteStore } from '../db/store.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';
import {
  auditFailure,
  auditWrites,
  checkWrites,
  checkWritesInDatabase,
  insertTables,
  inspectDatabase,
  type RowReader,
} from './audit.ts';
import type { EndpointCounts } from './engines/autocannon/generator.ts';
import { createWriteRecorder, type WriteLog } from './engines/autocannon/write-recorder.ts';
import { createDrawStream, createRequestStream, builtinScenario, type ScenarioDef } from './scenarios.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const write = builtinScenario('write')!;

const mix = builtinScenario('mix-80-20')!;

const counts = (sent: number, answered: number, ok2xx: number): EndpointCounts => ({ sent, answered, ok2xx });

const SCALE = 0.005;
const SEED = 11;
const patchEndpoint = mix.endpoints.find((e) => e.updates)!;
/** Only PATCH /contents/:id, so a few hundred requests patch many rows, some of them several times. */
const patchOnly: ScenarioDef = {
  name: 'patch-only',
  description: 'test',
  endpoints: [{ ...patchEndpoint, weight: 1 }],
};

/**
 * Drives the fixture app through a scenario's request stream the way the generator does:
 * each request numbered in stream order, counted per endpoint, its answer handed to the
 * generator's own write recorder, unless the answer is to be "lost" (the request commits,
 * but the run stops before its answer arrives).
 */
function driver(file: string, scenario: ScenarioDef) {
  const store = createSqliteStore(openDatabase(file, builtinProfile('tuned')));
  const app = createApp({ store, profileInfo: {} });
  const stream = createRequestStream(scenario, SCALE, SEED);
  const recorder = createWriteRecorder(scenario);
  const byEndpoint: Record<string, EndpointCounts> = {};
  /** Request number -> the id its 2xx answer named. */
  const ids = new Map<number, number>();
  let drawn = 0;
  return {
    ids,
    async send(n: number, answered = true): Promise<void> {
      for (let i = 0; i < n; i++) {
        const r = stream.next();
        const seq = drawn++;
        const c = (byEndpoint[r.endpoint] ??= counts(0, 0, 0));
        c.sent++;
        const res = await app.request(r.path, { method: r.method, headers: r.headers, body: r.body });
        const body = await res.text();
        expect(res.ok, body).toBe(true);
        if (!answered) continue;
        c.answered++;
        c.ok2xx++;
        recorder.answered(r.endpoint, seq, res.status, body, drawn);
        const id = (JSON.parse(body) as { id?: number }).id;
        if (id !== undefined && r.method === 'POST') ids.set(seq, id);
      }
    },
    close: () => store.close(),
    result: () => ({ byEndpoint, log: recorder.log(drawn) }),
  };
}

function audit(file: string, scenario: ScenarioDef, before: Record<string, number>, d: ReturnType<typeof driver>) {
  const { byEndpoint, log } = d.result();
  const after = inspectDatabase(file, insertTables(scenario), true);
  const input = { scenario, byEndpoint, before, after: after.counts, integrity: after.integrity };
  return {
    countsOnly: auditWrites(input),
    checked: auditWrites({ ...input, check: checkWritesInDatabase(file, { scenario, scale: SCALE, seed: SEED, log }) }),
  };
}

const sql = (file: string, statement: string, ...params: unknown[]) => {
  const db = new Database(file);
  try {
    return db.prepare(statement).run(...params);
  } finally {
    db.close();
  }
};

describe('the write audit, each acknowledged write by id and token (injected failures)', () => {
  it('passes an honest run and checks every acknowledged write', async () => {
    const file = tinyDb(tmp.dir, 'tuned', SCALE, 101);
    const before = inspectDatabase(file, insertTables(mix), false).counts;
    const d = driver(file, mix);
    await d.send(400);
    await d.send(3, false);
    d.close();
    const { checked } = audit(file, mix, before, d);
    expect(checked).toMatchObject({ ok: true, lost: 0, missing: 0, mismatched: 0 });
    expect(checked.checked).toBeGreaterThan(60);
    expect(checked.checked).toBeGreaterThanOrEqual(checked.acked);
  });

  it('(2) k lost acknowledged rows offset by k unanswered writes that committed: counts pass, the check fails', async () => {
    const file = tinyDb(tmp.dir, 'tuned', SCALE, 102);
    const before = inspectDatabase(file, insertTables(write), false).counts;
    const d = driver(file, write);
    await d.send(100);
    await d.send(4, false); // committed, answers never arrived
    d.close();
    const lostIds = [...d.ids.values()].slice(10, 14);
    sql(file, `DELETE FROM contents WHERE id IN (${lostIds.join(',')})`);
    const { countsOnly, checked } = audit(file, write, before, d);
    expect(countsOnly).toMatchObject({ acked: 100, rows: 100, lost: 0, phantom: 0, ok: true }); // the blind spot
    expect(checked).toMatchObject({ acked: 100, rows: 100, checked: 100, missing: 4, mismatched: 0, lost: 4 });
    expect(checked.ok).toBe(false);
    expect(checked.phantom).toBe(4); // the 4 unanswered rows, allowed
    expect(auditFailure(checked)).toMatch(/4 acknowledged write\(s\) lost \(of 100 checked by id and token: 4 missing/);
    expect(checked.examples![0]).toMatch(new RegExp(`contents id ${lostIds[0]} .*no such row`));
  });

  it('(1) a lost tail whose ids are reused by later writes: counts pass, the check finds the reused ids', async () => {
    const file = tinyDb(tmp.dir, 'tuned', SCALE, 103);
    const before = inspectDatabase(file, insertTables(write), false).counts;
    const d = driver(file, write);
    await d.send(50);
    const tail = [...d.ids.values()].slice(-3);
    // The last 3 acknowledged rows vanish (as a crash before they reached the disk would do) ...
    sql(file, `DELETE FROM contents WHERE id IN (${tail.join(',')})`);
    // ... the next writes get the same ids (contents.id has no AUTOINCREMENT) ...
    await d.send(20);
    expect([...d.ids.values()].slice(50, 53)).toEqual(tail);
    await d.send(3, false); // ... and 3 unanswered writes committed: the counts balance.
    d.close();
    const { countsOnly, checked } = audit(file, write, before, d);
    expect(countsOnly).toMatchObject({ acked: 70, rows: 70, lost: 0, ok: true });
    expect(checked).toMatchObject({ missing: 0, mismatched: 3, lost: 3, ok: false });
    expect(checked.examples![0]).toMatch(
      new RegExp(`contents id ${tail[0]} holds campaign_id|contents id ${tail[0]} holds title`),
    );
  });

  it('(4) a PATCH whose acknowledged value is not what the database holds', async () => {
    const file = tinyDb(tmp.dir, 'tuned', SCALE, 104);
    const d = driver(file, patchOnly);
    await d.send(300);
    d.close();
    const honest = audit(file, patchOnly, {}, d).checked;
    expect(honest).toMatchObject({ ok: true, missing: 0, mismatched: 0 });
    const rowsPatched = honest.checked!;
    expect(rowsPatched).toBeGreaterThan(50);
    expect(rowsPatched).toBeLessThan(300); // some rows were patched several times: only the last value counts

    // The row patched last: its acknowledged status, reverted behind the server's back.
    const draws = createDrawStream(patchOnly, SCALE, SEED);
    let last = { path: '', status: '' };
    for (let i = 0; i < 300; i++) {
      const x = draws.next();
      last = { path: x.path, status: (x.body as { status: string }).status };
    }
    const id = Number(last.path.split('/').pop());
    const other = last.status === 'draft' ? 'published' : 'draft';
    sql(file, 'UPDATE contents SET status = ? WHERE id = ?', other, id);
    const doctored = audit(file, patchOnly, {}, d).checked;
    expect(doctored).toMatchObject({ checked: rowsPatched, missing: 0, mismatched: 1, ok: false });
    expect(doctored.examples![0]).toContain(`contents id ${id} holds status "${other}"`);
  });

  it('fails when the generator logged fewer 2xx answers than it counted (the instrument, not the database)', async () => {
    const file = tinyDb(tmp.dir, 'tuned', SCALE, 105);
    const before = inspectDatabase(file, insertTables(write), false).counts;
    const d = driver(file, write);
    await d.send(20);
    d.close();
    const { byEndpoint, log } = d.result();
    const short: WriteLog = {
      ...log,
      inserts: {
        'POST /contents': {
          seq: log.inserts['POST /contents']!.seq.slice(2),
          id: log.inserts['POST /contents']!.id.slice(2),
          noId: 0,
        },
      },
    };
    const after = inspectDatabase(file, insertTables(write), true);
    const a = auditWrites({
      scenario: write,
      byEndpoint,
      before,
      after: after.counts,
      integrity: after.integrity,
      check: checkWritesInDatabase(file, { scenario: write, scale: SCALE, seed: SEED, log: short }),
    });
    expect(a).toMatchObject({ checked: 18, mismatched: 2, ok: false });
    expect(a.examples![0]).toBe('the generator logged 18 of the 20 2xx answers of POST /contents');
  });
});

describe('item 9: an audit that checked nothing fails', () => {
  it('every write refused (no 2xx): "nothing audited", with and without a write log', async () => {
    const countsOnly = auditWrites({
      scenario: write,
      byEndpoint: { 'POST /contents': counts(100, 100, 0) },
      before: { contents: 10 },
      after: { contents: 10 },
      integrity: 'ok',
    });
    expect(countsOnly).toMatchObject({ acked: 0, lost: 0, ok: false });
    expect(auditFailure(countsOnly)).toMatch(/^audit failed: nothing audited: no write was acknowledged/);
    const file = tinyDb(tmp.dir, 'tuned', SCALE, 106);
    const empty = createWriteRecorder(write).log(0);
    const checked = auditWrites({
      scenario: write,
      byEndpoint: { 'POST /contents': counts(100, 100, 0) },
      before: { contents: 10 },
      after: { contents: 10 },
      integrity: 'ok',
      check: checkWritesInDatabase(file, { scenario: write, scale: SCALE, seed: SEED, log: empty }),
    });
    expect(checked).toMatchObject({ checked: 0, ok: false });
    expect(auditFailure(checked)).toMatch(/nothing audited/);
  });
});

describe('item 10: PATCH answers the log did not record', () => {
  it('are counted and reported; answers the generator received but did not record fail the audit', async () => {
    const file = tinyDb(tmp.dir, 'tuned', SCALE, 107);
    const d = driver(file, patchOnly);
    await d.send(200);
    await d.send(5, false); // in flight when the run stopped: no answer, allowed
    d.close();
    const { byEndpoint, log } = d.result();
    const honest = audit(file, patchOnly, {}, d).checked;
    expect(honest).toMatchObject({ ok: true, unrecordedUpdates: 5 });
    // The recorder dropped 3 answers the generator counted as answered.
    const name = patchEndpoint.name;
    const upd = log.updates[name]!;
    const short: WriteLog = {
      ...log,
      updates: { [name]: { seq: upd.seq.slice(3), drawnAtAnswer: upd.drawnAtAnswer.slice(3), ok: upd.ok.slice(3) } },
    };
    const a = auditWrites({
      scenario: patchOnly,
      byEndpoint,
      before: {},
      after: {},
      integrity: 'ok',
      check: checkWritesInDatabase(file, { scenario: patchOnly, scale: SCALE, seed: SEED, log: short }),
    });
    expect(a.ok).toBe(false);
    expect(a.unrecordedUpdates).toBe(8);
    expect(a.examples![0]).toBe(`the generator recorded 197 of the 200 answers of ${name}`);
  });
});

describe('checkWrites: which PATCH values a row may hold (pure)', () => {
  // Two PATCH requests of one row, with the values the stream drew for them.
  const draws = createDrawStream(patchOnly, SCALE, SEED);
  const first = Array.from({ length: 400 }, (_, seq) => ({ seq, ...draws.next() }));
  const byRow = new Map<string, typeof first>();
  for (const x of first) byRow.set(x.path, [...(byRow.get(x.path) ?? []), x]);
  const [a, b] = [...byRow.values()].find(
    (xs) => xs.length >= 2 && (xs[0]!.body as { status: string }).status !== (xs[1]!.body as { status: string }).status,
  )!;
  const status = (x: typeof a) => (x!.body as { status: string }).status;
  const rowId = Number(a!.path.split('/').pop());
  const drawn = b!.seq + 1;
  const reader = (held: string): RowReader => ({
    row: (_t, id) => (id === rowId ? { status: held } : { status: 'other-row' }),
  });
  const check = (held: string, updates: WriteLog['updates'][string]) => {
    const r = checkWrites({
      scenario: patchOnly,
      scale: SCALE,
      seed: SEED,
      log: { drawn, inserts: {}, updates: { [patchEndpoint.name]: updates } },
      rows: reader(held),
    });
    return { checked: r.checked, mismatched: r.mismatched };
  };

  it('one after the other: only the later acknowledged value', () => {
    // a answered before b was sent (drawn at a's answer = a.seq + 1 <= b.seq).
    const log = { seq: [a!.seq, b!.seq], drawnAtAnswer: [a!.seq + 1, drawn], ok: [1, 1] };
    expect(check(status(b), log)).toEqual({ checked: 1, mismatched: 0 });
    expect(check(status(a), log)).toEqual({ checked: 1, mismatched: 1 });
  });
  it('overlapping (b sent before a was answered): either value, as they may have committed in either order', () => {
    const log = { seq: [b!.seq, a!.seq], drawnAtAnswer: [drawn, drawn], ok: [1, 1] };
    expect(check(status(a), log)).toEqual({ checked: 1, mismatched: 0 });
    expect(check(status(b), log)).toEqual({ checked: 1, mismatched: 0 });
  });
  it('a later PATCH never answered may have committed; one answered with an error did not', () => {
    expect(check(status(b), { seq: [a!.seq], drawnAtAnswer: [a!.seq + 1], ok: [1] })).toEqual({
      checked: 1,
      mismatched: 0,
    });
    expect(check(status(b), { seq: [a!.seq, b!.seq], drawnAtAnswer: [a!.seq + 1, drawn], ok: [1, 0] })).toEqual({
      checked: 1,
      mismatched: 1,
    });
  });
});
