import { join } from 'node:path';
import { defineCommand } from '../context.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../lib/atomic-write.ts';
import { ensureDir } from '../../lib/ensure-dir.ts';
import { exitOnInterrupt } from '../../lib/interrupt.ts';
import { createWorkspace } from '../../bench/workspace.ts';
import { UsageError } from '../../lib/errors.ts';
import { findCountingTools, INSTALL_HINT } from '../../bench/counted/tools.ts';
import { SHARED } from '../flags.ts';
import { baselineConfig, candidateConfig, applySql } from '../../tune/fragment.ts';
import { comparisonLine, renderTuneMarkdown } from '../../tune/report.ts';
import { runTune, TUNE_DEFAULTS, type TuneProgress } from '../../tune/run.ts';
import { DURABILITIES, settingsText, type Durability } from '../../tune/space.ts';
import { checkTarget, type ServiceSpec } from '../../tune/service.ts';
import { readScenarioFile } from '../../load/user-scenario/read.ts';

/** "5m", "90s", "1m30s", "120" (seconds) -> seconds; anything else a UsageError. */
export function parseBudget(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(t);
  if (!m || t === '' || (!m[1] && !m[2] && !m[3]))
    throw new UsageError(`--budget: expected a duration such as 60s, 5m or 1m30s, got '${text}'`);
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}

const MIN_BUDGET_S = 10;
const DEFAULT_TARGET = 'http://127.0.0.1:{port}';

/** --serve, --scenario-file and --target: all or none (target has a default). */
function serviceSpec(
  values: { serve?: string; 'scenario-file'?: string; target?: string },
  outDir: string,
): ServiceSpec | undefined {
  const { serve, target } = values;
  const scenarioFile = values['scenario-file'];
  if (serve === undefined) {
    if (scenarioFile !== undefined || target !== undefined)
      throw new UsageError('--scenario-file and --target go with --serve CMD: tune starts your service itself');
    return undefined;
  }
  if (serve.trim() === '') throw new UsageError('--serve: give the command that starts your service');
  if (scenarioFile === undefined) throw new UsageError("--serve needs --scenario-file FILE: your service's requests");
  checkTarget(target ?? DEFAULT_TARGET);
  return { command: serve, scenarioFile, target: target ?? DEFAULT_TARGET, outDir };
}
const MAX_BUDGET_S = 6 * 3600;

/** Progress on stderr: one live line on a terminal (redrawn every second with the time left), plain lines otherwise. */
function progressLine(out: NodeJS.WriteStream, budgetS: number) {
  const t0 = performance.now();
  let last: TuneProgress | undefined;
  const text = () => {
    if (!last) return '';
    const left = Math.max(0, Math.round(budgetS - (performance.now() - t0) / 1000));
    return `tune [${last.stage}] ${last.message}${last.leader ? ` · leader: ${last.leader}` : ''} · ${left} s left`;
  };
  const tty = out.isTTY === true;
  const timer = tty
    ? setInterval(() => out.write(`\r\x1b[2K${text().slice(0, (out.columns ?? 120) - 1)}`), 1000)
    : undefined;
  timer?.unref();
  return {
    update(p: TuneProgress) {
      last = p;
      if (tty) out.write(`\r\x1b[2K${text().slice(0, (out.columns ?? 120) - 1)}`);
      else out.write(`${text()}\n`);
    },
    close() {
      if (timer) clearInterval(timer);
      if (tty) out.write('\r\x1b[2K');
    },
  };
}

