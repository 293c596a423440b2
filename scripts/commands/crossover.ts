import { join } from 'node:path';
import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../lib/atomic-write.ts';
import { ensureDir } from '../../lib/ensure-dir.ts';
import { UsageError } from '../../lib/errors.ts';
import { CROSSOVER_DIMENSIONS, type CrossoverDimension } from '../../lib/records/crossover.ts';
import { interruptible } from '../../load/cli-support.ts';
import { findPg, PG_INSTALL_HINT } from '../../pg/cluster.ts';
import { checkPgUrl } from '../../pg/url.ts';
import { CROSSOVER_DEFAULTS, crossoverPlan, crossoverTrials, runCrossover } from '../../crossover/run.ts';
import { judgeCrossover } from '../../crossover/judge.ts';
import { crossoverChart, crossoverMarkdown } from '../../crossover/markdown.ts';
import { renderSvg } from '../../reports/charts/render.ts';
import { loadNoiseBands } from '../../reports/ledger/noise-bands.ts';
import { QUICK } from '../../run/presets.ts';
import { streamProgress } from '../../run/progress.ts';

/** reports/crossover/2026-01-02T03-04-05Z */
const defaultOutDir = (now = new Date()) =>
  join('reports', 'crossover', now.toISOString().slice(0, 19).replace(/:/g, '-') + 'Z');

