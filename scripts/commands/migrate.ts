import { defineCommand } from '../../lib/cli-kit.ts';
import { UsageError } from '../../lib/errors.ts';
import { existingSqliteFile } from '../../lib/files.ts';
import { checkPgUrl } from '../../pg/url.ts';
import { migrate } from '../../pg/migrate/run.ts';

export const command = defineCommand({
  name: 'migrate',
  summary: 'Copy a SQLite database into PostgreSQL in one transaction, then verify every table (counts and digests).',
  args: 'SQLITE_FILE',
  positionals: [1, 1],
  details: `Types come from the declared types and the values really stored (booleans, dates and
timestamps, blobs; a column whose values do not fit becomes text, and the plan says why),
rows go by COPY, identity sequences move past max(id), then indexes and foreign keys. Each
table is then checked: row count and an order-independent SHA-256 digest of its canonical rows
on both sides. Any error or difference rolls everything back: the target is left as it was.
The SQLite file is only read. Exit 0 verified, 1 failed (rolled back), 2 bad input.

example: loadlab migrate data/app.sqlite --to postgres://me@127.0.0.1:5432/app`,
  options: {
    to: {
      kind: 'string',
      value: 'URL',
      required: true,
      help: 'the target database (postgres://…), loopback unless --allow-remote',
    },
    'allow-remote': { kind: 'boolean', help: 'allow a non-loopback target' },
    json: { kind: 'boolean', help: 'print the result (plan, per-table checks) as JSON' },
  },
  async run({ values, positionals }) {
    const file = existingSqliteFile(positionals[0]!);
    const url = checkPgUrl(values.to, values['allow-remote'] ?? false, '--to');
    const r = await migrate({ sqliteFile: file, url, onProgress: (m) => process.stderr.write(`${m}\n`) });
    if (values.json) process.stdout.write(JSON.stringify(r, null, 2) + '\n');
    else {
      for (const t of r.plan.tables) {
        const check = r.tables.find((c) => c.table === t.name);
        process.stdout.write(
          `${t.name}: ${t.rows} rows${check ? `, ${check.ok ? 'verified' : 'DIFFERS'} (${check.pgRows} in PostgreSQL, digest ${check.pgDigest.slice(0, 12)})` : ''}\n`,
        );
        for (const c of t.columns) process.stdout.write(`  ${c.name} ${c.pgType}: ${c.why}\n`);
      }
      for (const n of r.plan.notes) process.stdout.write(`note: ${n}\n`);
      process.stdout.write(
        r.ok ? `migrated and verified in ${r.seconds.toFixed(1)} s\n` : `migration FAILED: ${r.reason}\n`,
      );
    }
    return r.ok ? 0 : 1;
  },
});
