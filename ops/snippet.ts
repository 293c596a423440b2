import type Database from 'better-sqlite3';
import type { Profile } from '../db/profiles.ts';
import { applyOpenPragmas, openPragmaStatements, openTimeout } from '../db/open.ts';

const NAMED: Record<string, Record<number, string>> = {
  synchronous: { 0: 'OFF', 1: 'NORMAL', 2: 'FULL', 3: 'EXTRA' },
  temp_store: { 0: 'DEFAULT', 1: 'FILE', 2: 'MEMORY' },
  foreign_keys: { 0: 'OFF', 1: 'ON' },
};

/**
 * The per-connection PRAGMA statements of a profile, exactly those openDatabase runs
 * (db/open.ts, recorded from it: synchronous first, since better-sqlite3 silently pairs WAL
 * with NORMAL otherwise), values named where SQLite has names. busy_timeout is left out: it
 * is better-sqlite3's `timeout` open option. The same list builds the printed snippet and is
 * what `optimize` verifies on a real connection.
 */
export function connectionStatements(profile: Profile): string[] {
  return openPragmaStatements(profile, { setJournalMode: false, readonly: false })
    .filter((s) => !s.startsWith('busy_timeout'))
    .map((s) => {
      const [name, value] = s.split(' = ') as [string, string];
      if (name === 'optimize') return `optimize = 0x${Number(value).toString(16)}`;
      return `${name} = ${NAMED[name]?.[Number(value)] ?? value}`;
    });
}

/** The busy timeout (ms) an application should pass as better-sqlite3's `timeout` option: the one openDatabase uses. */
export function connectionTimeout(profile: Profile): number {
  return openTimeout(profile);
}

/** Opens nothing: applies on an open connection what openDatabase applies (db/open.ts), journal mode aside. */
export function runConnectionStatements(db: Database.Database, profile: Profile): void {
  // optimize needs a writable connection; on a read-only one it is part of the snippet only.
  applyOpenPragmas(db, profile, { setJournalMode: false, readonly: db.readonly });
}

/** The exact code an application must run at every open, better-sqlite3 form. */
export function connectionSnippet(profile: Profile, file: string): string {
  const lines = [
    `// Run at every open: these PRAGMAs belong to the connection, not to the file.`,
    `// (journal_mode=${profile.file.journal_mode} and auto_vacuum=${profile.file.auto_vacuum} are stored in the file by 'loadlab optimize'.)`,
    `import Database from 'better-sqlite3';`,
    ``,
    `const db = new Database(${JSON.stringify(file)}, { timeout: ${connectionTimeout(profile)} }); // busy_timeout, ms`,
    ...connectionStatements(profile).map((s) => `db.pragma(${JSON.stringify(s)});${comment(s)}`),
  ];
  if (profile.writeTransaction === 'immediate') {
    lines.push(`// Write transactions: take the write lock up front, e.g. db.transaction(fn).immediate(...)`);
  }
  return lines.join('\n') + '\n';
}

function comment(statement: string): string {
  const m = /^cache_size = (-?\d+)$/.exec(statement);
  if (m && Number(m[1]) < 0) return ` // KiB when negative: ${(-Number(m[1]) / 1024).toFixed(1)} MiB`;
  if (statement.startsWith('optimize')) return ' // analyses tables that need it; cheap when nothing does';
  return '';
}
