import type { PowerlossRecord } from '../../lib/records/powerloss.ts';
import { DASH, num } from '../../lib/format.ts';
import { renderTable, type Column, type TableFormat } from '../../lib/table.ts';

const SYNC = ['OFF', 'NORMAL', 'FULL', 'EXTRA'];

const journal = (r: PowerlossRecord) =>
  r.journalMode === null && r.synchronous === null
    ? DASH
    : `${r.journalMode ?? DASH}+${r.synchronous === null ? DASH : (SYNC[r.synchronous] ?? r.synchronous)}`;

const EXPECTED: Record<PowerlossRecord['expectation'], string> = {
  'lose-nothing': 'lose nothing',
  'no-corruption': 'no corruption; the last commits may roll back',
  control: 'control: must lose writes',
  unknown: 'nothing promised',
};

const ms = (x: number) => (x >= 100 ? `${Math.round(x)}` : x.toFixed(1));

const COLUMNS: Column<PowerlossRecord>[] = [
  { header: 'profile', cell: (r) => r.profile },
  { header: 'journal', cell: journal },
  { header: 'acked', align: 'right', cell: (r) => num(r.acked) },
  { header: 'images', align: 'right', cell: (r) => String(r.images) },
  { header: 'corrupt', align: 'right', cell: (r) => String(r.corrupt) },
  { header: 'with loss', align: 'right', cell: (r) => String(r.withLoss) },
  { header: 'cuts with loss', align: 'right', cell: (r) => `${r.cutsWithLoss}/${r.cutsWithAcked}` },
  { header: 'most lost', align: 'right', cell: (r) => String(r.maxLost) },
  {
    header: 'loss window ms (median, max)',
    align: 'right',
    cell: (r) => (r.lossWindowMs ? `${ms(r.lossWindowMs.median)}, ${ms(r.lossWindowMs.max)}` : DASH),
  },
  { header: 'documented', cell: (r) => EXPECTED[r.expectation] },
  { header: 'verdict', cell: (r) => (r.status === 'ok' ? `${r.verdict}: ${r.why}` : `failed: ${r.reason ?? ''}`) },
];

/** The power-loss table and the model it rests on. Pure. */
export function renderPowerloss(
  records: readonly PowerlossRecord[],
  model: string,
  format: TableFormat = 'text',
): string {
  return (
    `${renderTable(COLUMNS, records, format)}\n` +
    "'with loss': crash images missing a write acknowledged with 2xx before the cut (by id and title). " +
    "'loss window': how long before the cut those writes had been acknowledged.\n" +
    `Model: ${model}\n` +
    `Metadata model of these images: ${[...new Set(records.map((r) => r.metadata))].join(', ') || DASH}.\n`
  );
}
