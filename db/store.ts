import type Database from 'better-sqlite3';
import type { OpenedDatabase } from './open.ts';

export interface Campaign {
  id: number;
  client_id: number;
  name: string;
  status: string;
  created_at: string;
}

export interface ClientContentRow {
  campaign_id: number;
  campaign_name: string;
  campaign_status: string;
  content_id: number;
  title: string;
  content_status: string;
  created_at: string;
}

export interface ContentSummary {
  id: number;
  campaign_id: number;
  title: string;
  status: string;
  created_at: string;
}

export interface AudioGeneration {
  id: number;
  task_id: string;
  content_id: number;
  status: string;
  created_at: string;
}

export interface NewContent {
  campaign_id: number;
  title: string;
  body: string;
  status: string;
}

export interface NewAudioGeneration {
  task_id: string;
  content_id: number;
  status: string;
}

/** What the HTTP layer needs from a database. Another backend implements this interface. */
export interface Store {
  getCampaign(id: number): Campaign | undefined;
  /** The same row already serialised as JSON by SQLite (the hot point-read path), or undefined. */
  getCampaignJson(id: number): string | undefined;
  clientExists(id: number): boolean;
  listClientCampaigns(clientId: number, limit: number, status?: string): Campaign[];
  listClientContents(clientId: number, limit: number): ClientContentRow[];
  listContents(limit: number, status?: string): ContentSummary[];
  createContent(input: NewContent): number;
  /** False when no such content. */
  updateContentStatus(id: number, status: string): boolean;
  createAudioGeneration(input: NewAudioGeneration): number;
  listAudioByTask(taskId: string, limit: number): AudioGeneration[];
  close(): void;
}

/**
 * A store whose answers may come later: the same methods, each result a value (SQLite,
 * synchronous) or a promise of it (PostgreSQL). The HTTP layer takes this, so the SQLite
 * path keeps its synchronous handlers and PostgreSQL serves the same routes.
 */
export type AnyStore = {
  [K in keyof Store]: Store[K] extends (...args: infer A) => infer R ? (...args: A) => R | Promise<R> : never;
};

