/** The guide's schema (§4) with realistic types and foreign keys, and its index catalog. */

export const TABLES = ['clients', 'campaigns', 'contents', 'audio_generations'] as const;
export type TableName = (typeof TABLES)[number];

export const CAMPAIGN_STATUSES = ['active', 'paused', 'completed', 'draft', 'archived'] as const;
export const CONTENT_STATUSES = ['published', 'draft', 'review', 'scheduled', 'archived'] as const;
export const AUDIO_STATUSES = ['completed', 'processing', 'queued', 'failed'] as const;

export const SCHEMA_SQL = `
CREATE TABLE clients (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL,
  plan TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE campaigns (
  id INTEGER PRIMARY KEY,
  client_id INTEGER NOT NULL REFERENCES clients(id),
  name TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE contents (
  id INTEGER PRIMARY KEY,
  campaign_id INTEGER NOT NULL REFERENCES campaigns(id),
  title TEXT NOT NULL,
  status TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE audio_generations (
  id INTEGER PRIMARY KEY,
  task_id TEXT NOT NULL,
  content_id INTEGER NOT NULL REFERENCES contents(id),
  status TEXT NOT NULL,
  created_at TEXT NOT NULL
);
`;

export interface IndexDef {
  name: string;
  table: TableName;
  columns: string[];
}

/** Every secondary index a profile may ask for, by name. */
export const INDEXES: IndexDef[] = [
  { name: 'idx_campaigns_client', table: 'campaigns', columns: ['client_id'] },
  { name: 'idx_campaigns_status', table: 'campaigns', columns: ['status'] },
  { name: 'idx_contents_campaign', table: 'contents', columns: ['campaign_id'] },
  { name: 'idx_contents_status', table: 'contents', columns: ['status'] },
  { name: 'idx_audio_generations_task', table: 'audio_generations', columns: ['task_id'] },
];

/** A catalog index by name (its definition), or undefined. */
export function builtinIndex(name: string): IndexDef | undefined {
  return INDEXES.find((i) => i.name === name);
}

/** CREATE INDEX statement for a catalog entry (names come from the catalog, never from input). */
export function createIndexSql(def: IndexDef): string {
  return `CREATE INDEX IF NOT EXISTS ${def.name} ON ${def.table}(${def.columns.join(', ')})`;
}
