/**
 * The write evidence the generator keeps for the audit (load/audit.ts): every acknowledged
 * insert's id and every update's answer, by request number. Pure.
 */
import type { ScenarioDef } from '../../scenarios.ts';

/**
 * What the write audit needs to check every acknowledged write one by one (load/audit.ts).
 * A request is named by its number in the scenario's request stream (from 0, in the order
 * drawn, which is the order sent): the audit replays the stream to learn what it carried.
 */
export interface WriteLog {
  /** Requests drawn from the stream over the whole run (warm-up included). */
  drawn: number;
  /** Per inserting endpoint, every 2xx answer: the request's number and the id the server answered (parallel arrays). */
  inserts: Record<string, { seq: number[]; id: number[]; /** 2xx answers without a readable id. */ noId: number }>;
  /**
   * Per updating endpoint, every answer in arrival order: the request's number, how many
   * requests had been drawn when the answer arrived, and 1 for 2xx, 0 otherwise (parallel arrays).
   */
  updates: Record<string, { seq: number[]; drawnAtAnswer: number[]; ok: number[] }>;
}

const ANSWERED_ID = /"id":([0-9]{1,16})[,}]/;

/** The id in a write's answer (`{"id":123}`), or undefined. */
export function answeredId(body: string): number | undefined {
  const m = ANSWERED_ID.exec(body);
  if (!m) return undefined;
  const id = Number(m[1]);
  return Number.isSafeInteger(id) && id > 0 ? id : undefined;
}

export interface WriteRecorder {
  /** Called for every answer: keeps the writes (an array push per 2xx insert), ignores the rest. */
  answered(endpoint: string | undefined, seq: number | undefined, status: number, body: string, drawn: number): void;
  log(drawn: number): WriteLog;
}

/** Records the writes of a scenario's inserting and updating endpoints, as the audit needs them. */
export function createWriteRecorder(scenario: ScenarioDef): WriteRecorder {
  const inserts: WriteLog['inserts'] = {};
  const updates: WriteLog['updates'] = {};
  for (const e of scenario.endpoints) {
    if (e.inserts) inserts[e.name] = { seq: [], id: [], noId: 0 };
    else if (e.updates) updates[e.name] = { seq: [], drawnAtAnswer: [], ok: [] };
  }
  return {
    answered(endpoint, seq, status, body, drawn) {
      if (endpoint === undefined || seq === undefined) return;
      const ok = status >= 200 && status < 300;
      const ins = inserts[endpoint];
      if (ins) {
        if (!ok) return;
        const id = answeredId(body);
        if (id === undefined) ins.noId++;
        else {
          ins.seq.push(seq);
          ins.id.push(id);
        }
        return;
      }
      const upd = updates[endpoint];
      if (upd) {
        upd.seq.push(seq);
        upd.drawnAtAnswer.push(drawn);
        upd.ok.push(ok ? 1 : 0);
      }
    },
    log: (drawn) => ({ drawn, inserts, updates }),
  };
}