/** The PostgreSQL side of AnyStore: every answer a promise. */
export type AsyncStore = {
  [K in keyof Store]: Store[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<R> : never;
};

/** Called after each statement when a statement observer is set (the slow-query log). */
export type StatementObserver = (sql: string, paramCount: number, ms: number) => void;

export interface SqliteStoreOptions {
  onStatement?: StatementObserver;
}

/** The SQL of every statement the fixture serves, so benchmarks and the EXPLAIN gate can reuse it. */
export const SQL = {
  getCampaign: 'SELECT id, client_id, name, status, created_at FROM campaigns WHERE id = ?',
  getCampaignJson:
    "SELECT json_object('id', id, 'client_id', client_id, 'name', name, 'status', status, 'created_at', created_at) FROM campaigns WHERE id = ?",
  clientExists: 'SELECT 1 FROM clients WHERE id = ?',
  listClientCampaigns:
    'SELECT id, client_id, name, status, created_at FROM campaigns WHERE client_id = ? ORDER BY id LIMIT ?',
  listClientCampaignsByStatus:
    'SELECT id, client_id, name, status, created_at FROM campaigns WHERE client_id = ? AND status = ? ORDER BY id LIMIT ?',
  listClientContents:
    'SELECT c.id AS campaign_id, c.name AS campaign_name, c.status AS campaign_status, co.id AS content_id, co.title, co.status AS content_status, co.created_at ' +
    'FROM campaigns c JOIN contents co ON c.id = co.campaign_id WHERE c.client_id = ? ORDER BY co.created_at DESC LIMIT ?',
  listContents: 'SELECT id, campaign_id, title, status, created_at FROM contents ORDER BY id DESC LIMIT ?',
  listContentsByStatus:
    'SELECT id, campaign_id, title, status, created_at FROM contents WHERE status = ? ORDER BY id DESC LIMIT ?',
  insertContent:
    "INSERT INTO contents (campaign_id, title, status, body, created_at) VALUES (?, ?, ?, ?, strftime('%Y-%m-%d %H:%M:%S', 'now'))",
  updateContentStatus: 'UPDATE contents SET status = ? WHERE id = ?',
  insertAudio:
    "INSERT INTO audio_generations (task_id, content_id, status, created_at) VALUES (?, ?, ?, strftime('%Y-%m-%d %H:%M:%S', 'now'))",
  listAudioByTask:
    'SELECT id, task_id, content_id, status, created_at FROM audio_generations WHERE task_id = ? ORDER BY id LIMIT ?',
} as const;

interface Runner {
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  run(...params: unknown[]): Database.RunResult;
}

function prepare(
  db: Database.Database,
  sql: string,
  observe?: StatementObserver,
  opts: { pluck?: boolean } = {},
): Runner {
  const stmt = db.prepare(sql);
  if (opts.pluck) stmt.pluck();
  if (!observe) return stmt as unknown as Runner;
  const timed =
    <R>(fn: (...p: unknown[]) => R) =>
    (...params: unknown[]): R => {
      const t0 = performance.now();
      try {
        return fn.apply(stmt, params);
      } finally {
        observe(sql, params.length, performance.now() - t0);
      }
    };
  return {
    get: timed(stmt.get as (...p: unknown[]) => unknown),
    all: timed(stmt.all as (...p: unknown[]) => unknown[]),
    run: timed(stmt.run as (...p: unknown[]) => Database.RunResult),
  };
}

/** The better-sqlite3 store: statements prepared once, writes in the profile's transaction mode. */
export function createSqliteStore(opened: OpenedDatabase, opts: SqliteStoreOptions = {}): Store {
  const { db, profile } = opened;
  const p = (sql: string) => prepare(db, sql, opts.onStatement);
  const s = {
    getCampaign: p(SQL.getCampaign),
    getCampaignJson: prepare(db, SQL.getCampaignJson, opts.onStatement, { pluck: true }),
    clientExists: p(SQL.clientExists),
    listClientCampaigns: p(SQL.listClientCampaigns),
    listClientCampaignsByStatus: p(SQL.listClientCampaignsByStatus),
    listClientContents: p(SQL.listClientContents),
    listContents: p(SQL.listContents),
    listContentsByStatus: p(SQL.listContentsByStatus),
    insertContent: p(SQL.insertContent),
    updateContentStatus: p(SQL.updateContentStatus),
    insertAudio: p(SQL.insertAudio),
    listAudioByTask: p(SQL.listAudioByTask),
  };
  const inWrite = <A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) => {
    const observe = opts.onStatement;
    if (!observe) {
      const tx = db.transaction(fn);
      return profile.writeTransaction === 'immediate' ? tx.immediate : tx.deferred;
    }
    // The statements inside are observed one by one; the transaction's own cost (waiting for
    // the write lock at BEGIN, the fsyncs at COMMIT) is observed as one more line.
    let inside = 0;
    const tx = db.transaction((...args: A) => {
      const t = performance.now();
      try {
        return fn(...args);
      } finally {
        inside = performance.now() - t;
      }
    });
    const run = profile.writeTransaction === 'immediate' ? tx.immediate : tx.deferred;
    const label = profile.writeTransaction === 'immediate' ? 'BEGIN IMMEDIATE ... COMMIT' : 'BEGIN ... COMMIT';
    return (...args: A) => {
      inside = 0;
      const t0 = performance.now();
      try {
        return run(...args);
      } finally {
        observe(label, 0, performance.now() - t0 - inside);
      }
    };
  };
  const createContent = inWrite((c: NewContent) =>
    Number(s.insertContent.run(c.campaign_id, c.title, c.status, c.body).lastInsertRowid),
  );
  const updateContentStatus = inWrite(
    (id: number, status: string) => s.updateContentStatus.run(status, id).changes > 0,
  );
  const createAudio = inWrite((a: NewAudioGeneration) =>
    Number(s.insertAudio.run(a.task_id, a.content_id, a.status).lastInsertRowid),
  );

  return {
    getCampaign: (id) => s.getCampaign.get(id) as Campaign | undefined,
    getCampaignJson: (id) => s.getCampaignJson.get(id) as string | undefined,
    clientExists: (id) => s.clientExists.get(id) !== undefined,
    listClientCampaigns: (clientId, limit, status) =>
      (status === undefined
        ? s.listClientCampaigns.all(clientId, limit)
        : s.listClientCampaignsByStatus.all(clientId, status, limit)) as Campaign[],
    listClientContents: (clientId, limit) => s.listClientContents.all(clientId, limit) as ClientContentRow[],
    listContents: (limit, status) =>
      (status === undefined
        ? s.listContents.all(limit)
        : s.listContentsByStatus.all(status, limit)) as ContentSummary[],
    createContent,
    updateContentStatus,
    createAudioGeneration: createAudio,
    listAudioByTask: (taskId, limit) => s.listAudioByTask.all(taskId, limit) as AudioGeneration[],
    close: () => db.close(),
  };
}
