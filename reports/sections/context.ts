import type { RunResults } from '../../lib/records/run.ts';
import { vacuumMethod } from '../../lib/vacuum-method.ts';
import { bytes, DASH, num, us } from '../../lib/format.ts';
import { renderTable, type Column } from '../../lib/table.ts';

type Pair = [string, string];
const PAIRS: Column<Pair>[] = [
  { header: 'what', cell: (p) => p[0] },
  { header: 'value', cell: (p) => p[1] },
];

/** An ISO timestamp as people read it: "2026-11-26 05:11 UTC" (the raw value stays in results.json). */
export function humanDate(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 10)} ${d.toISOString().slice(11, 16)} UTC`;
}

/** The context header every report opens with (mitata-style). */
export function renderContext(run: RunResults): string {
  const e = run.environment;
  const pin = e.pinning
    ? e.pinning.pinned
      ? `server CPU ${e.pinning.serverCpu}, generator CPU ${e.pinning.generatorCpu}`
      : `none (${e.pinning.reason ?? 'unknown'})`
    : 'not recorded';
  const rows: Pair[] = [
    ['date', humanDate(e.date)],
    ['git SHA', e.gitSha ?? DASH],
    [
      'mode',
      `${run.mode}${run.configFile ? ` + ${run.configFile}` : ''}; wall time ${run.wallS === null ? DASH : `${num(run.wallS)} s`}`,
    ],
    ['CPU', `${e.cpuModel}, ${e.cores} cores; pinning: ${pin}`],
    ['memory', bytes(e.memoryBytes)],
    ['kernel', `${e.platform} ${e.kernel}`],
    // The data directory's path is this machine's business (and usually deleted): its kind is what matters.
    ['database files', `${e.filesystem}; fsync probe ${us(e.fsyncUs)}`],
    ['Node / SQLite', `${e.node} / ${e.sqlite}`],
    [
      'better-sqlite3 / autocannon / tinybench / k6',
      [e.betterSqlite3, e.autocannon, e.tinybench, e.k6 ?? 'not installed'].map((v) => v ?? DASH).join(' / '),
    ],
    ['profiles', run.config.profiles.join(', ')],
    ['database', `scale ${run.config.scale}, seed ${run.config.seed}`],
  ];
  return renderTable(PAIRS, rows);
}

/** Method: what each stage did with which settings, and the caveats the run detected. */
export function renderMethod(run: RunResults): string {
  const c = run.config;
  const lines = [
    `- **Load** (autocannon, closed loop): scenarios ${c.load.scenarios.length ? c.load.scenarios.map((s) => `'${s}'`).join(', ') : 'all'}, ${c.load.connections} connections, ${c.load.trials} trials × ${c.load.durationS} s after a ${c.load.warmupS} s warm-up; latency from each response's own time (HDR, sub-ms); figures are medians of the trials.`,
    `- **Capacity**: '${c.capacity.scenario}' stepping 10, 25, 50, … up to ${c.capacity.maxConnections} connections, ${c.capacity.durationS} s each after ${c.capacity.warmupS} s warm-up, stopping at the first level that misses${c.capacity.refine > 0 ? `, then ${c.capacity.refine} bisection step${c.capacity.refine > 1 ? 's' : ''} between the last passing and the first failing level` : ''}${c.capacity.sweeps > 1 ? `; the sweep repeated ${c.capacity.sweeps} times (the median sweep counts, the interval spans them all)` : ''}; capacity = the highest concurrency with p95 < ${c.capacity.sloP95Ms} ms and errors < ${c.capacity.maxErrorPct} %.`,
    `- **Microbenchmarks** (tinybench, in-process): ${c.bench.timeMs} ms per task; ablation switches one PRAGMA at a time; index sweep at ${c.bench.indexSweepRows.map((n) => n.toLocaleString('en-US')).join(', ')} rows.`,
    `- **VACUUM**: ${vacuumMethod(c.vacuum.deleteShare, c.vacuum.updateShare)}. The ledger's size row is the guide's claim as it means it: tuned's file under its own maintenance; the table "DB file size and VACUUM" adds what a real VACUUM did.`,
    `- **Noise**: each claim is judged by its interval against the noise band of its kind of metric (see the ledger legend); compare uses ±${c.thresholds.comparePct} %.`,
  ];
  if (c.injectDelayMs > 0)
    lines.push(
      `- **Calibration run**: every request was delayed ${c.injectDelayMs} ms on purpose (serve --inject-delay-ms). These figures are not a measurement of SQLite.`,
    );
  const stages = run.stages.filter((s) => s.status !== 'ok');
  const caveats = [
    ...run.environment.caveats,
    ...stages.map((s) => `stage ${s.name} ${s.status}${s.reason ? `: ${s.reason}` : ''}`),
  ];
  return [
    ...lines,
    '',
    '**Caveats detected by this run**',
    '',
    ...(caveats.length ? caveats.map((x) => `- ${x}`) : ['- none']),
    '',
  ].join('\n');
}
