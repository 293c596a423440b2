/**
 * What tune's winner becomes in a config file: a `customProfiles` entry (PRAGMAs, plus the
 * adopted indexes that fit the fixture schema, so `loadlab run --profile` and `ab` can run
 * it), and a baseline config of the same profile name extending `tuned`, so that
 *
 *   loadlab ab . . --no-config --baseline-config ab-baseline.json --candidate-config tune-profile.json
 *
 * measures the winner against the guide's profile on the fixture server. Indexes on tables
 * the fixture does not have stay in indexes.sql: they are for the user's own database.
 */
import { TABLES } from '../db/schema.ts';
import { tableColumns } from '../db/custom-profiles.ts';
import { profilePragmas } from './space.ts';
import type { TuneRecord } from './record.ts';

export const TUNE_PROFILE = 'tune-winner';
/** The busy timeout the fragment sets: it changes no speed, it turns a lock conflict into a wait. */
export const FRAGMENT_BUSY_TIMEOUT_MS = 5000;

/** The fragment's busy timeout: 5000 ms, or more when the contention check needed more (tune/contention.ts). */
export function busyTimeoutOf(record: Pick<TuneRecord, 'contention'>): number {
  return record.contention?.recommendedMs ?? FRAGMENT_BUSY_TIMEOUT_MS;
}

const CREATE = /^CREATE INDEX "([^"]+)" ON "([^"]+)"\((.*)\)$/;

/** The adopted indexes as `CREATE INDEX name ON table(cols)` when the fixture schema has that table and those columns. */
export function fixtureIndexes(record: TuneRecord): { fits: string[]; other: string[] } {
  const fits: string[] = [];
  const other: string[] = [];
  for (const sql of record.adoptedIndexes) {
    const m = CREATE.exec(sql);
    const cols = m ? m[3]!.split(', ').map((c) => c.replace(/^"|"$/g, '')) : [];
    const table = m?.[2];
    if (m && (TABLES as readonly string[]).includes(table!) && cols.every((c) => tableColumns(table!).includes(c)))
      fits.push(`CREATE INDEX ${m[1]} ON ${table}(${cols.join(', ')})`);
    else other.push(sql);
  }
  return { fits, other };
}

/** The candidate config: the winner as a custom profile. */
export function candidateConfig(record: TuneRecord) {
  return {
    profiles: [TUNE_PROFILE],
    customProfiles: {
      [TUNE_PROFILE]: {
        extends: 'untuned',
        description: `loadlab tune's winner for ${record.db.path.split('/').pop()} (durability ${record.durability}, ${record.date.slice(0, 10)})`,
        pragmas: profilePragmas(record.winner, busyTimeoutOf(record)),
        indexes: fixtureIndexes(record).fits,
      },
    },
  };
}

/** The baseline config for `ab`: the same profile name, the guide's tuned profile unchanged. */
export function baselineConfig() {
  return {
    profiles: [TUNE_PROFILE],
    customProfiles: { [TUNE_PROFILE]: { extends: 'tuned', description: "the guide's tuned profile, unchanged" } },
  };
}

/**
 * apply.sql: what to run once on your database (what lives in the file: journal mode, page
 * size through VACUUM, the adopted indexes), then the PRAGMAs every connection must run at
 * open, which a file cannot store.
 */
export function applySql(record: TuneRecord): string {
  const w = record.winner;
  const c = record.current;
  const lines = ['-- loadlab tune: run once on your database (back it up first; VACUUM rewrites the whole file).'];
  if (w.page_size !== c.page_size) {
    if (c.journal_mode === 'wal') lines.push('PRAGMA journal_mode = delete; -- the page size changes only outside WAL');
    lines.push(`PRAGMA page_size = ${w.page_size};`, 'VACUUM;');
  }
  if (w.journal_mode !== c.journal_mode || w.page_size !== c.page_size)
    lines.push(`PRAGMA journal_mode = ${w.journal_mode};`);
  for (const sql of record.adoptedIndexes) lines.push(`${sql};`);
  if (lines.length === 1) lines.push('-- nothing: the file stays as it is');
  lines.push(
    '',
    '-- then at every open, on every connection (a file cannot store these):',
    ...Object.entries(profilePragmas(w, busyTimeoutOf(record)))
      .filter(([k]) => k !== 'journal_mode')
      .map(([k, v]) => `-- PRAGMA ${k} = ${v};`),
  );
  return lines.join('\n') + '\n';
}
