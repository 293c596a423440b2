import type { DurabilityRecord } from '../../lib/records/durability.ts';
import { DASH, num } from '../../lib/format.ts';
import { renderTable, type Column, type TableFormat } from '../../lib/table.ts';

/** Stated with every durability result: what a SIGKILL test cannot show. */
export const DURABILITY_NOT_TESTED = [
  'Process crash only (SIGKILL of the server): the kernel keeps the page cache, so every write() that reached the OS survives whatever synchronous says.',
  'Not tested: power loss, kernel panic or VM reset. There, WAL+NORMAL (tuned, consensus) may lose the last commits before a checkpoint; WAL+FULL and DELETE+FULL should not, if the disk honours fsync.',
  'Not tested: disk full, I/O errors, torn sector writes, storage that lies about fsync, several processes writing at once.',
];

const SYNC = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

/** The journal mode and synchronous level the server read back, e.g. "wal+NORMAL"; DASH for a part not read. */
function journal(r: DurabilityRecord): string {
  if (r.journalMode === null && r.synchronous === null) return DASH;
  return `${r.journalMode ?? DASH}+${r.synchronous === null ? DASH : (SYNC[r.synchronous] ?? r.synchronous)}`;
}

const COLUMNS: Column<DurabilityRecord>[] = [
  { header: 'profile', cell: (r) => r.profile },
  { header: 'journal', cell: journal },
  {
    header: 'cycles',
    align: 'right',
    cell: (r) => (r.cycles === r.cyclesRequested ? String(r.cycles) : `${r.cycles}/${r.cyclesRequested}`),
  },
  { header: 'acked writes', align: 'right', cell: (r) => num(r.acked) },
  { header: 'lost', align: 'right', cell: (r) => (r.reused ? `${r.lost} (${r.reused} ids reused)` : String(r.lost)) },
  { header: 'unacked present', align: 'right', cell: (r) => num(r.unackedPresent) },
  { header: 'integrity', cell: (r) => r.integrity },
  { header: 'status', cell: (r) => (r.reason ? `${r.status}: ${r.reason}` : r.status) },
];

/** The durability table plus the statement of what it does not test. Pure. */
export function renderDurability(records: readonly DurabilityRecord[], format: TableFormat = 'text'): string {
  const notes = DURABILITY_NOT_TESTED.map((n) => `- ${n}`).join('\n');
  return `${renderTable(COLUMNS, records, format)}\n'lost' counts writes acknowledged with 2xx and not found after a SIGKILL + restart in any cycle (no row with their id holds their title: ids are handed out again); it must be 0, and every cycle must acknowledge writes.\n${notes}\n`;
}
