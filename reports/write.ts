import { join } from 'node:path';
import { writeFileAtomic } from '../lib/atomic-write.ts';
import type { RunResults } from '../lib/records/run.ts';
import { renderSvg, svgToPng } from './charts/render.ts';
import { RUN_CHARTS } from './charts/specs.ts';
import { renderReport } from './report-markdown.ts';

export interface WrittenReport {
  report: string;
  charts: string[];
  /** The PNG copy of each chart. */
  pngs: string[];
  /** Charts that failed to render, with the reason (the report is still written). */
  chartErrors: string[];
}

/**
 * Renders DIR/charts/*.svg (and a PNG copy of each, for PR comments and job summaries) and
 * DIR/REPORT.md from a run. A chart that fails to render is left out and named.
 */
export async function writeReport(run: RunResults, dir: string): Promise<WrittenReport> {
  const charts: { path: string; title: string }[] = [];
  const chartErrors: string[] = [];
  for (const def of RUN_CHARTS) {
    const spec = def.build(run);
    if (!spec) continue;
    try {
      const svg = await renderSvg(spec);
      writeFileAtomic(join(dir, 'charts', def.file), svg);
      writeFileAtomic(join(dir, 'charts', def.file.replace(/\.svg$/, '.png')), await svgToPng(svg));
      charts.push({ path: `charts/${def.file}`, title: def.title });
    } catch (err) {
      chartErrors.push(`${def.file}: ${(err as Error).message.split('\n')[0]}`);
    }
  }
  const report = join(dir, 'REPORT.md');
  writeFileAtomic(report, renderReport(run, { charts }));
  return {
    report,
    charts: charts.map((c) => join(dir, c.path)),
    pngs: charts.map((c) => join(dir, c.path.replace(/\.svg$/, '.png'))),
    chartErrors,
  };
}
