/** TUNE.md's section on the winner through your own service (pure). */
import { num, ratio } from '../lib/format.ts';
import { renderTable } from '../lib/table.ts';
import type { TuneRecord } from './record.ts';
import type { ServiceMetric } from './service.ts';

/** "+12.3 %" of a ratio, or "+0.4 pt" of a share difference. */
function change(m: ServiceMetric, x: number | null): string {
  if (x === null) return '–';
  if (m.scale === 'points') return `${x >= 0 ? '+' : '−'}${num(Math.abs(x), 2)} pt`;
  // Beyond ×2 either way a percentage hides the size ("+4,049 %"): the ratio says it.
  if (x >= 2 || x <= 0.5) return ratio(x);
  const pct = (x - 1) * 100;
  return `${pct >= 0 ? '+' : '−'}${num(Math.abs(pct), 3)} %`;
}

const EXIT_TEXT: Record<number, string> = {
  0: 'not slower than yours beyond the gate thresholds on any gating metric',
  1: 'slower than yours (or a side failed): check AB.md before you adopt it',
  2: 'not judged (too few rounds, or nothing could be measured)',
};

export function renderService(r: TuneRecord): string[] {
  const s = r.service;
  if (!s) return [];
  const out = ['## Through your service, under load', ''];
  out.push(
    `\`${s.command}\` started twice: yours on a plain copy, the winner on a copy with its journal, page size and ` +
      'indexes, each told its file, PRAGMAs and port (LOADLAB_DB, LOADLAB_PRAGMAS, PORT). ' +
      `Then \`loadlab ab\` between them with \`${s.scenarioFile}\`: ${s.load.rounds} rounds of ` +
      `${num(s.load.durationS, 2)} s per side, ${s.load.connections} connections, the winner as the candidate.`,
    '',
    `PRAGMAs, yours: \`${s.pragmas.yours.join('; ')}\`. Winner: \`${s.pragmas.winner.join('; ')}\`.`,
    '',
  );
  if (s.error) {
    out.push(`**Not measured: ${s.error}.**`, '');
    return out;
  }
  const verdict = s.exitCode !== null ? EXIT_TEXT[s.exitCode] : undefined;
  out.push(`**The winner is ${verdict ?? `not judged (ab exit ${s.exitCode})`}.** ${s.headline}`, '');
  out.push(
    renderTable(
      [
        { header: 'metric', cell: (m: ServiceMetric) => `${m.name}${m.gating ? '' : ' (not gating)'}` },
        { header: 'winner against yours', align: 'right', cell: (m) => change(m, m.median) },
        {
          header: 'interval',
          align: 'right',
          cell: (m) => (m.low === null ? '–' : `${change(m, m.low)} … ${change(m, m.high)}`),
        },
        {
          header: 'coverage',
          align: 'right',
          cell: (m) => (m.coverage === null ? '–' : `${num(m.coverage * 100, 3)} %`),
        },
        { header: 'verdict', cell: (m) => (m.reason ? `${m.verdict} (${m.reason})` : m.verdict) },
      ],
      s.metrics,
    ),
    `Every round and slice: [service-ab/AB.md](service-ab/AB.md).`,
    '',
  );
  return out;
}
