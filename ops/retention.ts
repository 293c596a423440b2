import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseBackupName, type ParsedBackupName } from './backup-names.ts';
import { fsyncDir } from './durable.ts';

export interface RetentionPolicy {
  /** Keep at most this many backups (the newest). */
  keep?: number;
  /** Delete backups older than this many days. */
  maxAgeDays?: number;
}

export interface RetentionPlan {
  kept: string[];
  deleted: { name: string; reason: string }[];
}

const DAY_MS = 86_400_000;

/**
 * Which backups a policy deletes. Only names of this stem's pattern are considered; a
 * backup goes when either rule says so (beyond the `keep` newest, or older than
 * `maxAgeDays`), except `protect` (the backup just verified), which always stays.
 * Pure: it lists nothing and deletes nothing.
 */
export function planRetention(
  backups: ParsedBackupName[],
  policy: RetentionPolicy,
  now: Date,
  protect: string,
): RetentionPlan {
  const newestFirst = [...backups].sort((a, b) => b.time.getTime() - a.time.getTime() || (a.name < b.name ? 1 : -1));
  const plan: RetentionPlan = { kept: [], deleted: [] };
  newestFirst.forEach((b, rank) => {
    let reason: string | undefined;
    if (policy.keep !== undefined && rank >= policy.keep) reason = `beyond the ${policy.keep} newest`;
    else if (policy.maxAgeDays !== undefined && now.getTime() - b.time.getTime() > policy.maxAgeDays * DAY_MS)
      reason = `older than ${policy.maxAgeDays} days`;
    if (reason === undefined || b.name === protect) plan.kept.push(b.name);
    else plan.deleted.push({ name: b.name, reason });
  });
  return plan;
}

/** The backups of a stem in a directory (other files are not even looked at twice). */
export function listBackups(dir: string, stem: string): ParsedBackupName[] {
  return readdirSync(dir)
    .map((name) => parseBackupName(stem, name))
    .filter((b): b is ParsedBackupName => b !== null);
}

/** Plans and applies retention in `dir`, then fsyncs the directory. */
export function applyRetention(
  dir: string,
  stem: string,
  policy: RetentionPolicy,
  now: Date,
  protect: string,
): RetentionPlan {
  const plan = planRetention(listBackups(dir, stem), policy, now, protect);
  for (const d of plan.deleted) rmSync(join(dir, d.name));
  if (plan.deleted.length > 0) fsyncDir(dir);
  return plan;
}
