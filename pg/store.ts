/**
 * The fixture's store on PostgreSQL: the same statements as db/store.ts, written for
 * PostgreSQL, through node-postgres (`pg`) with named prepared statements, from a pool sized
 * by `pgPoolSize`. The driver was chosen by measurement (pg/driver-compare.ts,
 * reports/pg/DRIVERS.md): with more queries in flight than connections, as under HTTP load,
 * `postgres` (porsager) pipelines up to 100 queries per connection and ran at about half of
 * pg's rate, slowing from round to round; with max_pipeline 1 it came to ~0.8 of pg. Writes
 * are single statements in autocommit, as SQLite's are single statements in their own
 * transaction. The schema and rows come from `migrate` of the seeded SQLite database, so
 * text columns (created_at) hold the same text and the answers are the same bytes.
 */
import pg from 'pg';
import type { AsyncStore, AudioGeneration, Campaign, ClientContentRow, ContentSummary } from '../db/store.ts';
import { pgPoolSize, type PgProfile } from './profiles.ts';

/** `created_at` as SQLite writes it: strftime('%Y-%m-%d %H:%M:%S', 'now'), in UTC. */
const NOW_TEXT = "to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS')";

/** The fixture's statements on PostgreSQL, one for one with db/store.ts's SQL. */
export const PG_SQL = {
  getCampaign: 'SELECT id, client_id, name, status, created_at FROM campaigns WHERE id = $1',
  getCampaignJson:
    'SELECT row_to_json(r)::text FROM (SELECT id, client_id, name, status, created_at FROM campaigns WHERE id = $1) r',
  clientExists: 'SELECT 1 FROM clients WHERE id = $1',
  listClientCampaigns:
    'SELECT id, client_id, name, status, created_at FROM campaigns WHERE client_id = $1 ORDER BY id LIMIT $2',
  listClientCampaignsByStatus:
    'SELECT id, client_id, name, status, created_at FROM campaigns WHERE client_id = $1 AND status = $2 ORDER BY id LIMIT $3',
  listClientContents:
    'SELECT c.id AS campaign_id, c.name AS campaign_name, c.status AS campaign_status, co.id AS content_id, co.title, co.status AS content_status, co.created_at ' +
    'FROM campaigns c JOIN contents co ON c.id = co.campaign_id WHERE c.client_id = $1 ORDER BY co.created_at DESC LIMIT $2',
  listContents: 'SELECT id, campaign_id, title, status, created_at FROM contents ORDER BY id DESC LIMIT $1',
  listContentsByStatus:
    'SELECT id, campaign_id, title, status, created_at FROM contents WHERE status = $1 ORDER BY id DESC LIMIT $2',
  insertContent: `INSERT INTO contents (campaign_id, title, status, body, created_at) VALUES ($1, $2, $3, $4, ${NOW_TEXT}) RETURNING id`,
  updateContentStatus: 'UPDATE contents SET status = $1 WHERE id = $2',
  insertAudio: `INSERT INTO audio_generations (task_id, content_id, status, created_at) VALUES ($1, $2, $3, ${NOW_TEXT}) RETURNING id`,
  listAudioByTask:
    'SELECT id, task_id, content_id, status, created_at FROM audio_generations WHERE task_id = $1 ORDER BY id LIMIT $2',
} as const;

/** bigint (int8) comes back as a JS number: the fixture's ids are far below 2^53, and JSON needs numbers. */
const INT8 = 20;
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export interface PgConnectOptions {
  /** Connections in the pool (default pgPoolSize()). */
  max?: number;
  /** Milliseconds to wait for a connection. */
  connectTimeoutMs?: number;
}

/** `-c name=value` startup options: the profile's session settings on every connection. */
export function sessionOptions(settings: Record<string, string>): string {
  return Object.entries(settings)
    .map(([k, v]) => `-c ${k}=${v.replace(/([\\ ])/g, '\\$1')}`)
    .join(' ');
}

