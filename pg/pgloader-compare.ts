/**
 * `loadlab migrate` side by side with pgloader (Debian's package) on the same SQLite files,
 * into fresh databases of one throwaway cluster: wall time of each tool (median of
 * `--repeat` runs) and what each left behind, audited the same way (pg/migrate/verify.ts:
 * row counts and digests by meaning, column types, foreign keys, indexes, next ids).
 *
 *   node --import tsx pg/pgloader-compare.ts [--scale 0.1] [--repeat 3] [--out reports/migrate]
 *
 * A measurement: run it on an otherwise idle machine. Without pgloader it says how to get it.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { seedDatabase } from '../db/seed.ts';
import { builtinProfile } from '../db/profiles.ts';
import { median } from '../stats/index.ts';
import { startCluster } from './cluster.ts';
import { buildAwkwardDb } from './migrate/awkward-fixture.ts';
import { migrate } from './migrate/run.ts';
import { auditTarget, type TargetAudit } from './migrate/verify.ts';
import { withDatabase } from './url.ts';

interface ToolRun {
  tool: 'loadlab migrate' | 'pgloader';
  source: string;
  seconds: number[];
  medianS: number;
  /** The tool's own verdict (exit status / ok). */
  toolOk: boolean;
  toolMessage: string;
  audit: TargetAudit | null;
}

function pgloaderVersion(): string | null {
  const r = spawnSync('pgloader', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0]!.trim() : null;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '0.1' },
      repeat: { type: 'string', default: '3' },
      out: { type: 'string', default: 'reports/migrate' },
    },
  });
  const version = pgloaderVersion();
  if (!version) {
    process.stderr.write('error: pgloader not found (Debian/Ubuntu: apt-get install pgloader)\n');
    process.exit(2);
  }
  const repeat = Number(values.repeat);
  const work = mkdtempSync(join(tmpdir(), 'loadlab-pgloader-'));
  const sources = [
    { name: `seeded fixture, scale ${values.scale}`, file: join(work, 'seeded.sqlite') },
    { name: 'awkward data (sqlite3 CLI)', file: join(work, 'awkward.sqlite') },
  ];
  seedDatabase({ out: sources[0]!.file, profile: builtinProfile('tuned'), scale: Number(values.scale), seed: 42 });
  const builtBy = buildAwkwardDb(sources[1]!.file);
  sources[1]!.name = `awkward data (${builtBy})`;
  const cluster = await startCluster();
  const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
  const runs: ToolRun[] = [];
  let n = 0;
  try {
    for (const src of sources) {
      for (const tool of ['loadlab migrate', 'pgloader'] as const) {
        const seconds: number[] = [];
        let toolOk = true;
        let toolMessage = '';
        let lastUrl = '';
        for (let i = 0; i < repeat; i++) {
          const db = `cmp_${n++}`;
          await admin.unsafe(`CREATE DATABASE ${db}`);
          const url = withDatabase(cluster.url, db);
          lastUrl = url;
          process.stderr.write(`${src.name}: ${tool} run ${i + 1}/${repeat}\n`);
          const t0 = performance.now();
          if (tool === 'loadlab migrate') {
            const r = await migrate({ sqliteFile: src.file, url });
            seconds.push((performance.now() - t0) / 1000);
            toolOk &&= r.ok;
            toolMessage = r.ok ? 'verified equal' : (r.reason ?? 'failed');
          } else {
            const r = spawnSync(
              'pgloader',
              [`sqlite://${resolve(src.file)}`, url.replace(/^postgres:/, 'postgresql:')],
              {
                encoding: 'utf8',
                timeout: 600_000,
              },
            );
            seconds.push((performance.now() - t0) / 1000);
            toolOk &&= r.status === 0;
            // Its summary table ends with "Total import time  ERRORS  ROWS  …"; the exit status ignores the errors.
            const total = /Total import time\s+(\d+|✓)\s+(\d+)/.exec(`${r.stdout}\n${r.stderr}`);
            const tail = (r.stderr || r.stdout || '').trim().split('\n').filter(Boolean).slice(-1).join('');
            toolMessage = total
              ? `exit ${r.status}; its summary: ${total[1] === '✓' ? 0 : total[1]} error(s), ${total[2]} rows`
              : `exit ${r.status}: ${tail.slice(0, 200)}`;
          }
        }
        const audit = await auditTarget(src.file, lastUrl).catch((err: Error) => {
          toolMessage += ` (audit failed: ${err.message})`;
          return null;
        });
        runs.push({ tool, source: src.name, seconds, medianS: median(seconds), toolOk, toolMessage, audit });
      }
    }
  } finally {
    await admin.end({ timeout: 5 });
    cluster.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const record = {
    date: new Date().toISOString(),
    pgloader: version,
    postgres: cluster.version,
    repeat,
    sources: sources.map((s) => ({ name: s.name, bytes: statSync(s.file).size })),
    runs,
  };
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'pgloader.json'), JSON.stringify(record, null, 2) + '\n');
  const md = renderMarkdown(record);
  writeFileSync(join(values.out, 'PGLOADER.md'), md);
  process.stdout.write(md);
}

function renderMarkdown(r: {
  date: string;
  pgloader: string;
  postgres: string;
  repeat: number;
  sources: { name: string; bytes: number }[];
  runs: ToolRun[];
}): string {
  const lines = [
    '# `loadlab migrate` vs pgloader',
    '',
    `${r.pgloader}; PostgreSQL ${r.postgres}; ${r.date}; median of ${r.repeat} runs each, fresh database per run; ` +
      'both targets audited the same way (pg/migrate/verify.ts).',
    '',
    '| source | tool | time (median) | tool says | rows equal | next id continues | FKs (SQLite → PG) | indexes | problems |',
    '|---|---|---:|---|---|---|---|---|---|',
  ];
  for (const x of r.runs) {
    const a = x.audit;
    const eq = a ? `${a.tables.filter((t) => t.digestsEqual).length} of ${a.tables.length} tables` : '–';
    const ids = a
      ? `${a.tables.filter((t) => t.nextId?.ok).length} of ${a.tables.filter((t) => t.nextId).length}`
      : '–';
    lines.push(
      `| ${x.source} | ${x.tool} | ${x.medianS.toFixed(2)} s | ${x.toolMessage.replace(/\|/g, '/').slice(0, 120)} | ${eq} | ${ids} | ${a ? `${a.foreignKeys.sqlite} → ${a.foreignKeys.pg}` : '–'} | ${a ? `${a.indexes.sqlite} → ${a.indexes.pg}` : '–'} | ${a?.problems.join('; ').replace(/\|/g, '/') || 'none'} |`,
    );
  }
  lines.push('', '## Column types each tool chose', '');
  for (const src of r.sources) {
    const mine = r.runs.find((x) => x.source === src.name && x.tool === 'loadlab migrate')?.audit;
    const theirs = r.runs.find((x) => x.source === src.name && x.tool === 'pgloader')?.audit;
    const diffs: string[] = [];
    for (const t of mine?.tables ?? [])
      for (const [col, type] of Object.entries(t.types)) {
        const other = theirs?.tables.find((x) => x.table === t.table)?.types[col];
        if (other !== type) diffs.push(`| ${t.table}.${col} | ${type} | ${other ?? 'missing'} |`);
      }
    lines.push(`**${src.name}** (${(src.bytes / 1048576).toFixed(1)} MB):`, '');
    if (diffs.length) lines.push('| column | loadlab migrate | pgloader |', '|---|---|---|', ...diffs, '');
    else lines.push('the same types everywhere.', '');
  }
  return lines.join('\n');
}

await main();
