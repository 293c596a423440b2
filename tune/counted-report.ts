/** TUNE.md's section on the counted tie-breaks (pure). */
import { renderTable } from '../lib/table.ts';
import { COUNT_BAND, INSTRUCTION_NOISE, SYSCALL_FLOOR, type PerCall, type QueryCount } from './counted.ts';
import { dimensionText } from './space.ts';
import type { TuneRecord } from './record.ts';

const VERDICT_TEXT = {
  cheaper: 'less work on a query and more on none: the leader is adopted',
  costlier: 'more work: yours stays',
  mixed: 'less of one counter, more of another: yours stays',
  same: 'the same work: yours stays',
  'not counted': 'not every query was counted: yours stays',
} as const;

function perCallText(p: PerCall | null): string {
  if (!p) return '–';
  const parts: string[] = [];
  if (p.instructions !== null) parts.push(`${(p.instructions / 1e3).toFixed(1)} k instr`);
  if (p.fsync !== null) parts.push(`${p.fsync.toFixed(2)} fsync`);
  if (p.writeCalls !== null) parts.push(`${p.writeCalls.toFixed(2)} writes (${Math.round(p.writeBytes ?? 0)} B)`);
  if (p.readCalls !== null) parts.push(`${p.readCalls.toFixed(2)} reads (${Math.round(p.readBytes ?? 0)} B)`);
  return parts.join(', ');
}

export function renderTieBreaks(r: TuneRecord): string[] {
  const broken = r.decisions.filter((d) => d.counted);
  if (!r.counted) return [];
  const out = ['## Counted tie-breaks', ''];
  out.push(
    "Where the timing could not separate the leader's value from yours, each query was counted per call " +
      '(a process running 2n calls minus one running n, each on a fresh copy): system calls with strace, ' +
      'instructions with valgrind when the budget paid for them. A counter differs when it moves by more than ' +
      `${COUNT_BAND * 100} % and more than its floor (${SYSCALL_FLOOR} system calls per call; ` +
      `4 × ${INSTRUCTION_NOISE / 1000}k instructions / n, the spread of four processes).`,
    '',
  );
  if (broken.length === 0) {
    out.push('No setting needed one: the timing decided every setting.', '');
    return out;
  }
  for (const d of broken) {
    const t = d.counted!;
    out.push(
      `### ${d.dimension}: ${dimensionText(d.current, d.dimension)} (yours) against ${dimensionText(d.leader, d.dimension)} (leader)`,
      '',
      `Counted: ${t.counted.length ? t.counted.map((c) => (c === 'syscalls' ? 'system calls' : c)).join(' and ') : 'nothing'}` +
        `${t.instructionsSkipped ? `; instructions not counted: ${t.instructionsSkipped}` : ''}. ` +
        `Verdict: ${VERDICT_TEXT[t.verdict]}${t.reason ? ` (${t.reason})` : ''}.`,
      '',
      renderTable(
        [
          { header: 'query', cell: (q: QueryCount) => q.query },
          { header: 'n', align: 'right', cell: (q) => String(q.n) },
          { header: 'yours, per call', cell: (q) => perCallText(q.base) },
          { header: 'leader, per call', cell: (q) => perCallText(q.arm) },
          {
            header: 'verdict',
            cell: (q) =>
              [
                q.verdict,
                ...q.differences,
                q.reason ?? '',
                q.instructionsSkipped ? `instructions: ${q.instructionsSkipped}` : '',
              ]
                .filter(Boolean)
                .join('; '),
          },
        ],
        t.queries,
      ),
    );
  }
  return out;
}
