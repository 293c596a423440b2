/** TUNE.md from a tune record (pure). */
import { basename } from 'node:path';
import { num, ratio, us } from '../lib/format.ts';

import { renderTable } from '../lib/table.ts';
import { TUNE_BAND, type Comparison, type QueryGain } from './paired.ts';
import { DIMENSIONS, dimensionText, sameDimension, settingsText } from './space.ts';
import type { TuneRecord } from './record.ts';
import { TUNE_PROFILE } from './fragment.ts';
import { renderTieBreaks } from './counted-report.ts';
import { renderService } from './service-report.ts';
import { renderContention } from './contention-report.ts';

const band = `±${Math.round(TUNE_BAND * 100)} %`;

/** "×12.3 faster (×11.0 … ×13.5, 99.2 %)" or "×0.81 (slower)": gain = base time / arm time. */
export function gainText(g: QueryGain): string {
  if (g.estimate === null || g.low === null || g.high === null || g.coverage === null)
    return `not judged (${g.reason ?? 'no interval'})`;
  const iv = `${ratio(g.low)} … ${ratio(g.high)}, ${num(g.coverage * 100, 3)} %`;
  return `${ratio(g.estimate)} (${iv})`;
}

function comparisonTable(c: Comparison): string {
  return renderTable(
    [
      { header: 'query', cell: (g: QueryGain) => g.query },
      { header: `${c.base} (mean)`, align: 'right', cell: (g) => us(g.baseUs) },
      { header: `${c.arm} (mean)`, align: 'right', cell: (g) => us(g.armUs) },
      { header: `speed, ${c.arm} over ${c.base} (interval, coverage)`, align: 'right', cell: (g) => gainText(g) },
      { header: 'verdict', cell: (g) => g.verdict },
    ],
    c.gains,
  );
}

/** One line on a comparison: which queries are faster or slower beyond the band. */
export function comparisonLine(c: Comparison): string {
  const faster = c.gains.filter((g) => g.verdict === 'faster');
  const slower = c.gains.filter((g) => g.verdict === 'slower');
  const unjudged = c.gains.filter((g) => g.verdict === 'not judged');
  const parts: string[] = [];
  if (faster.length) parts.push(`faster on ${faster.map((g) => `${g.query} ${ratio(g.estimate)}`).join(', ')}`);
  if (slower.length) parts.push(`slower on ${slower.map((g) => `${g.query} ${ratio(g.estimate)}`).join(', ')}`);
  if (!faster.length && !slower.length) parts.push(`no query faster or slower beyond ${band}`);
  else if (!slower.length) parts.push(`slower on none beyond ${band}`);
  if (unjudged.length) parts.push(`${unjudged.length} not judged`);
  return parts.join('; ');
}

/** A decision as TUNE.md says it: whatever is not adopted keeps your value. */
export function decisionText(v: TuneRecord['decisions'][number]['verdict'], durability: string): string {
  switch (v) {
    case 'adopted':
      return 'adopted';
    case 'adopted by count':
      return `adopted by count: the timing could not separate them (inside ${band}), the counters show less work`;
    case 'required':
      return `required by --durability ${durability}`;
    case 'within the noise':
      return `within the noise (inside ${band}): yours stays`;
    case 'not shown':
      return `within the noise (not shown beyond ${band}): yours stays`;
    case 'slower':
      return "the leader's value is slower: yours stays";
    case 'trade-off':
      return 'trade-off (faster on one query, slower on another): yours stays';
    case 'not measured':
      return 'not measured (the budget cannot pay for its rounds): yours stays';
  }
}

/** What the budget could not pay for, in words, or ''. */
export function budgetShort(r: TuneRecord): string {
  const parts: string[] = [];
  const ix = r.indexes.filter((x) => !x.reads).length;
  if (ix) parts.push(`${ix} candidate index${ix === 1 ? '' : 'es'}`);
  const dec = r.decisions.filter((d) => d.verdict === 'not measured').length;
  if (dec) parts.push(`${dec} setting${dec === 1 ? '' : 's'}`);
  const unjudged = [r.vsCurrent, r.vsTuned].filter((c) => c.gains.some((g) => g.verdict === 'not judged')).length;
  if (unjudged)
    parts.push(`${unjudged === 2 ? 'both final comparisons' : 'a final comparison'} (some queries not judged)`);
  return parts.join(', ');
}

