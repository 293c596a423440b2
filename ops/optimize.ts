import type Database from 'better-sqlite3';
import { applyFilePragmas, readEffectivePragmas, requestedPragmas, type PragmaValues } from '../db/open.ts';
import type { Profile } from '../db/profiles.ts';
import { createIndexSql } from '../db/schema.ts';
import { AUTO_VACUUM_NAMES, pragmaValue, tableColumns, tableIndexes, tableNames } from './catalog.ts';
import { connectionSnippet, connectionTimeout, runConnectionStatements } from './snippet.ts';
import { withReadOnly, withReadWrite } from './sqlite-access.ts';

export type StepStatus = 'planned' | 'done' | 'unchanged' | 'skipped' | 'failed';

export interface OptimizeStep {
  step: 'auto_vacuum' | 'journal_mode' | 'index' | 'optimize';
  target: string;
  status: StepStatus;
  message: string;
  /** The statements this step runs (or would run). */
  sql?: string[];
  ms?: number;
}

export interface PragmaRow {
  pragma: string;
  scope: 'file' | 'connection';
  requested: number | string;
  /** A fresh connection after the run (what an application gets without the snippet). */
  freshOpen: number | string | undefined;
  /** A fresh connection that ran the printed snippet. */
  withSnippet: number | string | undefined;
}

export interface OptimizeResult {
  file: string;
  profile: string;
  dryRun: boolean;
  steps: OptimizeStep[];
  pragmas: PragmaRow[];
  /** Pragmas whose value with the snippet still differs from the request (auto_vacuum excluded when declined: it is a warning). */
  mismatches: string[];
  warnings: string[];
  snippet: string;
}

export interface OptimizeOptions {
  profile: Profile;
  dryRun?: boolean;
  /** Allow VACUUM, the only way auto_vacuum changes on a database that has tables. */
  vacuum?: boolean;
}

/** better-sqlite3's `timeout` when an application passes none. */
const BETTER_SQLITE3_DEFAULT_TIMEOUT_MS = 5000;
const FILE_PRAGMAS = new Set(['journal_mode', 'auto_vacuum']);
const avName = (n: number) => `${AUTO_VACUUM_NAMES[n] ?? n}(${n})`;

function planAutoVacuum(db: Database.Database, profile: Profile, vacuum: boolean): OptimizeStep {
  const have = Number(pragmaValue(db, 'auto_vacuum'));
  const want = profile.file.auto_vacuum;
  const target = `${avName(have)} -> ${avName(want)}`;
  if (have === want) return { step: 'auto_vacuum', target, status: 'unchanged', message: `already ${avName(want)}` };
  const empty = tableNames(db).length === 0;
  if (empty || (have !== 0 && want !== 0)) {
    return {
      step: 'auto_vacuum',
      target,
      status: 'planned',
      message: 'set directly (no VACUUM needed)',
      sql: [`PRAGMA auto_vacuum = ${want}`],
    };
  }
  if (!vacuum) {
    return {
      step: 'auto_vacuum',
      target,
      status: 'skipped',
      message:
        'auto_vacuum only changes through VACUUM on a database with tables; rerun with --vacuum (rewrites the whole file: needs its size in free disk space and an exclusive lock)',
    };
  }
  return {
    step: 'auto_vacuum',
    target,
    status: 'planned',
    message: 'set, then VACUUM to rewrite the file',
    sql: [`PRAGMA auto_vacuum = ${want}`, 'VACUUM'],
  };
}

function planJournalMode(db: Database.Database, profile: Profile): OptimizeStep {
  const have = String(pragmaValue(db, 'journal_mode'));
  const want = profile.file.journal_mode;
  const status = have === want ? 'unchanged' : 'planned';
  if (status === 'unchanged')
    return { step: 'journal_mode', target: `${have} -> ${want}`, status, message: `already ${want}` };
  return {
    step: 'journal_mode',
    target: `${have} -> ${want}`,
    status,
    message: `set ${want} (stored in the file)`,
    sql: [`PRAGMA journal_mode = ${want}`],
  };
}

function planIndexes(db: Database.Database, profile: Profile): OptimizeStep[] {
  const tables = new Set(tableNames(db));
  return profile.indexes.map((def) => {
    const name = def.name;
    const target = `${name} ON ${def.table}(${def.columns.join(', ')})`;
    if (!tables.has(def.table))
      return {
        step: 'index',
        target,
        status: 'skipped',
        message: `table ${def.table} does not exist in this database`,
      };
    const columns = new Set(tableColumns(db, def.table));
    const missing = def.columns.filter((c) => !columns.has(c));
    if (missing.length > 0)
      return {
        step: 'index',
        target,
        status: 'skipped',
        message: `table ${def.table} has no column ${missing.join(', ')}`,
      };
    const existing = tableIndexes(db, def.table);
    if (existing.some((i) => i.name === name))
      return { step: 'index', target, status: 'unchanged', message: 'already exists' };
    const covering = existing.find((i) => !i.partial && def.columns.every((c, k) => i.columns[k] === c));
    if (covering)
      return {
        step: 'index',
        target,
        status: 'unchanged',
        message: `already covered by ${covering.name}(${covering.columns.join(', ')})`,
      };
    return { step: 'index', target, status: 'planned', message: 'create', sql: [createIndexSql(def)] };
  });
}

