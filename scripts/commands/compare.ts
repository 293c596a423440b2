import { basename, extname } from 'node:path';
import { defineCommand } from '../../lib/cli-kit.ts';
import { UsageError } from '../../lib/errors.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../lib/atomic-write.ts';
import { COMPARE_DEFAULTS, compareMetrics } from '../../gate/judge.ts';
import { extractMetrics } from '../../gate/metrics.ts';
import { metricSources, readResultsFile } from '../../gate/read-records.ts';
import { toBencher, toGithubBenchmark } from '../../gate/export.ts';
import { renderComparison } from '../../reports/gate-markdown.ts';

const EXPORTS = ['github', 'bencher'] as const;

/** FILE -> FILE with '.smaller' before the extension (the second github-action-benchmark input). */
export function smallerPath(file: string): string {
  const ext = extname(file);
  return ext ? file.slice(0, -ext.length) + '.smaller' + ext : file + '.smaller';
}

export const command = defineCommand({
  name: 'compare',
  summary: 'Compare two results files metric by metric; exit 1 on a significant regression beyond the threshold.',
  args: 'BASELINE.json CANDIDATE.json [FILE]',
  details: `Accepts results.json from 'loadlab run' and the --json files of 'loadlab load' and 'loadlab bench'.
Metrics are matched by key (scenario, profile, engine, connections, percentile; op and profile; capacity).

Verdict per metric: regressed (improved) when the change is beyond ±PCT in the worse (better)
direction AND the whole interval (bootstrap 95 % of the ratio of trial medians with 3+ trials,
else the range of trial ratios; tinybench: margins of error) lies on that side of "no change".
exit 0: no significant regression; 1: at least one metric regressed; 2: usage or input error.`,
  options: {
    threshold: {
      kind: 'number',
      value: 'PCT',
      default: COMPARE_DEFAULTS.thresholdPct,
      min: 0,
      max: 1000,
      help: 'noise threshold in percent: a change inside it is never a regression',
    },
    markdown: {
      kind: 'string',
      value: 'FILE',
      help: 'also write the comparison as Markdown (e.g. "$GITHUB_STEP_SUMMARY")',
    },
    export: {
      kind: 'string',
      value: 'FMT',
      help:
        "github | bencher: write the CANDIDATE's metrics for a dashboard to FILE, the third argument.\n" +
        "github: github-action-benchmark; FILE gets customBiggerIsBetter entries, FILE with '.smaller' " +
        'before the extension gets customSmallerIsBetter.\n' +
        'bencher: Bencher Metric Format (bencher run --adapter json)',
    },
    json: { kind: 'boolean', help: 'print the comparison as JSON instead of a table' },
  },
  positionals: [2, 3],
  async run({ values, positionals }) {
    const [basePath, candPath, exportFile] = positionals as [string, string, string | undefined];
    const thresholdPct = values.threshold;
    const format = values.export;
    if (format !== undefined && !(EXPORTS as readonly string[]).includes(format))
      throw new UsageError(`--export must be one of ${EXPORTS.join(', ')}, got '${format}'`);
    if (format !== undefined && exportFile === undefined)
      throw new UsageError(`--export ${format} needs a FILE: loadlab compare BASE CAND --export ${format} FILE`);
    if (format === undefined && exportFile !== undefined)
      throw new UsageError(
        `unexpected third argument '${exportFile}' (did you mean --export github|bencher ${exportFile}?)`,
      );

    const base = readResultsFile(basePath);
    const cand = readResultsFile(candPath);
    const baseMetrics = extractMetrics(metricSources(base));
    const candMetrics = extractMetrics(metricSources(cand));
    const comparison = compareMetrics(baseMetrics, candMetrics, { thresholdPct });
    const labels = { baselineLabel: basename(basePath), candidateLabel: basename(candPath) };

    if (values.json) process.stdout.write(JSON.stringify(comparison, null, 2) + '\n');
    else process.stdout.write(renderComparison(comparison, { format: 'text', ...labels }));
    if (values.markdown)
      writeFileAtomic(values.markdown, renderComparison(comparison, { format: 'markdown', ...labels }));
    if (format === 'github' && exportFile) {
      const g = toGithubBenchmark(candMetrics);
      writeJsonAtomic(exportFile, g.biggerIsBetter);
      writeJsonAtomic(smallerPath(exportFile), g.smallerIsBetter);
    } else if (format === 'bencher' && exportFile) {
      writeJsonAtomic(exportFile, toBencher(candMetrics));
    }
    return comparison.regressions > 0 ? 1 : 0;
  },
});