export function renderTuneMarkdown(r: TuneRecord): string {
  const out: string[] = [];
  const changed = DIMENSIONS.filter((d) => !sameDimension(r.winner, r.current, d));
  out.push(`# tune: ${basename(r.db.path)}`, '');
  out.push(
    `**Set:** ${changed.length ? changed.map((d) => dimensionText(r.winner, d)).join(', ') : 'no PRAGMA change'}` +
      `; **create** ${r.adoptedIndexes.length} index${r.adoptedIndexes.length === 1 ? '' : 'es'}` +
      ` (durability ${r.durability}).`,
    '',
    `- Against your settings: ${comparisonLine(r.vsCurrent)}.`,
    `- Against the guide's tuned: ${comparisonLine(r.vsTuned)}.`,
    ...(budgetShort(r)
      ? [`- **The budget was too small** for ${budgetShort(r)}: rerun with a larger \`--budget\`.`]
      : []),
    `- Your file was copied, never opened: SHA-256 ${r.db.sha256Before.slice(0, 16)}… before, ` +
      `${r.db.sha256After.slice(0, 16)}… after (${r.db.unchanged ? 'unchanged' : '**CHANGED during the run**'}).`,
    `- Searched in ${num(r.elapsedS)} s of a ${num(r.budgetS)} s budget. Speeds are the time of your setting over the ` +
      `other's per call (above 1x faster), paired in rounds; a change counts only beyond ${band}, its interval's ` +
      `coverage computed for its rounds at the confidence its comparison's queries share.`,
    '',
  );

  const sameWrites = r.queries.filter((q) => q.writes && q.paramSets < 2);
  if (sameWrites.length > 0)
    out.push(
      `Note: ${sameWrites.map((q) => q.name).join(', ')} ${sameWrites.length === 1 ? 'writes' : 'write'} with one \`@params\` set, ` +
        'so every call writes the same values; SQLite and the disk may then do less than a real write does. ' +
        'Give several sets for figures that describe your writes.',
      '',
    );
  out.push('## Indexes', '');
  if (r.indexes.length === 0)
    out.push('No query scans a large table or sorts in a temporary b-tree that an index would serve.', '');
  else {
    out.push(
      renderTable(
        [
          {
            header: 'index',
            cell: (x: TuneRecord['indexes'][number]) => `\`${x.candidate.table}(${x.candidate.columns.join(', ')})\``,
          },
          { header: 'adopted', cell: (x) => (x.adopted ? 'yes' : `no: ${x.why}`) },
          {
            header: 'reads it changes (speed with it over without)',
            cell: (x) => (x.reads ? x.reads.gains.map((g) => `${g.query} ${gainText(g)}`).join('; ') : '–'),
          },
          {
            header: `inserts into its table (with over without)`,
            cell: (x) =>
              !x.insertCost
                ? x.adopted
                  ? 'not measured (budget)'
                  : '–'
                : 'error' in x.insertCost
                  ? `not measured: ${x.insertCost.error}`
                  : x.insertCost.comparison.gains.map((g) => `${gainText(g)}, ${g.verdict}`).join(''),
          },
        ],
        r.indexes,
      ),
    );
    if (r.adoptedIndexes.length) out.push('```sql', ...r.adoptedIndexes.map((s) => `${s};`), '```', '');
  }
  if (r.rejectedIndexes.length)
    out.push(
      `Proposed and dropped before measuring (with it SQLite still scans or sorts): ${r.rejectedIndexes
        .map((x) => `${x.table}(${x.columns.join(', ')})`)
        .join(', ')}.`,
      '',
    );

  out.push('## Settings, one at a time', '');
  out.push(
    `Each setting where the search's leader differs from yours, measured paired against the leader with your value. ` +
      `Adopted only when faster beyond ${band} on a query and slower on none` +
      (r.counted
        ? '; when the timing cannot tell them apart, the exact counters decide (below).'
        : '; otherwise your value stays (`--counted` lets exact counters break such ties).'),
    '',
  );
  if (r.decisions.length === 0) out.push('The leader has your settings: nothing to decide.', '');
  else
    out.push(
      renderTable(
        [
          { header: 'setting', cell: (d: TuneRecord['decisions'][number]) => d.dimension },
          { header: 'yours', cell: (d) => dimensionText(d.current, d.dimension) },
          { header: 'leader', cell: (d) => dimensionText(d.leader, d.dimension) },
          {
            header: 'verdict',
            cell: (d) => decisionText(d.verdict, r.durability),
          },
          {
            header: 'evidence',
            cell: (d) => (d.comparison ? comparisonLine(d.comparison) : 'your value does not meet it'),
          },
        ],
        r.decisions,
      ),
    );

  out.push(...renderTieBreaks(r));
  out.push(
    `## The winner against your settings`,
    '',
    `Winner: ${settingsText(r.winner)}.`,
    `Yours: ${settingsText(r.current)} (what \`new Database(file)\` gives).`,
    '',
  );
  out.push(comparisonTable(r.vsCurrent));
  out.push(
    `## The winner against the guide's tuned`,
    '',
    `Tuned: ${settingsText(r.tuned)}${r.tunedIndexes.length ? `, with ${r.tunedIndexes.length} of the guide's indexes` : ''}.`,
    '',
  );
  out.push(comparisonTable(r.vsTuned));
  if (r.adoptedIndexes.length > 0)
    out.push(
      `Tuned has the guide's indexes only where your tables are the guide's${r.tunedIndexes.length ? '' : ' (here: none)'}; ` +
        'the winner also pays for its own on every write to the tables they index.',
      '',
    );
  out.push(...renderContention(r));
  out.push(...renderService(r));

  out.push('## Use it', '');
  out.push(
    `- \`tune-profile.json\`: the winner as the custom profile \`${TUNE_PROFILE}\` (its indexes that fit the fixture schema included): ` +
      `\`loadlab run --config tune-profile.json --profile ${TUNE_PROFILE}\`.`,
    `- Against tuned on the fixture server: \`loadlab ab . . --no-config --baseline-config ab-baseline.json --candidate-config tune-profile.json\`.`,
    ...(r.winner.page_size !== r.current.page_size
      ? [
          `- The page size (${r.winner.page_size} B) lives in the file: the profile cannot carry it, so \`run\` and \`ab\` measure the rest at the fixture's own page size.`,
        ]
      : []),
    `- \`apply.sql\`: what to run once on your database (journal mode, page size, the adopted indexes), then the PRAGMAs for every connection.`,
    '',
  );

  out.push('<details><summary>How it was searched</summary>', '');
  const h = r.halving;
  out.push(
    `${h.combinations} combinations meet --durability ${r.durability}; ` +
      (h.configurations < h.combinations
        ? `the budget paid for ${h.configurations} (one setting at a time around the first allowed journal)`
        : 'all were searched') +
      `; successive halving kept the best third of each rung` +
      (h.cutShort ? ' until the budget ran out' : '') +
      `. Leader: ${h.leader ?? 'none'}.`,
    '',
  );
  if (h.rungs.length)
    out.push(
      renderTable(
        [
          {
            header: 'rung',
            align: 'right',
            cell: (x: { i: number; rung: TuneRecord['halving']['rungs'][number] }) => String(x.i + 1),
          },
          { header: 'configurations', align: 'right', cell: (x) => String(x.rung.measured) },
          { header: 'ms per task', align: 'right', cell: (x) => num(x.rung.taskMs) },
          { header: 'best score', align: 'right', cell: (x) => num(x.rung.scores[0]?.score) },
          { header: 'seconds', align: 'right', cell: (x) => num(x.rung.seconds) },
        ],
        h.rungs.map((rung, i) => ({ i, rung })),
      ),
    );
  if (h.failed.length)
    out.push(`Could not be measured: ${h.failed.map((f) => `${f.key} (${f.error})`).join('; ')}.`, '');
  out.push('Plans of your queries as they are:', '');
  for (const p of r.plans)
    out.push(
      `- ${p.query}: ${p.plan.map((l) => l.trim()).join(' / ')}${p.findings.length ? ` (${p.findings.join('; ')})` : ''}`,
    );
  out.push('', '</details>', '');
  return out.join('\n');
}