/** A pool on `url` with the profile's session settings and ids as numbers. */
export function connectPg(url: string, profile: PgProfile, opts: PgConnectOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max: opts.max ?? pgPoolSize(),
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
    // Connections live as long as the server: prepared statements stay prepared.
    idleTimeoutMillis: 0,
    application_name: 'loadlab-fixture',
    options: sessionOptions(profile.session),
    types: TYPES,
  });
  // An idle connection that breaks (the server restarting) must not crash the process: the next query fails instead.
  pool.on('error', () => {});
  return pool;
}

/** What the HTTP layer answers 503 + Retry-After for: the pool had no connection to give in time. */
export const POOL_TIMEOUT = 'LOADLAB_POOL_TIMEOUT';

/** pool.query, with "no connection in time" (pg gives it no SQLSTATE) marked as POOL_TIMEOUT. */
async function query(pool: pg.Pool, config: pg.QueryConfig & { rowMode?: 'array' }): Promise<pg.QueryResult> {
  try {
    return await pool.query(config as pg.QueryConfig);
  } catch (err) {
    if (err instanceof Error && !('code' in err) && /timeout exceeded when trying to connect/i.test(err.message))
      Object.assign(err, { code: POOL_TIMEOUT });
    throw err;
  }
}

export function createPgStore(pool: pg.Pool): AsyncStore {
  /** Named statements: each connection prepares a statement once, on its first use. */
  const names = new Map<string, string>(Object.entries(PG_SQL).map(([k, v]) => [v, k]));
  const q = async <T>(text: string, values: (string | number)[]) =>
    (await query(pool, { name: names.get(text)!, text, values })).rows as T[];
  const one = async <T>(text: string, values: (string | number)[]) => (await q<T>(text, values))[0];
  return {
    getCampaign: (id) => one<Campaign>(PG_SQL.getCampaign, [id]),
    getCampaignJson: async (id) => {
      const r = await query(pool, {
        name: 'getCampaignJson',
        text: PG_SQL.getCampaignJson,
        values: [id],
        rowMode: 'array',
      });
      return (r.rows[0] as string[] | undefined)?.[0];
    },
    clientExists: async (id) => (await q(PG_SQL.clientExists, [id])).length > 0,
    listClientCampaigns: (clientId, limit, status) =>
      status === undefined
        ? q<Campaign>(PG_SQL.listClientCampaigns, [clientId, limit])
        : q<Campaign>(PG_SQL.listClientCampaignsByStatus, [clientId, status, limit]),
    listClientContents: (clientId, limit) => q<ClientContentRow>(PG_SQL.listClientContents, [clientId, limit]),
    listContents: (limit, status) =>
      status === undefined
        ? q<ContentSummary>(PG_SQL.listContents, [limit])
        : q<ContentSummary>(PG_SQL.listContentsByStatus, [status, limit]),
    createContent: async (c) =>
      (await one<{ id: number }>(PG_SQL.insertContent, [c.campaign_id, c.title, c.status, c.body]))!.id,
    updateContentStatus: async (id, status) =>
      ((await query(pool, { name: 'updateContentStatus', text: PG_SQL.updateContentStatus, values: [status, id] }))
        .rowCount ?? 0) > 0,
    createAudioGeneration: async (a) =>
      (await one<{ id: number }>(PG_SQL.insertAudio, [a.task_id, a.content_id, a.status]))!.id,
    listAudioByTask: (taskId, limit) => q<AudioGeneration>(PG_SQL.listAudioByTask, [taskId, limit]),
    close: () => pool.end(),
  };
}

/** Requested vs effective settings of a profile, read back from the server (`current_setting`). */
export async function pgEffective(
  pool: pg.Pool,
  profile: PgProfile,
): Promise<{
  requested: Record<string, string>;
  effective: Record<string, string>;
  mismatches: string[];
  version: string;
}> {
  const requested = { ...profile.server, ...profile.session };
  const effective: Record<string, string> = {};
  const mismatches: string[] = [];
  for (const [name, want] of Object.entries(requested)) {
    const v = ((await pool.query('SELECT current_setting($1) AS v', [name])).rows[0] as { v: string }).v;
    effective[name] = v;
    if (v !== want) mismatches.push(`${name}: requested ${want}, effective ${v}`);
  }
  const version = ((await pool.query("SELECT current_setting('server_version') AS v")).rows[0] as { v: string }).v;
  return { requested, effective, mismatches, version };
}
