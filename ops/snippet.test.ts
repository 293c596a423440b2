import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { EXPERIMENT_PROFILES, PROFILES } from '../db/profiles.ts';
import { openDatabase, openPragmaStatements, readEffectivePragmas } from '../db/open.ts';
import { tempDir, tinyDb } from '../test-support/temp-db.ts';
import { connectionStatements, connectionTimeout, runConnectionStatements } from './snippet.ts';

const tmp = tempDir('loadlab-snippet-');
afterAll(() => tmp.cleanup());

describe('the printed snippet is what openDatabase applies (one list, db/open.ts)', () => {
  it.each([...PROFILES, ...EXPERIMENT_PROFILES].map((p) => [p.name, p] as const))('%s', (_name, profile) => {
    // The same statements in the same order, busy_timeout aside (it is the `timeout` open option).
    const applied = openPragmaStatements(profile, { setJournalMode: false, readonly: false }).filter(
      (s) => !s.startsWith('busy_timeout'),
    );
    expect(connectionStatements(profile).map((s) => s.split(' = ')[0])).toEqual(applied.map((s) => s.split(' = ')[0]));
    expect(connectionTimeout(profile)).toBe(profile.connection.busy_timeout ?? 0);
    // Run on a plain connection, the snippet gives the connection openDatabase gives.
    const file = tinyDb(tmp.dir, profile);
    const opened = openDatabase(file, profile);
    const plain = new Database(file, { timeout: connectionTimeout(profile) });
    try {
      runConnectionStatements(plain, profile);
      const viaSnippet = readEffectivePragmas(plain);
      for (const [k, v] of Object.entries(opened.effective)) if (k !== 'journal_mode') expect(viaSnippet[k], k).toBe(v);
    } finally {
      plain.close();
      opened.db.close();
    }
  });
});