/** What `PRAGMA optimize` would analyse, from its debugging mode (mask bit 0x01); needs a writable connection. */
function optimizeWouldRun(db: Database.Database): string[] {
  db.pragma('analysis_limit = 1000');
  return (db.prepare('PRAGMA optimize = 0x10003').all() as Record<string, string>[]).map((r) =>
    String(Object.values(r)[0]),
  );
}

/** Tables that have an index but no sqlite_stat1 row (a read-only estimate of what optimize analyses). */
function neverAnalysed(db: Database.Database): string[] {
  const hasStat = db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'sqlite_stat1'").get() !== undefined;
  const analysed = new Set(
    hasStat ? (db.prepare('SELECT DISTINCT tbl FROM sqlite_stat1').all() as { tbl: string }[]).map((r) => r.tbl) : [],
  );
  return tableNames(db).filter((t) => !analysed.has(t) && tableIndexes(db, t).length > 0);
}

/** Reads both read-back columns from fresh read-only connections. */
function readBack(file: string, profile: Profile): { fresh: PragmaValues; withSnippet: PragmaValues } {
  const fresh = withReadOnly(file, (db) => readEffectivePragmas(db), BETTER_SQLITE3_DEFAULT_TIMEOUT_MS);
  const withSnippet = withReadOnly(
    file,
    (db) => {
      runConnectionStatements(db, profile);
      return readEffectivePragmas(db);
    },
    connectionTimeout(profile),
  );
  return { fresh, withSnippet };
}

function timed(step: OptimizeStep, fn: () => void): OptimizeStep {
  const t0 = performance.now();
  fn();
  return { ...step, status: 'done', ms: performance.now() - t0 };
}

/**
 * Applies what a profile can store in the file (journal_mode; auto_vacuum only with
 * `vacuum`), creates its indexes where their tables exist, runs `PRAGMA optimize`, and reads
 * every PRAGMA back. With `dryRun` the file is opened read-only and nothing changes.
 */
export function optimizeDatabase(file: string, opts: OptimizeOptions): OptimizeResult {
  const { profile } = opts;
  const dryRun = opts.dryRun ?? false;
  const warnings: string[] = [];
  const plan = (db: Database.Database) => ({
    autoVacuum: planAutoVacuum(db, profile, opts.vacuum ?? false),
    journal: planJournalMode(db, profile),
    indexes: planIndexes(db, profile),
  });

  let steps: OptimizeStep[];
  if (dryRun) {
    steps = withReadOnly(file, (db) => {
      const p = plan(db);
      const never = neverAnalysed(db);
      const message = `PRAGMA optimize decides at run time; tables with indexes never analysed: ${never.join(', ') || 'none'}`;
      return [
        p.autoVacuum,
        p.journal,
        ...p.indexes,
        { step: 'optimize', target: 'PRAGMA optimize', status: 'planned', message },
      ];
    });
  } else {
    steps = withReadWrite(file, (db) => {
      const p = plan(db);
      const out: OptimizeStep[] = [];
      const run = (step: OptimizeStep) => {
        const sql = step.sql;
        out.push(step.status === 'planned' && sql ? timed(step, () => sql.forEach((s) => db.exec(s))) : step);
      };
      run(p.autoVacuum);
      if (p.journal.status === 'planned') {
        const t0 = performance.now();
        const got = applyFilePragmas(db, profile, ['journal_mode']);
        const ok = got === profile.file.journal_mode;
        out.push({
          ...p.journal,
          status: ok ? 'done' : 'failed',
          message: ok ? p.journal.message : `SQLite kept ${got}`,
          ms: performance.now() - t0,
        });
      } else out.push(p.journal);
      const created = p.indexes.filter((s) => s.status === 'planned');
      if (created.length > 0) db.transaction(() => p.indexes.forEach(run))();
      else p.indexes.forEach(run);
      const analyse = optimizeWouldRun(db);
      out.push(
        timed(
          {
            step: 'optimize',
            target: 'PRAGMA optimize',
            status: 'planned',
            message: analyse.join('; ') || 'nothing needed analysis',
          },
          () => db.pragma('optimize = 0x10002'),
        ),
      );
      return out;
    });
  }
  for (const s of steps)
    if (s.step === 'auto_vacuum' && s.status === 'skipped') warnings.push(`auto_vacuum not changed: ${s.message}`);

  const requested = requestedPragmas(profile);
  const { fresh, withSnippet } = readBack(file, profile);
  const pragmas: PragmaRow[] = Object.entries(requested).map(([pragma, value]) => ({
    pragma,
    scope: FILE_PRAGMAS.has(pragma) ? 'file' : 'connection',
    requested: value,
    freshOpen: fresh[pragma],
    withSnippet: withSnippet[pragma],
  }));
  const autoVacuumDeclined = steps.some((s) => s.step === 'auto_vacuum' && s.status === 'skipped');
  const mismatches = dryRun
    ? []
    : pragmas
        .filter((r) => r.withSnippet !== r.requested && !(r.pragma === 'auto_vacuum' && autoVacuumDeclined))
        .map((r) => r.pragma);
  if (mismatches.length > 0) warnings.push(`still different from the profile after the run: ${mismatches.join(', ')}`);
  return {
    file,
    profile: profile.name,
    dryRun,
    steps,
    pragmas,
    mismatches,
    warnings,
    snippet: connectionSnippet(profile, file),
  };
}
