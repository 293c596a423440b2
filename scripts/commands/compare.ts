import { appendFileSync } from 'node:fs';
import { basename, extname, resolve } from 'node:path';
import { defineCommand } from '../../lib/cli-kit.ts';
import { colourEnabled, paintVerdicts } from '../../lib/colour.ts';
import { UsageError } from '../../lib/errors.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../lib/atomic-write.ts';
import {
  COMPARE_CONFIDENCE,
  COMPARE_DEFAULTS,
  COMPARE_MIN_TRIALS,
  commonGatingKeys,
  compareMetrics,
  type Comparison,
} from '../../gate/judge.ts';
import { contextMismatches, contextOf, describeMismatches, runLabel } from '../../gate/context.ts';
import { extractMetrics, type Metric } from '../../gate/metrics.ts';
import { metricSources, readResultsFile } from '../../gate/read-records.ts';
import { toBencher, toGithubBenchmark } from '../../gate/export.ts';
import { renderComparison } from '../../reports/gate-markdown.ts';

const EXPORTS = ['github', 'bencher'] as const;

/** FILE -> FILE with '.smaller' before the extension (the second github-action-benchmark input). */
export function smallerPath(file: string): string {
  const ext = extname(file);
  return ext ? file.slice(0, -ext.length) + '.smaller' + ext : file + '.smaller';
}

/** `FMT:FILE` of --export, checked. */
export function parseExport(value: string): { format: (typeof EXPORTS)[number]; file: string } {
  const at = value.indexOf(':');
  const format = at < 0 ? value : value.slice(0, at);
  const file = at < 0 ? '' : value.slice(at + 1);
  if (!(EXPORTS as readonly string[]).includes(format))
    throw new UsageError(`--export must be FMT:FILE with FMT one of ${EXPORTS.join(', ')}, got '${value}'`);
  if (file === '') throw new UsageError(`--export ${format} needs a file: --export ${format}:FILE`);
  return { format: format as (typeof EXPORTS)[number], file };
}

/**
 * Writes Markdown for a human: appended when FILE is the job summary GitHub gave this step
 * ($GITHUB_STEP_SUMMARY collects every step's output), replaced (atomically) otherwise.
 */
export function writeMarkdown(
  file: string,
  text: string,
  env: NodeJS.ProcessEnv = process.env,
): 'appended' | 'written' {
  const summary = env.GITHUB_STEP_SUMMARY;
  if (summary && resolve(summary) === resolve(file)) {
    appendFileSync(file, text.endsWith('\n') ? text : text + '\n');
    return 'appended';
  }
  writeFileAtomic(file, text);
  return 'written';
}

