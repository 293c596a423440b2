import Database from 'better-sqlite3';
import type { Audit } from '../lib/records/load.ts';
import type { EndpointCounts } from './engines/autocannon/generator.ts';
import type { WriteLog } from './engines/autocannon/write-recorder.ts';
import { createDrawStream, type ScenarioDef } from './scenarios.ts';

/** The tables a scenario inserts into, with row counts. */
export type TableCounts = Record<string, number>;

export function insertTables(scenario: ScenarioDef): string[] {
  return [...new Set(scenario.endpoints.flatMap((e) => (e.inserts ? [e.inserts] : [])))];
}

/** Counts rows of `tables` and runs PRAGMA integrity_check (when asked) on a database file. */
export function inspectDatabase(
  file: string,
  tables: string[],
  integrity: boolean,
): { counts: TableCounts; integrity: string } {
  const db = new Database(file, { fileMustExist: true });
  try {
    const counts: TableCounts = {};
    for (const t of tables) {
      if (!/^[a-z_]+$/.test(t)) throw new Error(`bad table name '${t}'`);
      counts[t] = (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    }
    const result = integrity
      ? (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check).join('; ')
      : 'not checked';
    return { counts, integrity: result };
  } finally {
    db.close();
  }
}

/** Reads the rows the write check looks at. */
export interface RowReader {
  /** The named columns of the row with this id, or undefined when there is none. */
  row(table: string, id: number, columns: readonly string[]): Record<string, unknown> | undefined;
}

/** Every acknowledged write checked one by one against the database (checkWrites). */
export interface WriteCheck {
  /** Acknowledged inserts checked by id and token, plus rows checked for their last acknowledged update. */
  checked: number;
  /** Acknowledged inserts (or updated rows) whose id holds no row. */
  missing: number;
  /**
   * Acknowledged inserts whose id holds another write's row (a reused id), 2xx inserts the log
   * cannot name a row for, and updated rows holding a value no acknowledged (or possibly
   * committed) update explains.
   */
  mismatched: number;
  /** Per table, the acknowledged inserts found with their token: the new rows they account for. */
  verified: Record<string, number>;
  /** Acknowledged inserts the log holds, per endpoint (compared with the generator's 2xx counts). */
  logged: Record<string, number>;
  /** Answers to updates the log holds, per endpoint (compared with the generator's answered counts). */
  loggedUpdates: Record<string, number>;
  /** Updates sent whose answer the log does not hold: taken as possibly committed, at any time. */
  unrecordedUpdates: number;
  /** The first few failures, in words. */
  examples: string[];
}

export interface CheckWritesInput {
  scenario: ScenarioDef;
  /** The generator's scale and seed: the audit replays the same request stream. */
  scale: number;
  seed: number;
  log: WriteLog;
  rows: RowReader;
  maxExamples?: number;
}

/** A value for a failure message: strings quoted and cut at 40 characters. */
const shown = (v: unknown): string =>
  typeof v === 'string' ? JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v) : String(v);

interface PatchedRow {
  table: string;
  column: string;
  id: number;
  /** 2xx updates: request number, requests drawn when the answer arrived, value sent. */
  acked: { seq: number; at: number; value: unknown }[];
  /** Values of updates never answered: they may have committed, at any time. */
  unanswered: Set<unknown>;
}

/**
 * Checks every write of the log against the database. A request is named by its number in
 * the scenario's stream, which this replays (same scenario, scale, seed) to learn what it sent.
 *
 * - An acknowledged insert passes when the row with the id the server answered holds the
 *   request's token fields; a missing row is `missing`, another write's row `mismatched`.
 * - A row patched with acknowledgement must hold the value of the last acknowledged update.
 *   Updates of one row whose lifetimes overlapped may have committed in either order, and an
 *   update never answered may have committed at any time, so their values are accepted too:
 *   an acknowledged update A can be the last one committed unless another acknowledged
 *   update of the row was sent after A's answer arrived.
 */
