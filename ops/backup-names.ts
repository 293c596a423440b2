import { basename, extname } from 'node:path';

/**
 * Backup file names: `<db>-<UTC timestamp>.sqlite[.gz]`, e.g. `shop-20261126T033000.123Z.sqlite.gz`.
 * The timestamp (ISO 8601 basic format, milliseconds so two backups in one second differ)
 * sorts as text in time order. Retention only ever touches names this module parses.
 */

const DB_EXTENSIONS = new Set(['.sqlite', '.sqlite3', '.db', '.db3']);

/** The name stem of a database: `data/shop.sqlite` -> `shop`. */
export function backupStem(dbPath: string): string {
  const base = basename(dbPath);
  const ext = extname(base);
  return DB_EXTENSIONS.has(ext.toLowerCase()) ? base.slice(0, -ext.length) : base;
}

/** `20261126T033000.123Z` for a date. */
export function formatStamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '');
}

export function backupFileName(stem: string, date: Date, gzip: boolean): string {
  return `${stem}-${formatStamp(date)}.sqlite${gzip ? '.gz' : ''}`;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface ParsedBackupName {
  name: string;
  time: Date;
  gzip: boolean;
}

/** The time and compression of a backup name of this stem, or null for any other file. */
export function parseBackupName(stem: string, name: string): ParsedBackupName | null {
  const m = new RegExp(
    `^${escapeRegExp(stem)}-(\\d{4})(\\d{2})(\\d{2})T(\\d{2})(\\d{2})(\\d{2})\\.(\\d{3})Z\\.sqlite(\\.gz)?$`,
  ).exec(name);
  if (!m) return null;
  const [y, mo, d, h, mi, s, ms] = m.slice(1, 8).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const time = new Date(Date.UTC(y, mo - 1, d, h, mi, s, ms));
  if (
    Number.isNaN(time.getTime()) ||
    formatStamp(time) !==
      m
        .slice(1, 8)
        .join('')
        .replace(/^(\d{8})(\d{6})(\d{3})$/, '$1T$2.$3Z')
  )
    return null;
  return { name, time, gzip: m[8] !== undefined };
}
