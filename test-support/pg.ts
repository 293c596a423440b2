import { findPg } from '../pg/cluster.ts';

/**
 * Whether to run the PostgreSQL tests: where PostgreSQL is installed, and always under CI
 * (`.ci/run` installs it), so a server missing there fails the tests instead of skipping them.
 */
export function runPgTests(): boolean {
  return Boolean(findPg()) || process.env.CI === 'true';
}