/** The one-line reason there is nothing to gate on. */
function nothingComparable(baseline: readonly Metric[], candidate: readonly Metric[]): string {
  const gating = (ms: readonly Metric[]) => ms.filter((m) => m.gate);
  const describe = (ms: readonly Metric[]) =>
    gating(ms).length ? `${gating(ms).length}, e.g. ${gating(ms)[0]!.key}` : 'none';
  const connections = (ms: readonly Metric[]) => new Set(gating(ms).map((m) => /\/c(\d+)\//.exec(m.key)?.[1]));
  const [b, c] = [connections(baseline), connections(candidate)];
  const hint =
    b.size > 0 && c.size > 0 && [...b].every((n) => !c.has(n))
      ? '; load metric keys include the connection count, which differs'
      : gating(baseline).length === 0 && gating(candidate).length === 0
        ? '; microbenchmarks and capacity are informational and never gate'
        : '';
  return (
    'nothing comparable: no gating metric (load rps, p95, error share) in both files ' +
    `(baseline: ${describe(baseline)}; candidate: ${describe(candidate)})${hint}`
  );
}

/** The one-line reason no gating metric has a verdict (exit 2). */
export function nothingJudged(c: Comparison): string {
  const gating = c.unjudged.filter((u) => u.gating);
  const first = gating[0];
  if (first) {
    const more = gating.length > 1 ? ` (and ${gating.length - 1} more gating metric(s))` : '';
    return `no gating metric can be judged: ${first.name} cannot be judged: ${first.reason}${more}`;
  }
  const other = c.uncompared.find((u) => u.gating);
  return `no gating metric can be judged${other ? `: ${other.name}: ${other.reason}` : ''}`;
}

export const command = defineCommand({
  name: 'compare',
  summary: 'Compare two results files metric by metric; exit 1 on a significant regression or a failed or missing arm.',
  args: 'BASELINE.json CANDIDATE.json',
  details: `Accepts results.json from 'loadlab run' and the --json-out files of 'loadlab load' and 'loadlab bench'.
Metrics are matched by key (scenario, profile, engine, connections, percentile; op and profile; capacity).

The two runs must be comparable: same mode, scale, connections, trials, durationS, warmupS,
CPU model, cores, Node, SQLite and better-sqlite3 versions (fields a file does not record
are not compared). Otherwise exit 2 naming each difference, unless --allow-mismatch.

Verdict per metric: regressed (improved) when the change is beyond ±PCT in the worse (better)
direction AND the whole interval lies on that side of "no change". Interval: the two runs' trials
are independent samples, so the exact Mann-Whitney interval of the ratio (Hodges-Lehmann), asked
at ${Math.round(COMPARE_CONFIDENCE * 100)} % with its coverage computed for the trial counts; it needs ${COMPARE_MIN_TRIALS} trials on each side.
Fewer: the metric cannot be judged (no verdict); tinybench: margins of error, informational.
rps counts 2xx responses only; the error share (connection errors, timeouts, non-2xx) regresses
when the candidate's is above 0 and more than POINTS percentage points above the baseline's.
A gating metric (rps, p95, error share) whose candidate arm failed, failed its write audit or
is missing from the candidate is a regression; the reasons are printed first.
exit 0: no regression; 1: at least one gating metric regressed, failed or is missing;
2: usage or input error, runs not comparable, no gating metric in both files, or none that can
be judged (too few trials).`,
  options: {
    threshold: {
      kind: 'number',
      value: 'PCT',
      default: COMPARE_DEFAULTS.thresholdPct,
      min: 0,
      max: 1000,
      help: 'noise threshold in percent: a change inside it is never a regression',
    },
    'errors-threshold': {
      kind: 'number',
      value: 'POINTS',
      default: COMPARE_DEFAULTS.errorsThresholdPts,
      min: 0,
      max: 100,
      help: 'percentage points the error share (connection errors, timeouts, non-2xx) may rise before it is a regression',
    },
    'counted-threshold': {
      kind: 'number',
      value: 'PCT',
      default: COMPARE_DEFAULTS.countedThresholdPct,
      min: 0,
      max: 1000,
      help: 'exact counters (bench --counted: instructions, fsyncs, bytes written per op) may rise this much',
    },
    'allow-mismatch': {
      kind: 'boolean',
      help: 'compare runs that differ in mode, scale, connections, trials, machine or versions; the differences are printed first',
    },
    markdown: {
      kind: 'string',
      value: 'FILE',
      help: 'also write the comparison as Markdown; appended when FILE is "$GITHUB_STEP_SUMMARY", else replaced',
    },
    export: {
      kind: 'string',
      value: 'FMT:FILE',
      help:
        "write the CANDIDATE's metrics for a dashboard: github:FILE or bencher:FILE.\n" +
        "github: github-action-benchmark; FILE gets customBiggerIsBetter entries, FILE with '.smaller' " +
        'before the extension gets customSmallerIsBetter.\n' +
        'bencher: Bencher Metric Format (bencher run --adapter json)',
    },
    json: { kind: 'boolean', help: 'print the comparison as JSON instead of a table' },
  },
  positionals: [2, 2],
  async run({ values, positionals }) {
    const [basePath, candPath] = positionals as [string, string];
    const thresholdPct = values.threshold;
    const exportTo = values.export === undefined ? undefined : parseExport(values.export);

    const base = readResultsFile(basePath);
    const cand = readResultsFile(candPath);
    const mismatches = contextMismatches(contextOf(base), contextOf(cand));
    if (mismatches.length > 0 && !values['allow-mismatch'])
      throw new UsageError(`not comparable: ${describeMismatches(mismatches)} (--allow-mismatch compares them anyway)`);
    const baseMetrics = extractMetrics(metricSources(base));
    const candMetrics = extractMetrics(metricSources(cand));
    if (commonGatingKeys(baseMetrics, candMetrics).length === 0)
      throw new UsageError(nothingComparable(baseMetrics, candMetrics));
    const comparison = compareMetrics(baseMetrics, candMetrics, {
      thresholdPct,
      errorsThresholdPts: values['errors-threshold'],
      countedThresholdPct: values['counted-threshold'],
    });
    // Nothing judged and nothing failed: no verdict, said as one line (a failed arm is a verdict: exit 1).
    if (comparison.regressions === 0 && comparison.judgedGating === 0) throw new UsageError(nothingJudged(comparison));
    const labels = {
      baselineLabel: runLabel(base, basename(basePath)),
      candidateLabel: runLabel(cand, basename(candPath)),
      mismatches,
    };

    if (values.json) process.stdout.write(JSON.stringify({ mismatches, ...comparison }, null, 2) + '\n');
    else
      process.stdout.write(
        paintVerdicts(renderComparison(comparison, { format: 'text', ...labels }), colourEnabled(process.stdout)),
      );
    if (values.markdown)
      writeMarkdown(values.markdown, renderComparison(comparison, { format: 'markdown', ...labels }));
    if (exportTo?.format === 'github') {
      const g = toGithubBenchmark(candMetrics);
      writeJsonAtomic(exportTo.file, g.biggerIsBetter);
      writeJsonAtomic(smallerPath(exportTo.file), g.smallerIsBetter);
    } else if (exportTo?.format === 'bencher') {
      writeJsonAtomic(exportTo.file, toBencher(candMetrics));
    }
    return comparison.regressions > 0 ? 1 : 0;
  },
});