export const command = defineCommand({
  name: 'crossover',
  summary:
    'SQLite vs PostgreSQL on the same requests while one dimension moves: where (if anywhere) PostgreSQL overtakes.',
  details: `Dimensions (the guide's "move to PostgreSQL" thresholds): concurrency (connections), writes
(% of requests that write, scenario mix-wNN), size (data scale; the SQLite file's MB), processes
(cluster:N for both engines). At each point both engines take the same request stream once per
round, the first engine alternating; each trial is a normal load trial (fresh copy, fresh server,
write audit). PostgreSQL runs on a throwaway cluster started and removed by the command (or
--pg-url). Writes DIR/crossover.json, DIR/CROSSOVER.md and one chart per dimension.
Exit 0 when every trial ran and every audit passed, 1 otherwise, 2 on bad input, 130 interrupted.`,
  options: {
    quick: {
      kind: 'boolean',
      help: 'short sweep: 3 concurrency, 3 write-share, 2 size and 2 process values, 2 rounds of 2 s (the default)',
    },
    full: {
      kind: 'boolean',
      help: 'concurrency 10..800, writes 0/10/30/50/80 %, scale 0.1/1/4, processes 1/2/4; 3 rounds of 5 s',
    },
    dimensions: {
      kind: 'list',
      value: 'D[,D]',
      help: `only these of ${CROSSOVER_DIMENSIONS.join(', ')}`,
    },
    rounds: {
      kind: 'number',
      value: 'N',
      min: 1,
      max: 20,
      integer: true,
      help: 'rounds per point (preset: 2 quick, 3 full)',
    },
    duration: {
      kind: 'number',
      value: 'S',
      min: 0.5,
      max: 600,
      help: 'measured seconds per trial (preset: 2 quick, 5 full)',
    },
    'sqlite-profile': {
      ...SHARED.profile,
      default: CROSSOVER_DEFAULTS.sqliteProfile,
      help: `the SQLite side: ${SHARED.profile.help}`,
    },
    config: SHARED.config,
    'pg-profile': {
      kind: 'string',
      value: 'NAME',
      default: CROSSOVER_DEFAULTS.pgProfile,
      help: 'the PostgreSQL side: pg-default or pg-tuned',
    },
    'pg-url': {
      kind: 'string',
      value: 'URL',
      help: 'use this PostgreSQL server (CREATEDB needed) instead of a throwaway cluster',
    },
    'allow-remote': { kind: 'boolean', help: 'allow a non-loopback --pg-url' },
    'data-dir': {
      kind: 'string',
      value: 'DIR',
      default: CROSSOVER_DEFAULTS.dataDir,
      help: 'seeded databases and trial copies (a real disk)',
    },
    out: { kind: 'string', value: 'DIR', defaultText: 'reports/crossover/<timestamp>/', help: 'where the files go' },
  },
  async run({ values }, { catalog }) {
    if (values.quick && values.full) throw new UsageError('give --quick or --full, not both');
    const dims = values.dimensions;
    for (const d of dims ?? [])
      if (!(CROSSOVER_DIMENSIONS as readonly string[]).includes(d))
        throw new UsageError(`unknown dimension '${d}' (known: ${CROSSOVER_DIMENSIONS.join(', ')})`);
    const sqliteProfile = catalog.profile(values['sqlite-profile']);
    const pgProfile = catalog.pgProfile(values['pg-profile']);
    const pgUrl =
      values['pg-url'] === undefined ? undefined : checkPgUrl(values['pg-url'], values['allow-remote'] ?? false);
    if (!pgUrl && !findPg()) throw new UsageError(PG_INSTALL_HINT);
    const options = {
      preset: values.full ? ('full' as const) : ('quick' as const),
      ...(dims ? { dimensions: dims as CrossoverDimension[] } : {}),
      ...(values.rounds !== undefined ? { rounds: values.rounds } : {}),
      ...(values.duration !== undefined ? { durationS: values.duration } : {}),
      sqliteProfile,
      pgProfile,
      catalogSpec: catalog.spec,
      ...(pgUrl ? { pgUrl, allowRemote: values['allow-remote'] ?? false } : {}),
      dataDir: values['data-dir'],
    };
    const plan = crossoverPlan(options);
    const outDir = values.out ?? defaultOutDir();
    ensureDir(outDir);
    const stop = interruptible();
    const sink = streamProgress(process.stderr);
    const perTrialS = plan.warmupS + plan.durationS + 3;
    let t0 = 0;
    try {
      // The same fallback as the run's ledger, when the calibration file is missing.
      const bands = loadNoiseBands(QUICK.thresholds.ledgerNoisePct);
      let file: Awaited<ReturnType<typeof runCrossover>>;
      try {
        file = await runCrossover({
          ...options,
          noise: { pct: bands.pct.http, from: bands.from },
          signal: stop.signal,
          onProgress: (e) => {
            if (e.kind === 'note') sink.note(e.text);
            else if (e.kind === 'trial-start') {
              t0 = performance.now();
              sink.stageStart(e.index, e.total, e.label, (e.total - e.index + 1) * perTrialS);
            } else
              sink.stageEnd(
                e.label,
                e.failure ? 'FAILED' : 'ok',
                (performance.now() - t0) / 1000,
                e.failure ?? (e.rps === null ? '' : `${e.rps.toFixed(0)} rps`),
              );
          },
        });
      } catch (err) {
        sink.close?.();
        if (err instanceof UsageError) throw err;
        // PostgreSQL could not be prepared (no CREATEDB, a server that went away): the environment, not a bug.
        process.stderr.write(`error: crossover could not run: ${(err as Error).message.split('\n')[0]}\n`);
        return 1;
      }
      sink.close?.();
      const verdicts = judgeCrossover(file, options.preset);
      const charts: Record<string, string> = {};
      for (const v of verdicts) {
        const name = `crossover-${v.plan.dimension}.svg`;
        writeFileAtomic(join(outDir, name), await renderSvg(crossoverChart(file, v)));
        charts[v.plan.dimension] = name;
      }
      writeJsonAtomic(join(outDir, 'crossover.json'), file);
      writeFileAtomic(join(outDir, 'CROSSOVER.md'), crossoverMarkdown(file, verdicts, charts));
      for (const v of verdicts) process.stdout.write(`${v.plan.claim}: ${v.ledger.verdict} (${v.ledger.reason})\n`);
      process.stderr.write(
        `wrote ${join(outDir, 'crossover.json')} and ${join(outDir, 'CROSSOVER.md')} (${crossoverTrials(plan)} trials planned, ${file.records.length} run)\n`,
      );
      if (stop.interrupted()) return 130;
      return file.records.some((r) => r.status !== 'ok' || r.auditOk === false) ? 1 : 0;
    } finally {
      stop.dispose();
    }
  },
});