export const command = defineCommand({
  name: 'tune',
  summary: 'Find the best PRAGMAs and indexes for your own database and queries, measured paired, within a budget.',
  args: 'DB',
  details: `Works on a copy of DB (its SHA-256 is checked before and after; the file is never opened).
Indexes: each full scan of a large table, temp b-tree sort or automatic index in the queries'
plans proposes the index that would serve it; SQLite must plan differently with it, and a
paired measurement must show a query faster beyond 5 % and none slower, or it is dropped.
PRAGMAs: journal_mode + synchronous (only pairs that meet --durability), cache_size,
mmap_size, temp_store and page_size (on a VACUUM'd copy), searched by successive halving;
then each setting where the leader differs from yours is measured paired against your value
and adopted only when it is shown faster beyond 5 % on a query and slower on none.
With --counted, a setting the timing cannot separate from yours is counted per call (system
calls with strace; instructions with valgrind when the budget pays) and adopted when it does
less work on a query and more on none.
busy_timeout: when a query writes, 4 connections run the writes at once under the winner for
each of 0, 10, 100, 1000, 5000 ms; the share refused with SQLITE_BUSY sets the fragment's value.
Writes: TUNE.md, tune.json, tune-profile.json (a customProfiles entry for run and ab),
ab-baseline.json (tuned under the same name, for ab) and apply.sql.

Your own service (--serve CMD --scenario-file F [--target URL]): after the search, tune starts
CMD twice, yours on a plain copy and the winner on a copy with its journal, page size and
indexes, each told LOADLAB_DB (the file), LOADLAB_PRAGMAS (';'-separated PRAGMAs to run on
every connection, busy_timeout included) and PORT; runs ab between them (the winner as the
candidate) with 40 % of the budget, writes service-ab/, and stops both.

The queries file is the bench's format: statements ending in ';', '-- @name x',
'-- @params [..]' (repeatable, cycled). Yours: what new Database(file) gives, no PRAGMAs.

exit: 0 done, 1 the database changed during the run, 2 bad input, 130 interrupted (copies removed).
example: loadlab tune app.sqlite --queries queries.sql --budget 5m`,
  options: {
    queries: { kind: 'string', value: 'FILE', required: true, help: 'your queries (the bench queries-file format)' },
    budget: {
      kind: 'string',
      value: 'TIME',
      defaultText: `${TUNE_DEFAULTS.budgetS / 60}m`,
      help: `the whole search's time: 60s, 5m, 1m30s (${MIN_BUDGET_S} s to ${MAX_BUDGET_S / 3600} h)`,
    },
    durability: {
      kind: 'string',
      value: 'LEVEL',
      default: TUNE_DEFAULTS.durability,
      help: 'full: a commit survives a power cut; normal: never corrupt, the last commits may roll back; off: anything',
    },
    out: { kind: 'string', value: 'DIR', default: 'out/tune', help: 'where TUNE.md and the config files go' },
    'data-dir': {
      kind: 'string',
      value: 'DIR',
      default: TUNE_DEFAULTS.dataDir,
      help: 'where the copies go (a real disk; removed afterwards)',
    },
    'min-rows': { ...SHARED['min-rows'], help: 'scans of tables with at most this many rows propose no index' },
    counted: {
      kind: 'boolean',
      help: 'break ties with exact counters: system calls (strace) and instructions (valgrind) per call',
    },
    serve: {
      kind: 'string',
      value: 'CMD',
      help: 'your service: started twice (yours, the winner) with LOADLAB_DB, LOADLAB_PRAGMAS and PORT; ab runs between them',
    },
    'scenario-file': { kind: 'string', value: 'FILE', help: "your service's requests (docs/load.md), with --serve" },
    target: {
      kind: 'string',
      value: 'URL',
      defaultText: DEFAULT_TARGET,
      help: 'where an instance of --serve listens; {port} is its PORT (loopback)',
    },
    json: { kind: 'boolean', help: 'print tune.json to stdout instead of the summary' },
  },
  positionals: [1, 1],
  async run({ values, positionals }) {
    const budgetS = values.budget === undefined ? TUNE_DEFAULTS.budgetS : parseBudget(values.budget);
    if (budgetS < MIN_BUDGET_S || budgetS > MAX_BUDGET_S)
      throw new UsageError(`--budget must be between ${MIN_BUDGET_S} s and ${MAX_BUDGET_S / 3600} h, got ${budgetS} s`);
    const durability = values.durability as Durability;
    if (!DURABILITIES.includes(durability))
      throw new UsageError(`--durability must be one of ${DURABILITIES.join(', ')}, got '${values.durability}'`);
    const service = serviceSpec(values, join(values.out, 'service-ab'));
    if (service) await readScenarioFile(service.scenarioFile);
    const tools = values.counted ? findCountingTools() : undefined;
    if (tools && !tools.strace) throw new UsageError(`--counted needs strace on PATH (${INSTALL_HINT})`);
    const outDir = values.out;
    const line = progressLine(process.stderr, budgetS);
    // The command owns the copies' directory so Ctrl-C removes them too.
    const workspace = createWorkspace({ dataDir: values['data-dir'], scale: 1, seed: 0 });
    const stopListening = exitOnInterrupt(() => {
      line.close();
      workspace.cleanup();
    }, 'interrupted: the copies were removed; nothing was written');
    let record;
    try {
      record = await runTune({
        db: positionals[0]!,
        queries: values.queries,
        budgetS,
        durability,
        workspace,
        minRows: values['min-rows'],
        ...(tools ? { counted: true, countingTools: tools } : {}),
        ...(service ? { service } : {}),
        onProgress: (p) => line.update(p),
      });
    } finally {
      line.close();
      stopListening();
      workspace.cleanup();
    }
    ensureDir(outDir);
    writeJsonAtomic(join(outDir, 'tune.json'), record);
    writeFileAtomic(join(outDir, 'TUNE.md'), renderTuneMarkdown(record));
    writeJsonAtomic(join(outDir, 'tune-profile.json'), candidateConfig(record));
    writeJsonAtomic(join(outDir, 'ab-baseline.json'), baselineConfig());
    writeFileAtomic(join(outDir, 'apply.sql'), applySql(record));
    if (values.json) process.stdout.write(JSON.stringify(record) + '\n');
    else
      process.stdout.write(
        [
          `winner: ${settingsText(record.winner)}; ${record.adoptedIndexes.length} index(es) to create`,
          `against yours: ${comparisonLine(record.vsCurrent)}`,
          `against tuned: ${comparisonLine(record.vsTuned)}`,
          ...(record.service
            ? [
                `through your service: ${record.service.error ? `not measured: ${record.service.error}` : record.service.headline}`,
              ]
            : []),
          `${Math.round(record.elapsedS)} s of ${budgetS} s; wrote ${join(outDir, 'TUNE.md')}`,
          '',
        ].join('\n'),
      );
    if (!record.db.unchanged) {
      process.stderr.write(`error: ${record.db.path} changed during the run (another process wrote it)\n`);
      return 1;
    }
    return 0;
  },
});
