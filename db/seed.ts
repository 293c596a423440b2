import { ensureDir } from '../lib/ensure-dir.ts';
import Database from 'better-sqlite3';
import { closeSync, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { tempSibling } from '../lib/atomic-write.ts';
import { UsageError } from '../lib/errors.ts';
import { createRng, deriveSeed, type Rng } from '../lib/rng.ts';
import {
  AUDIO_STATUS_MIX,
  CAMPAIGN_STATUS_MIX,
  CONTENT_STATUS_MIX,
  PLAN_MIX,
  TIME_SPAN_MS,
  TIME_START_MS,
  rowCounts,
  taskId,
  type RowCounts,
} from './data-shape.ts';
import type { Profile } from './profiles.ts';
import { applyFilePragmas } from './open.ts';
import { SCHEMA_SQL, createIndexSql } from './schema.ts';

export interface SeedOptions {
  out: string;
  profile: Profile;
  scale?: number;
  seed?: number;
  force?: boolean;
}

export interface SeedResult {
  file: string;
  profile: string;
  scale: number;
  seed: number;
  rows: RowCounts;
  indexes: string[];
  bytes: number;
  ms: number;
}

export const SEED_DEFAULTS = { scale: 1, seed: 42 } as const;

const WORDS = (
  'audio campaign launch spring summer autumn winter offer voice brand story podcast ' +
  'episode listener growth weekly daily news update product review guide tips market ' +
  'studio script narration music intro outro promo segment series season host guest'
).split(' ');

/** Formats epoch ms as SQLite's 'YYYY-MM-DD HH:MM:SS'. */
export function sqliteTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** Time for the i-th of n rows: increasing with the id, denser towards the end. */
function timeFor(i: number, n: number, rng: Rng): number {
  const frac = Math.sqrt((i + rng.next()) / n);
  return TIME_START_MS + Math.floor(frac * TIME_SPAN_MS);
}

function sentence(rng: Rng, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(rng.pick(WORDS));
  return out.join(' ');
}

/** A body of a few hundred bytes. */
function body(rng: Rng): string {
  return sentence(rng, rng.int(35, 90));
}

/**
 * Builds a seeded database: deterministic rows for (scale, seed) whatever the profile,
 * file PRAGMAs set before any table exists (auto_vacuum needs that), the profile's
 * indexes after the data. Written to a temp file and renamed, so no half-written file
 * is ever left at `out`.
 */
export function seedDatabase(opts: SeedOptions): SeedResult {
  const scale = opts.scale ?? SEED_DEFAULTS.scale;
  const seed = opts.seed ?? SEED_DEFAULTS.seed;
  if (!(scale > 0) || scale > 100) throw new UsageError(`--scale must be > 0 and <= 100, got ${scale}`);
  if (!Number.isInteger(seed) || seed < 0) throw new UsageError(`--seed must be a non-negative integer, got ${seed}`);
  if (existsSync(opts.out) && !opts.force) throw new UsageError(`${opts.out} exists; pass --force to overwrite it`);
  if (existsSync(opts.out) && statSync(opts.out).isDirectory()) throw new UsageError(`${opts.out} is a directory`);
  ensureDir(dirname(opts.out));

  const started = performance.now();
  const tmp = tempSibling(opts.out);
  const rows = rowCounts(scale);
  try {
    const db = new Database(tmp);
    try {
      applyFilePragmas(db, opts.profile);
      // Seeding speed only: durability comes from the fsync below, before the rename.
      db.pragma('synchronous = OFF');
      db.pragma('foreign_keys = ON');
      db.exec(SCHEMA_SQL);
      db.transaction(() => insertRows(db, rows, seed))();
      for (const def of opts.profile.indexes) db.exec(createIndexSql(def));
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
    const fd = openSync(tmp, 'r+');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    for (const suffix of ['-wal', '-shm', '-journal']) rmSync(opts.out + suffix, { force: true });
    renameSync(tmp, opts.out);
  } catch (err) {
    for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(tmp + suffix, { force: true });
    throw err;
  }
  return {
    file: opts.out,
    profile: opts.profile.name,
    scale,
    seed,
    rows,
    indexes: opts.profile.indexes.map((i) => i.name),
    bytes: statSync(opts.out).size,
    ms: performance.now() - started,
  };
}

function insertRows(db: Database.Database, rows: RowCounts, seed: number): void {
  const clientRng = createRng(deriveSeed(seed, 'clients'));
  const insClient = db.prepare('INSERT INTO clients (id, name, email, plan, created_at) VALUES (?, ?, ?, ?, ?)');
  for (let i = 0; i < rows.clients; i++) {
    const id = i + 1;
    insClient.run(
      id,
      `Client ${id}`,
      `client${id}@example.test`,
      clientRng.weighted(PLAN_MIX),
      sqliteTime(timeFor(i, rows.clients, clientRng)),
    );
  }

  // Campaigns: a few clients own many campaigns (power-law), the rest a handful.
  const campRng = createRng(deriveSeed(seed, 'campaigns'));
  const insCampaign = db.prepare(
    'INSERT INTO campaigns (id, client_id, name, status, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  for (let i = 0; i < rows.campaigns; i++) {
    const clientId = 1 + Math.floor(rows.clients * campRng.next() ** 2);
    const name = `${sentence(campRng, 2)} ${i + 1}`;
    insCampaign.run(
      i + 1,
      clientId,
      name,
      campRng.weighted(CAMPAIGN_STATUS_MIX),
      sqliteTime(timeFor(i, rows.campaigns, campRng)),
    );
  }

  // Contents: created after their campaign; recent campaigns get most new content.
  const contRng = createRng(deriveSeed(seed, 'contents'));
  const insContent = db.prepare(
    'INSERT INTO contents (id, campaign_id, title, status, body, created_at) VALUES (?, ?, ?, ?, ?, ?)',
  );
  for (let i = 0; i < rows.contents; i++) {
    const frac = Math.sqrt((i + 1) / rows.contents);
    const existing = Math.max(1, Math.floor(rows.campaigns * frac));
    const campaignId = existing - Math.floor(existing * contRng.next() ** 3);
    insContent.run(
      i + 1,
      Math.max(1, campaignId),
      sentence(contRng, contRng.int(3, 8)),
      contRng.weighted(CONTENT_STATUS_MIX),
      body(contRng),
      sqliteTime(timeFor(i, rows.contents, contRng)),
    );
  }

  // Audio generations: one task produces one to three generations.
  const audioRng = createRng(deriveSeed(seed, 'audio'));
  const insAudio = db.prepare(
    'INSERT INTO audio_generations (id, task_id, content_id, status, created_at) VALUES (?, ?, ?, ?, ?)',
  );
  let task = 0;
  let leftInTask = 0;
  for (let i = 0; i < rows.audio_generations; i++) {
    if (leftInTask === 0) {
      task++;
      leftInTask = audioRng.int(1, 3);
    }
    leftInTask--;
    const contentId = rows.contents - Math.floor(rows.contents * audioRng.next() ** 2);
    insAudio.run(
      i + 1,
      taskId(task),
      Math.max(1, contentId),
      audioRng.weighted(AUDIO_STATUS_MIX),
      sqliteTime(timeFor(i, rows.audio_generations, audioRng)),
    );
  }
}