export function checkWrites(input: CheckWritesInput): WriteCheck {
  const { scenario, log, rows } = input;
  const maxExamples = input.maxExamples ?? 5;
  const out: WriteCheck = {
    checked: 0,
    missing: 0,
    mismatched: 0,
    verified: {},
    logged: {},
    loggedUpdates: {},
    unrecordedUpdates: 0,
    examples: [],
  };
  const fail = (kind: 'missing' | 'mismatched', text: string, count = 1) => {
    out[kind] += count;
    if (out.examples.length < maxExamples) out.examples.push(text);
  };
  const drawn = Math.max(0, Math.floor(log.drawn));
  const endpointIndex = new Map(scenario.endpoints.map((e, i) => [e.name, i + 1]));

  // Request number -> the id its 2xx answer named (0: none) and the endpoint it was logged under.
  const idBySeq = new Float64Array(drawn);
  const endpointBySeq = new Uint8Array(drawn);
  for (const [name, ins] of Object.entries(log.inserts)) {
    out.logged[name] = ins.seq.length + ins.noId;
    if (ins.noId > 0) fail('mismatched', `${ins.noId} 2xx answer(s) of ${name} without an id`, ins.noId);
    const e = endpointIndex.get(name) ?? 0;
    for (let i = 0; i < ins.seq.length; i++) {
      const seq = ins.seq[i]!;
      if (!(seq >= 0 && seq < drawn) || idBySeq[seq] !== 0) {
        fail('mismatched', `the log names request #${seq} twice or beyond the ${drawn} drawn`);
        continue;
      }
      idBySeq[seq] = ins.id[i]!;
      endpointBySeq[seq] = e;
    }
  }
  const answerBySeq = new Map<number, { at: number; ok: boolean; endpoint: string }>();
  for (const [name, upd] of Object.entries(log.updates)) {
    out.loggedUpdates[name] = upd.seq.length;
    for (let i = 0; i < upd.seq.length; i++)
      answerBySeq.set(upd.seq[i]!, { at: upd.drawnAtAnswer[i]!, ok: upd.ok[i] === 1, endpoint: name });
  }

  const patched = new Map<string, PatchedRow>();
  const draws = createDrawStream(scenario, input.scale, input.seed);
  for (let seq = 0; seq < drawn; seq++) {
    const { endpoint: e, path, body } = draws.next();
    const fields = (body ?? {}) as Record<string, unknown>;
    if (e.inserts && e.token) {
      const id = idBySeq[seq]!;
      if (id === 0) continue;
      out.checked++;
      if (endpointBySeq[seq] !== endpointIndex.get(e.name)) {
        fail('mismatched', `request #${seq} is ${e.name} in the replayed stream, not what the log says`);
        continue;
      }
      const row = rows.row(e.inserts, id, e.token);
      if (!row) {
        fail('missing', `${e.inserts} id ${id} (request #${seq}, ${e.name}, acknowledged): no such row`);
        continue;
      }
      const differs = e.token.find((f) => row[f] !== fields[f]);
      if (differs === undefined) out.verified[e.inserts] = (out.verified[e.inserts] ?? 0) + 1;
      else
        fail(
          'mismatched',
          `${e.inserts} id ${id} holds ${differs} ${shown(row[differs])}, but request #${seq} (${e.name}, acknowledged with that id) sent ${shown(fields[differs])}`,
        );
    } else if (e.updates) {
      const answer = answerBySeq.get(seq);
      if (answer && answer.endpoint !== e.name) {
        fail('mismatched', `request #${seq} is ${e.name} in the replayed stream, not what the log says`);
        continue;
      }
      // A refused update (4xx, 5xx) rolled back: the server answers 2xx only after COMMIT.
      if (answer && !answer.ok) continue;
      const id = Number(path.slice(path.lastIndexOf('/') + 1));
      const key = `${e.updates.table}:${id}`;
      let row = patched.get(key);
      if (!row) {
        row = { table: e.updates.table, column: e.updates.column, id, acked: [], unanswered: new Set() };
        patched.set(key, row);
      }
      const value = fields[e.updates.column];
      if (answer) row.acked.push({ seq, at: answer.at, value });
      else {
        row.unanswered.add(value);
        out.unrecordedUpdates++;
      }
    }
  }

  for (const row of patched.values()) {
    if (row.acked.length === 0) continue;
    const lastSent = Math.max(...row.acked.map((a) => a.seq));
    const last = row.acked.filter((a) => a.at > lastSent);
    const allowed = new Set<unknown>([...last.map((a) => a.value), ...row.unanswered]);
    out.checked++;
    const held = rows.row(row.table, row.id, [row.column]);
    const lastText = last.map((a) => `${shown(a.value)} (request #${a.seq})`).join(' or ');
    if (!held) fail('missing', `${row.table} id ${row.id} (patched, acknowledged): no such row`);
    else if (!allowed.has(held[row.column]))
      fail(
        'mismatched',
        `${row.table} id ${row.id} holds ${row.column} ${shown(held[row.column])}, but the last acknowledged PATCH set ${lastText}${row.unanswered.size ? ` (unanswered ones: ${[...row.unanswered].map(shown).join(', ')})` : ''}`,
      );
  }
  return out;
}

