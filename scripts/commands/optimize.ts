import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import { optimizeDatabase, type OptimizeResult } from '../../ops/optimize.ts';
import { duration } from '../../lib/format.ts';
import { alignColumns } from '../../lib/table.ts';

const show = (v: number | string | undefined) => (v === undefined ? '-' : String(v));

/** The text report of `loadlab optimize` (pure). */
export function renderOptimize(r: OptimizeResult): string {
  const lines = [
    `${r.dryRun ? 'plan (dry run, nothing changed)' : 'optimize'}: ${r.file} with profile ${r.profile}`,
    '',
    ...alignColumns([
      ['step', 'target', 'status', 'time', 'note'],
      ...r.steps.map((s) => [s.step, s.target, s.status, s.ms === undefined ? '' : duration(s.ms), s.message]),
    ]),
    '',
    r.dryRun ? 'PRAGMAs now (a dry run applies nothing to the file):' : 'PRAGMAs read back from fresh connections:',
    ...alignColumns([
      ['pragma', 'scope', 'requested', 'plain open', 'with snippet'],
      ...r.pragmas.map((p) => [p.pragma, p.scope, show(p.requested), show(p.freshOpen), show(p.withSnippet)]),
    ]),
    '',
    '"plain open" is what an application gets with new Database(file); "with snippet" after running the code below.',
    '',
    r.snippet.trimEnd(),
  ];
  for (const w of r.warnings) lines.push('', `warning: ${w}`);
  return lines.join('\n') + '\n';
}

export const command = defineCommand({
  name: 'optimize',
  summary:
    "Apply a profile's file PRAGMAs and indexes to a database, run PRAGMA optimize, print requested vs effective.",
  args: 'DB',
  details: `Stores what can live in the file: journal_mode, and auto_vacuum (which changes only
through VACUUM on a database with tables, so only with --vacuum; otherwise a warning).
Creates the profile's indexes whose tables and columns exist (the others are skipped and
listed), runs PRAGMA optimize, then reads every PRAGMA back. Per-connection PRAGMAs cannot
be stored in a file: it prints the better-sqlite3 code to run at every open, verified on a
real connection.

exit: 0 applied, 1 a PRAGMA still differs or a step failed, 2 bad path / not SQLite / locked.
example: loadlab optimize data/app.sqlite --profile consensus --dry-run`,
  options: {
    profile: { ...SHARED.profile, required: true },
    config: SHARED.config,
    'dry-run': { kind: 'boolean', help: 'open read-only, change nothing, show the plan' },
    vacuum: { kind: 'boolean', help: 'allow VACUUM to apply auto_vacuum (rewrites the file; needs its size free)' },
    json: { kind: 'boolean', help: 'print the result as JSON' },
  },
  positionals: [1, 1],
  async run({ values, positionals }, { catalog }) {
    const profile = catalog.profile(values.profile);
    const result = optimizeDatabase(positionals[0]!, {
      profile,
      dryRun: values['dry-run'] ?? false,
      vacuum: values.vacuum ?? false,
    });
    process.stdout.write(values.json ? JSON.stringify(result) + '\n' : renderOptimize(result));
    const failed = result.steps.some((s) => s.status === 'failed') || result.mismatches.length > 0;
    return failed ? 1 : 0;
  },
});
