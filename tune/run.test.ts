import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCustomProfile } from '../db/custom-profiles.ts';
import { findBuiltinProfile } from '../db/profiles.ts';
import { ConfigFile } from '../lib/records/run-config.ts';
import { fileChecksum } from '../test-support/ops-files.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { baselineConfig, candidateConfig, applySql, TUNE_PROFILE } from './fragment.ts';
import type { TuneRecord } from './record.ts';
import { renderTuneMarkdown } from './report.ts';
import { runTune } from './run.ts';
import { meetsDurability } from './space.ts';

const tmp = tempDir('loadlab-tune-');
afterAll(() => tmp.cleanup());

/** A small application database the suite did not design: posts by author, no index on the foreign key. */
function appDb(file: string, posts: number): void {
  const db = new Database(file);
  try {
    db.exec(`
      CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
      CREATE TABLE posts (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id),
                          title TEXT NOT NULL, created_at INTEGER NOT NULL);
    `);
    const a = db.prepare('INSERT INTO authors (name) VALUES (?)');
    const p = db.prepare('INSERT INTO posts (author_id, title, created_at) VALUES (?, ?, ?)');
    db.transaction(() => {
      for (let i = 1; i <= 200; i++) a.run(`author ${i}`);
      for (let i = 1; i <= posts; i++)
        p.run(((i * 7919) % 200) + 1, `post ${i} `.repeat(4), 1_700_000_000 + ((i * 104729) % posts));
    })();
  } finally {
    db.close();
  }
}

const QUERIES = `-- @name posts-of-author
-- @params [17]
-- @params [42]
SELECT id, title, created_at FROM posts WHERE author_id = ? ORDER BY created_at DESC LIMIT 10;

-- @name post-by-id
-- @params [5000]
SELECT id, title FROM posts WHERE id = ?;

-- @name new-post
-- @params [3, "hello", 1800000000]
INSERT INTO posts (author_id, title, created_at) VALUES (?, ?, ?);
`;

describe('tune on a copy of an application database', () => {
  const db = join(tmp.dir, 'app.sqlite');
  const queries = join(tmp.dir, 'q.sql');
  let record: TuneRecord;
  let before: string;
  const progress: string[] = [];

  beforeAll(async () => {
    appDb(db, 30_000);
    writeFileSync(queries, QUERIES);
    before = fileChecksum(db);
    record = await runTune({
      db,
      queries,
      // A write's tasks last at least 100 ms (WAL checkpoints): 16 s pays for every stage here.
      budgetS: 16,
      durability: 'full',
      dataDir: join(tmp.dir, 'work'),
      onProgress: (p) => progress.push(`${p.stage}: ${p.message}`),
    });
  }, 60_000);

  it('never touches the file: same SHA-256 before and after, no sidecar files', () => {
    expect(fileChecksum(db)).toBe(before);
    expect(record.db).toMatchObject({ unchanged: true, sha256Before: record.db.sha256After });
  });

  it('proposes the missing index on the foreign key with the sort, measured faster, and what it costs inserts', () => {
    const ix = record.indexes.find((r) => r.candidate.table === 'posts')!;
    expect(ix.candidate.columns).toEqual(['author_id', 'created_at']);
    expect(ix.adopted).toBe(true);
    expect(ix.reads!.gains.map((g) => [g.query, g.verdict])).toEqual([['posts-of-author', 'faster']]);
    expect(record.adoptedIndexes).toEqual([ix.candidate.sql]);
    expect(ix.insertCost && 'comparison' in ix.insertCost).toBe(true);
  });

  it('keeps to the durability asked for: the winner and every configuration searched', () => {
    expect(meetsDurability(record.winner, 'full')).toBe(true);
    expect(record.current).toMatchObject({ journal_mode: 'delete', synchronous: 2 });
    // Yours (DELETE + FULL) does not meet "full": the journal setting is required, not chosen.
    expect(record.decisions.find((d) => d.dimension === 'journal')?.verdict).toBe('required');
  });

  it('every change it keeps was shown faster and slower on none; the others keep your value', () => {
    const field = (d: string) => (d === 'journal' ? 'synchronous' : d) as keyof typeof record.winner;
    for (const d of record.decisions) {
      if (d.verdict === 'required') continue;
      const gains = d.comparison?.gains ?? [];
      expect(d.adopted).toBe(gains.some((g) => g.verdict === 'faster') && !gains.some((g) => g.verdict === 'slower'));
      const from = d.adopted ? d.leader : d.current;
      expect(record.winner[field(d.dimension)]).toBe(from[field(d.dimension)]);
    }
  });

  it('compares the winner with yours and with tuned on every query, with intervals', () => {
    for (const c of [record.vsCurrent, record.vsTuned]) {
      expect(c.gains.map((g) => g.query)).toEqual(['posts-of-author', 'post-by-id', 'new-post']);
      for (const g of c.gains) if (g.verdict !== 'not judged') expect(g.coverage).toBeGreaterThanOrEqual(c.confidence);
    }
    expect(record.vsCurrent.gains[0]!.verdict).toBe('faster');
  });

  it('stays near its budget and says where it is on the way', () => {
    expect(record.elapsedS).toBeLessThan(record.budgetS * 1.5 + 2);
    expect(progress.some((p) => p.startsWith('indexes:'))).toBe(true);
    expect(progress.some((p) => p.startsWith('final:'))).toBe(true);
  });

  it('renders TUNE.md and a config fragment that the config schema and the profile builder accept', () => {
    const md = renderTuneMarkdown(record);
    expect(md).toMatch(/^# tune: app\.sqlite/);
    expect(md).toContain('CREATE INDEX "tune_posts_author_id_created_at"');
    expect(md).toMatch(/unchanged/);
    const cand = ConfigFile.parse(candidateConfig(record));
    const def = cand.customProfiles![TUNE_PROFILE]!;
    const built = buildCustomProfile(TUNE_PROFILE, def, findBuiltinProfile, () => false).profile;
    expect(built.file.journal_mode).toBe(record.winner.journal_mode);
    expect(built.connection.synchronous).toBe(record.winner.synchronous);
    // posts is not a fixture table: the index goes to apply.sql only.
    expect(def.indexes).toEqual([]);
    const sql = applySql(record);
    expect(sql).toContain(`${record.adoptedIndexes[0]};`);
    if (record.winner.journal_mode !== record.current.journal_mode)
      expect(sql).toContain(`PRAGMA journal_mode = ${record.winner.journal_mode};`);
    expect(sql).toMatch(/-- PRAGMA synchronous = (full|extra);/);
    expect(ConfigFile.parse(baselineConfig()).customProfiles![TUNE_PROFILE]!.extends).toBe('tuned');
  });

  it('a query writes: busy_timeout is checked with connections writing at once, and the fragment sets what it found', () => {
    const c = record.contention!;
    expect(c.error).toBeUndefined();
    expect(c.values.map((v) => v.busyTimeoutMs)).toEqual([0, 10, 100, 1000, 5000]);
    expect(c.values.every((v) => v.writeCalls > 0)).toBe(true);
    expect(c.settings).toEqual(record.winner);
    const def = candidateConfig(record).customProfiles[TUNE_PROFILE];
    expect(def.pragmas.busy_timeout).toBe(c.recommendedMs);
    expect(renderTuneMarkdown(record)).toContain('## busy_timeout where writes contend');
  });
});
