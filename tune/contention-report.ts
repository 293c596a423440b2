/** TUNE.md's section on busy_timeout where writes contend (pure). */
import { num } from '../lib/format.ts';
import { renderTable } from '../lib/table.ts';
import type { ContentionValue } from './contention.ts';
import type { TuneRecord } from './record.ts';
import { settingsText } from './space.ts';

const ms = (x: number | null) => (x === null ? '–' : x >= 100 ? `${num(x, 0)} ms` : `${num(x, 2)} ms`);
const pct = (x: number) => (x === 0 ? '0' : x < 0.0001 ? '< 0.01 %' : `${num(x * 100, 2)} %`);

export function renderContention(r: TuneRecord): string[] {
  const c = r.contention;
  if (!c) return [];
  const out = ['## busy_timeout where writes contend', ''];
  out.push(
    `${c.writers} connections ran your writing statements at once${c.readers ? ` and ${c.readers} your reads` : ''}, ` +
      `${num(c.durationS, 2)} s per value, on a fresh copy of the winner's file (${settingsText(c.settings)}). ` +
      'A refused call is what your application would see as SQLITE_BUSY; a longer timeout turns refusals into waits.',
    '',
  );
  if (c.error) out.push(`**Not measured: ${c.error}.**`, '');
  if (c.values.length)
    out.push(
      renderTable(
        [
          { header: 'busy_timeout', align: 'right', cell: (v: ContentionValue) => `${v.busyTimeoutMs} ms` },
          { header: 'writes/s', align: 'right', cell: (v) => num(v.writesPerS, 0) },
          { header: 'writes refused', align: 'right', cell: (v) => pct(v.busyShare) },
          { header: 'reads refused', align: 'right', cell: (v) => `${v.readBusy} of ${v.readCalls}` },
          { header: 'write p99', align: 'right', cell: (v) => ms(v.p99Ms) },
          { header: 'slowest write', align: 'right', cell: (v) => ms(v.maxMs) },
          { header: 'other errors', cell: (v) => (v.otherErrors ? `${v.otherErrors}: ${v.firstError ?? ''}` : '0') },
        ],
        c.values,
      ),
    );
  if (!c.error)
    out.push(
      c.smallestClean === null
        ? `**Every value saw refusals at this contention**: the fragment sets ${c.recommendedMs} ms; writes this contended need fewer writers or shorter transactions, not a longer wait.`
        : `No refusal from ${c.smallestClean} ms up at this contention; the fragment sets ${c.recommendedMs} ms` +
            (c.recommendedMs > c.smallestClean ? ' (a margin for heavier contention than this check makes).' : '.'),
      '',
    );
  return out;
}