const NAME = /^[a-z_]+$/;

/** A RowReader over a better-sqlite3 connection: one prepared statement per table and columns. */
export function sqliteRowReader(db: Database.Database): RowReader {
  const statements = new Map<string, Database.Statement>();
  return {
    row(table, id, columns) {
      const key = `${table}:${columns.join(',')}`;
      let stmt = statements.get(key);
      if (!stmt) {
        if (!NAME.test(table) || !columns.every((c) => NAME.test(c)))
          throw new Error(`bad table or column in '${key}'`);
        stmt = db.prepare(`SELECT ${columns.join(', ')} FROM ${table} WHERE id = ?`);
        statements.set(key, stmt);
      }
      return stmt.get(id) as Record<string, unknown> | undefined;
    },
  };
}

/** A RowReader over rows already read (by table, then id): PostgreSQL's audit snapshot. */
export function mapRowReader(rows: ReadonlyMap<string, ReadonlyMap<number, Record<string, unknown>>>): RowReader {
  return {
    row(table, id, columns) {
      const r = rows.get(table)?.get(id);
      if (!r) return undefined;
      return Object.fromEntries(columns.map((c) => [c, r[c]]));
    },
  };
}

/** checkWrites on a database file, after the server stopped. */
export function checkWritesInDatabase(file: string, input: Omit<CheckWritesInput, 'rows'>): WriteCheck {
  const db = new Database(file, { fileMustExist: true });
  try {
    return checkWrites({ ...input, rows: sqliteRowReader(db) });
  } finally {
    db.close();
  }
}

export interface AuditInput {
  scenario: ScenarioDef;
  /** Per endpoint counts from the generator (whole run, warm-up included). */
  byEndpoint: Record<string, EndpointCounts>;
  before: TableCounts;
  after: TableCounts;
  integrity: string;
  /** Every acknowledged write checked one by one, when the engine logged them (autocannon; k6 does not). */
  check?: WriteCheck;
}

/**
 * With a write check: every acknowledged insert must be found by its id holding its token,
 * every patched row must hold its last acknowledged value (`missing`, `mismatched`), and
 * the new rows no acknowledged insert accounts for (`phantom`) must not outnumber the writes
 * left unanswered (in flight when the run stopped, or timed out: they may have committed).
 * Without one (k6) only counts can be compared: every 2xx insert must be a new row (else
 * `lost`), and phantom rows, up to the unanswered writes, are allowed. Counts alone let k
 * lost rows hide behind k unanswered writes that committed; the check does not.
 */
