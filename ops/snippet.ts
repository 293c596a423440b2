import type Database from 'better-sqlite3';
import type { Profile } from '../db/profiles.ts';

const NAMED: Record<string, Record<number, string>> = {
  synchronous: { 0: 'OFF', 1: 'NORMAL', 2: 'FULL', 3: 'EXTRA' },
  temp_store: { 0: 'DEFAULT', 1: 'FILE', 2: 'MEMORY' },
  foreign_keys: { 0: 'OFF', 1: 'ON' },
};

/** busy_timeout is better-sqlite3's `timeout` open option; the rest are `db.pragma()` calls. */
const SNIPPET_ORDER = [
  'synchronous',
  'cache_size',
  'temp_store',
  'mmap_size',
  'foreign_keys',
  'journal_size_limit',
] as const;

/**
 * The per-connection PRAGMA statements of a profile, in the order an application runs them
 * after opening (synchronous first: better-sqlite3 silently pairs WAL with NORMAL otherwise).
 * The same list builds the printed snippet and is what `optimize` verifies on a real connection.
 */
export function connectionStatements(profile: Profile): string[] {
  const out: string[] = [];
  for (const name of SNIPPET_ORDER) {
    const value = profile.connection[name];
    if (value === undefined) continue;
    out.push(`${name} = ${NAMED[name]?.[value] ?? value}`);
  }
  if (profile.optimizeOnOpen !== null) out.push(`optimize = 0x${profile.optimizeOnOpen.toString(16)}`);
  return out;
}

/** The busy timeout (ms) an application should pass as better-sqlite3's `timeout` option. */
export function connectionTimeout(profile: Profile): number {
  return profile.connection.busy_timeout ?? 5000;
}

/** Opens nothing: runs the statements of `connectionStatements` on an open connection. */
export function runConnectionStatements(db: Database.Database, profile: Profile): void {
  for (const statement of connectionStatements(profile)) {
    // optimize needs a writable connection; on a read-only one it is part of the snippet only.
    if (statement.startsWith('optimize') && db.readonly) continue;
    db.pragma(statement);
  }
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
