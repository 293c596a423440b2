/**
 * CROSSOVER.md and one chart per dimension, from a crossover file and its verdicts (pure:
 * records in, text out; writing files is the command's job).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { CrossoverFile } from '../lib/records/crossover.ts';
import type { DimensionVerdict, PointVerdict, RatioSummary } from './judge.ts';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

const num = (x: number | null, digits = 0) => (x === null ? '–' : x.toFixed(digits));
const ratio = (r: RatioSummary | null) =>
  r === null
    ? '–'
    : `×${r.median.toFixed(2)} [${r.low.toFixed(2)}, ${r.high.toFixed(2)}] ${Math.round(r.coverage * 100)} % ${r.state === 'within noise' ? '' : `**${r.state}**`}`.trim();
const shown = (p: PointVerdict, dim: string) =>
  dim === 'size' ? `${p.shown.toFixed(p.shown < 10 ? 1 : 0)} MB` : String(p.value);

/** The chart of one dimension: throughput of both engines per value (line: median, rule: the rounds' range). */
export function crossoverChart(file: CrossoverFile, v: DimensionVerdict): TopLevelSpec {
  const values = v.points.flatMap((p) =>
    (['sqlite', 'postgres'] as const).map((engine) => {
      const rps = file.records
        .filter((r) => r.dimension === v.plan.dimension && r.value === p.value && r.engine === engine && r.rps !== null)
        .map((r) => r.rps!);
      return {
        x: p.shown,
        engine: engine === 'sqlite' ? 'SQLite' : 'PostgreSQL',
        rps: p[engine].rps,
        min: rps.length ? Math.min(...rps) : null,
        max: rps.length ? Math.max(...rps) : null,
      };
    }),
  );
  const logX = v.plan.dimension === 'concurrency' || v.plan.dimension === 'size';
  const xs = [...new Set(values.map((d) => d.x))].sort((a, b) => a - b);
  // Ticks at the values swept, whole numbers where the dimension counts things (processes,
  // connections, % writes): never "1.5 server processes".
  const x = {
    field: 'x',
    type: 'quantitative',
    title: v.plan.unit,
    ...(logX ? { scale: { type: 'log' } } : {}),
    axis: { values: xs, ...(v.plan.dimension === 'size' ? {} : { format: 'd' }), labelAngle: 0 },
  } as const;
  // The guide's threshold as a rule, when it falls inside the sweep (10 GB does not fit a quick one).
  const threshold = v.plan.threshold;
  const inside = xs.length > 0 && threshold >= xs[0]! && threshold <= xs[xs.length - 1]!;
  const where = inside
    ? "dashed: the guide's threshold"
    : `the guide's threshold, ${threshold} ${v.plan.unit}, lies outside the sweep`;
  return {
    $schema: SCHEMA,
    title: {
      text: `Throughput by ${v.plan.dimension} (2xx requests/s)`,
      subtitle: ['lines: medians; vertical bars: the range over rounds', where],
    },
    data: { values },
    encoding: { x, color: { field: 'engine', type: 'nominal', title: 'engine', scale: { scheme: 'tableau10' } } },
    layer: [
      {
        mark: { type: 'line', point: true },
        encoding: { y: { field: 'rps', type: 'quantitative', title: 'requests/s', scale: { zero: true, nice: true } } },
      },
      {
        // Whiskers only where there is a range, never clipped by the plot's edge.
        transform: [{ filter: 'isValid(datum.min) && isValid(datum.max)' }],
        mark: { type: 'rule', strokeWidth: 2, clip: false },
        encoding: { y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } },
      },
      ...(inside
        ? [
            {
              data: { values: [{ t: threshold }] },
              mark: { type: 'rule', color: 'firebrick', strokeDash: [4, 4] },
              encoding: { x: { field: 't', type: 'quantitative' }, color: { value: 'firebrick' } },
            },
          ]
        : []),
    ],
    width: 380,
    height: 220,
  } as TopLevelSpec;
}

export function crossoverMarkdown(
  file: CrossoverFile,
  verdicts: DimensionVerdict[],
  charts: Record<string, string> = {},
): string {
  const cores = file.environment.cores;
  const o = file.options as { rounds?: number; durationS?: number; sqliteProfile?: string; pgProfile?: string };
  const lines: string[] = [];
  lines.push('# SQLite vs PostgreSQL: where (if anywhere) PostgreSQL overtakes', '');
  lines.push(
    `SQLite \`${o.sqliteProfile}\` vs PostgreSQL ${file.postgres.version} \`${o.pgProfile}\` (${file.postgres.server}), ` +
      `the same request streams, ${o.rounds} rounds per point × ${o.durationS} s per trial, engines alternating first; ` +
      `${cores} cores (${file.environment.cpuModel}); sweep ${file.wallS.toFixed(0)} s.`,
    '',
  );
  if ((file.options as { preset?: string }).preset !== 'full') {
    const n = o.rounds ?? 0;
    lines.push(
      `**Quick run: indicative.** ${n} round(s) per point: the interval is the rounds' range, of ${Math.round(100 * Math.max(0, 1 - 2 * 0.5 ** n))} % coverage; \`--full\` runs 3 rounds of 5 s per point, and more points.`,
      '',
    );
  }
  lines.push(
    `**Rule**: per round, PostgreSQL/SQLite throughput and SQLite/PostgreSQL p95 (> 1: PostgreSQL better). ` +
      `A side is ahead when the whole interval of the median paired ratio (sign-test interval with its coverage; with few ` +
      `rounds, the rounds' range; one round: no verdict) lies beyond the noise band ±${file.noise.pct} % (${file.noise.from}). A point where a trial or a ` +
      `write audit failed gives no verdict.`,
    '',
  );
  lines.push("## The guide's thresholds", '', '| guide says | verdict (throughput) | why | p95 |', '|---|---|---|---|');
  for (const v of verdicts)
    lines.push(`| ${v.plan.claim} | **${v.ledger.verdict}** | ${v.ledger.reason} | ${v.p95.text} |`);
  lines.push('');
  for (const v of verdicts) {
    lines.push(`## ${v.plan.dimension}`, '');
    lines.push(`- throughput: ${v.throughput.text}`, `- p95: ${v.p95.text}`, '');
    if (charts[v.plan.dimension]) lines.push(`![${v.plan.dimension}](${charts[v.plan.dimension]})`, '');
    lines.push(
      `| ${v.plan.unit} | SQLite rps | PostgreSQL rps | PG/SQLite throughput [interval] | SQLite p95 ms | PostgreSQL p95 ms | SQLite/PG p95 [interval] |`,
      '|---:|---:|---:|---|---:|---:|---|',
    );
    for (const p of v.points)
      lines.push(
        `| ${shown(p, v.plan.dimension)} | ${num(p.sqlite.rps)} | ${num(p.postgres.rps)} | ${p.failure ? `no verdict: ${p.failure}` : ratio(p.throughput)} | ${num(p.sqlite.p95Ms, 1)} | ${num(p.postgres.p95Ms, 1)} | ${p.failure ? '–' : ratio(p.p95)} |`,
      );
    lines.push('');
  }
  const sizes = file.sizes.map(
    (s) =>
      `scale ${s.scale}: SQLite ${(s.sqliteBytes / 1048576).toFixed(1)} MB, PostgreSQL ${s.pgBytes === null ? '?' : (s.pgBytes / 1048576).toFixed(1)} MB`,
  );
  lines.push(`Data sizes: ${sizes.join('; ')}.`, '');
  return lines.join('\n');
}