export function auditWrites(input: AuditInput): Audit {
  const { check } = input;
  const byTable: NonNullable<Audit['byTable']> = {};
  const unlogged: string[] = [];
  let unloggedCount = 0;
  for (const table of insertTables(input.scenario)) {
    let acked = 0;
    let unanswered = 0;
    for (const e of input.scenario.endpoints) {
      if (e.inserts !== table) continue;
      const c = input.byEndpoint[e.name] ?? { sent: 0, answered: 0, ok2xx: 0 };
      acked += c.ok2xx;
      unanswered += Math.max(0, c.sent - c.answered);
      const logged = check?.logged[e.name] ?? 0;
      if (check && logged !== c.ok2xx) {
        unlogged.push(`the generator logged ${logged} of the ${c.ok2xx} 2xx answers of ${e.name}`);
        unloggedCount += Math.abs(c.ok2xx - logged);
      }
    }
    byTable[table] = { acked, rows: (input.after[table] ?? 0) - (input.before[table] ?? 0), unanswered };
  }
  // Every update the generator says was answered must be in the log, or its row goes unchecked.
  for (const e of input.scenario.endpoints) {
    if (!check || !e.updates) continue;
    const c = input.byEndpoint[e.name] ?? { sent: 0, answered: 0, ok2xx: 0 };
    const logged = check.loggedUpdates[e.name] ?? 0;
    if (logged !== c.answered) {
      unlogged.push(`the generator recorded ${logged} of the ${c.answered} answers of ${e.name}`);
      unloggedCount += Math.abs(c.answered - logged);
    }
  }
  let acked = 0;
  let rows = 0;
  let lost = 0;
  let phantom = 0;
  let unanswered = 0;
  let phantomBeyondUnanswered = false;
  for (const [table, t] of Object.entries(byTable)) {
    acked += t.acked;
    rows += t.rows;
    unanswered += t.unanswered;
    lost += Math.max(0, t.acked - t.rows);
    const extra = Math.max(0, t.rows - (check ? (check.verified[table] ?? 0) : t.acked));
    phantom += extra;
    if (extra > t.unanswered) phantomBeyondUnanswered = true;
  }
  const base = { acked, rows, phantom, integrity: input.integrity, unanswered, byTable };
  if (!check) {
    // Nothing acknowledged, nothing compared: an audit that checked nothing fails.
    const ok = acked > 0 && lost === 0 && !phantomBeyondUnanswered && input.integrity === 'ok';
    return { ...base, lost, ok };
  }
  // A log short of the 2xx count means writes went unchecked: the instrument failed, so the audit does.
  const mismatched = check.mismatched + unloggedCount;
  const examples = [...unlogged, ...check.examples].slice(0, Math.max(5, unlogged.length));
  lost = Math.max(lost, check.missing + check.mismatched);
  const ok =
    check.checked > 0 &&
    check.missing === 0 &&
    mismatched === 0 &&
    lost === 0 &&
    !phantomBeyondUnanswered &&
    input.integrity === 'ok';
  return {
    ...base,
    lost,
    ok,
    checked: check.checked,
    missing: check.missing,
    mismatched,
    unrecordedUpdates: check.unrecordedUpdates,
    ...(examples.length ? { examples } : {}),
  };
}

/** One line saying why an audit failed. */
export function auditFailure(a: Audit): string {
  const parts: string[] = [];
  if ((a.checked ?? a.acked) === 0)
    parts.push(
      a.acked === 0
        ? `nothing audited: no write was acknowledged (${a.unanswered ?? 0} unanswered), so none could be checked`
        : `nothing audited: ${a.acked} write(s) acknowledged, none in the write log to check`,
    );
  if (a.lost > 0 || (a.missing ?? 0) > 0 || (a.mismatched ?? 0) > 0) {
    const detail =
      a.checked === undefined
        ? ''
        : ` (of ${a.checked} checked by id and token: ${a.missing ?? 0} missing, ${a.mismatched ?? 0} mismatched)`;
    parts.push(`${a.lost} acknowledged write(s) lost${detail}`);
  }
  if (a.phantom > (a.unanswered ?? 0))
    parts.push(`${a.phantom} phantom row(s), only ${a.unanswered ?? 0} unanswered write(s) could explain them`);
  if (a.integrity !== 'ok') parts.push(`integrity_check: ${a.integrity.slice(0, 200)}`);
  if (a.examples?.length) parts.push(`e.g. ${a.examples.slice(0, 2).join('; ')}`);
  return `audit failed: ${parts.join('; ') || 'unknown'}`;
}
