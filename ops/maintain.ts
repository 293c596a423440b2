import type Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { AUTO_VACUUM_NAMES, pragmaValue } from './catalog.ts';
import { sidecar, withReadWrite } from './sqlite-access.ts';

export type MaintainStepName = 'optimize' | 'analyze' | 'incremental-vacuum' | 'vacuum' | 'checkpoint';

/** Steps always run in this order, whatever the order of the flags. */
export const MAINTAIN_ORDER: MaintainStepName[] = ['optimize', 'analyze', 'incremental-vacuum', 'vacuum', 'checkpoint'];

export interface MaintainOptions {
  optimize?: boolean;
  analyze?: boolean;
  /** Pages to free with incremental_vacuum; 0 frees them all. */
  incrementalVacuumPages?: number;
  vacuum?: boolean;
  checkpoint?: boolean;
  busyTimeoutMs?: number;
}

export interface SpaceFigures {
  pageSize: number;
  freelistBefore: number;
  freelistAfter: number;
  /** Free pages the step should return × page_size: the whole freelist, or N for incremental_vacuum(N). */
  predictedBytes: number;
  /** Database file size before minus after (the WAL checkpointed both times in WAL mode). */
  actualBytes: number;
  fileBytesBefore: number;
  fileBytesAfter: number;
}

export interface MaintainStep {
  step: MaintainStepName;
  status: 'ok' | 'skipped' | 'failed';
  ms: number;
  message: string;
  space?: SpaceFigures;
}

export interface MaintainResult {
  file: string;
  journalMode: string;
  autoVacuum: number;
  steps: MaintainStep[];
  fileBytesBefore: number;
  fileBytesAfter: number;
  walBytesAfter: number | null;
}

const size = (file: string) => statSync(file).size;

/** In WAL mode, moves everything into the database file first, so its size means something. */
function settle(db: Database.Database, wal: boolean): void {
  if (wal) db.pragma('wal_checkpoint(TRUNCATE)');
}

/** `pagesToFree`: how many free pages the step should return (all of them by default). */
function spaceStep(
  db: Database.Database,
  file: string,
  wal: boolean,
  run: () => void,
  pagesToFree = Infinity,
): SpaceFigures {
  settle(db, wal);
  const pageSize = Number(pragmaValue(db, 'page_size'));
  const freelistBefore = Number(pragmaValue(db, 'freelist_count'));
  const fileBytesBefore = size(file);
  run();
  settle(db, wal);
  const fileBytesAfter = size(file);
  return {
    pageSize,
    freelistBefore,
    freelistAfter: Number(pragmaValue(db, 'freelist_count')),
    predictedBytes: Math.min(freelistBefore, pagesToFree) * pageSize,
    actualBytes: fileBytesBefore - fileBytesAfter,
    fileBytesBefore,
    fileBytesAfter,
  };
}

function runStep(
  db: Database.Database,
  file: string,
  name: MaintainStepName,
  opts: MaintainOptions,
  wal: boolean,
  autoVacuum: number,
): Omit<MaintainStep, 'ms'> {
  switch (name) {
    case 'optimize':
      db.pragma('analysis_limit = 1000');
      db.pragma('optimize = 0x10002');
      return {
        step: name,
        status: 'ok',
        message: 'PRAGMA optimize=0x10002 (all tables considered, analysis_limit=1000)',
      };
    case 'analyze':
      db.exec('ANALYZE');
      return { step: name, status: 'ok', message: 'ANALYZE (full statistics)' };
    case 'incremental-vacuum': {
      const pages = opts.incrementalVacuumPages ?? 0;
      if (autoVacuum !== 2) {
        return {
          step: name,
          status: 'skipped',
          message: `auto_vacuum is ${AUTO_VACUUM_NAMES[autoVacuum] ?? autoVacuum}, not incremental: incremental_vacuum does nothing (see 'loadlab optimize --vacuum')`,
        };
      }
      const space = spaceStep(
        db,
        file,
        wal,
        () => db.pragma(`incremental_vacuum(${pages})`),
        pages === 0 ? Infinity : pages,
      );
      return {
        step: name,
        status: 'ok',
        message: `incremental_vacuum(${pages}): freed ${space.freelistBefore - space.freelistAfter} pages`,
        space,
      };
    }
    case 'vacuum': {
      const space = spaceStep(db, file, wal, () => db.exec('VACUUM'));
      return { step: name, status: 'ok', message: 'VACUUM (rewrote the file)', space };
    }
    case 'checkpoint': {
      if (!wal) return { step: name, status: 'skipped', message: 'journal_mode is not wal: nothing to checkpoint' };
      const r = db.pragma('wal_checkpoint(TRUNCATE)', { simple: false }) as {
        busy: number;
        log: number;
        checkpointed: number;
      }[];
      const row = r[0]!;
      if (row.busy)
        return {
          step: name,
          status: 'failed',
          message: `wal_checkpoint(TRUNCATE) could not finish: other connections are reading or writing (${row.checkpointed}/${row.log} frames)`,
        };
      return {
        step: name,
        status: 'ok',
        message: `wal_checkpoint(TRUNCATE): ${row.checkpointed} frames copied, WAL truncated`,
      };
    }
  }
}

/** Runs the requested maintenance steps in MAINTAIN_ORDER, each timed. */
export function maintainDatabase(file: string, opts: MaintainOptions): MaintainResult {
  const wanted = MAINTAIN_ORDER.filter((s) =>
    s === 'incremental-vacuum'
      ? opts.incrementalVacuumPages !== undefined
      : Boolean(opts[s as 'optimize' | 'analyze' | 'vacuum' | 'checkpoint']),
  );
  return withReadWrite(
    file,
    (db) => {
      const fileBytesBefore = size(file);
      const journalMode = String(pragmaValue(db, 'journal_mode'));
      const autoVacuum = Number(pragmaValue(db, 'auto_vacuum'));
      const wal = journalMode === 'wal';
      const steps: MaintainStep[] = wanted.map((name) => {
        const t0 = performance.now();
        const step = runStep(db, file, name, opts, wal, autoVacuum);
        return { ...step, ms: performance.now() - t0 };
      });
      const walFile = sidecar(file, '-wal');
      return {
        file,
        journalMode,
        autoVacuum,
        steps,
        fileBytesBefore,
        fileBytesAfter: size(file),
        walBytesAfter: existsSync(walFile) ? size(walFile) : null,
      };
    },
    opts.busyTimeoutMs,
  );
}
