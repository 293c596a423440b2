import type { RunResults } from '../lib/records/run.ts';
import { renderHeadline } from './headline.ts';
import { buildLedger, renderLedger } from './ledger/ledger.ts';
import { CLAIMS } from './ledger/claims.ts';
import { loadNoiseBands } from './ledger/noise-bands.ts';
import { renderRecommendation } from './sections/recommendation.ts';
import { renderBenchSections } from './sections/bench.ts';
import { renderContext, renderMethod } from './sections/context.ts';
import { renderDegradedNote, renderLoadSections } from './sections/load.ts';
import { renderCrossoverSection } from './sections/crossover.ts';
import { renderPowerloss } from '../load/powerloss/table.ts';
import { POWERLOSS_MODEL } from '../load/powerloss/model.ts';
import { driftMonitor, renderPairedSection } from './sections/paired.ts';
import { DASH } from '../lib/format.ts';
import { renderTable, type Column } from '../lib/table.ts';

export interface ReportContext {
  /** Chart files that exist, relative to REPORT.md, with their titles. */
  charts: { path: string; title: string }[];
}

const STAGES: Column<RunResults['stages'][number]>[] = [
  { header: 'stage', cell: (s) => s.name },
  { header: 'status', cell: (s) => s.status },
  { header: 'time', align: 'right', cell: (s) => (s.durationS === null ? DASH : `${s.durationS.toFixed(1)} s`) },
  { header: 'reason', cell: (s) => s.reason ?? '' },
];

/** Detailed tables, collapsed: the first screen is the answer, not the evidence. */
const details = (summary: string, body: string) => `<details><summary>${summary}</summary>\n\n${body}\n</details>\n`;

/**
 * REPORT.md from a run's results alone, answer first: the computed recommendation (with the
 * quick-run caveat), the guide's before/after table, the claims ledger, the charts, the
 * caveats and method, then every detailed table collapsed. Pure: the same results give the
 * same text.
 */
export function renderReport(run: RunResults, ctx: ReportContext): string {
  const bands = loadNoiseBands(run.config.thresholds.ledgerNoisePct);
  const rows = buildLedger(run, CLAIMS, bands);
  const drift = driftMonitor(run, bands.pct.http);
  const parts = [
    `# SQLite tuning, measured: ${run.mode} run of ${run.environment.date.slice(0, 10)}`,
    '',
    'Every number below comes from the run recorded in `results.json` beside this file; nothing is written by hand.',
    '',
    renderRecommendation(run, rows, { http: bands.pct.http, bench: bands.pct.bench }),
    "## 1. Before/after, in the guide's own format",
    '',
    "untuned = stock SQLite defaults, primary keys only; tuned = the guide's seven PRAGMAs and five indexes; consensus = what current production setups use. Guide numbers are from its Locust run (100 users, 5 minutes) on its own hardware.",
    '',
    renderHeadline(run),
    ...(drift ? [drift.text, ''] : []),
    ...(renderDegradedNote(run) ? [renderDegradedNote(run)] : []),
    '## 2. Claims ledger',
    '',
    renderLedger(run, bands, rows),
    ...(run.crossover?.records.length
      ? ['### When to move to PostgreSQL (crossover stage)', '', renderCrossoverSection(run)]
      : []),
    '## 3. Measurements',
    '',
    details('Microbenchmarks: ablation, per operation, index sweep, cost per operation', renderBenchSections(run)),
    details(
      'Paired comparisons: every gain the report judges, interleaved, with its interval',
      renderPairedSection(run),
    ),
    details('Load: scenarios, DB share of request cost, concurrency, capacity', renderLoadSections(run)),
    ...(run.powerloss.length
      ? [
          details(
            'Power loss, simulated: crash images per journal mode and synchronous level',
            renderPowerloss(run.powerloss, POWERLOSS_MODEL, 'markdown'),
          ),
        ]
      : []),
    '## 4. Charts',
    '',
    ...(ctx.charts.length
      ? ctx.charts.map((c) => `### ${c.title}\n\n![${c.title}](${c.path})\n`)
      : ['_No charts: the stages that feed them produced nothing._\n']),
    '## 5. Environment and method',
    '',
    details(
      'The machine, the versions, what each stage did, and the stage table',
      [renderContext(run), renderMethod(run), '### Stages', '', renderTable(STAGES, run.stages)].join('\n'),
    ),
  ];
  return parts.join('\n');
}
