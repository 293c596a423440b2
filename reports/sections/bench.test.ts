import { describe, expect, it } from 'vitest';
import { renderTable } from '../../lib/table.ts';
import { ablation, benchRecord, sampleRun } from '../../test-support/records.ts';
import { benchColumns, planCell, renderAblationPivot, renderBenchSections, renderPlans } from './bench.ts';

describe('report: microbenchmark tables', () => {
  it('pivots the ablation: one row per setting and arm, one column per operation', () => {
    const md = renderAblationPivot([
      ablation('wal', 'point-read', 0.4),
      ablation('wal', 'insert-autocommit', 1.5),
      ablation('cache', 'point-read', 0.01),
    ]);
    const lines = md.trim().split('\n');
    expect(lines[0]).toBe('| setting | arm | point-read | insert-autocommit |');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('| wal | on, in untuned | +40 % | +150 % |');
    // The cache arm's spread (−2 % … +4 %) includes no change; it has no insert cell.
    expect(lines[3]).toBe('| cache | on, in untuned | +1 % (n.s.) | – |');
  });

  it('says "no verdict" for a cell with too few rounds, and states the method and coverage under the pivot', () => {
    const rounds = {
      method: 'round-sign-test',
      confidence: 0.95,
      verdictable: true,
      rounds: 6,
      coverage: 0.96875,
      roundRatios: [1.3, 1.35, 1.4, 1.45, 1.5, 1.4],
    };
    const run = sampleRun({
      ablation: [
        ablation('wal', 'point-read', 0.4, 0.1, rounds),
        ablation('mmap', 'point-read', 0.3, 0, {
          ...rounds,
          verdictable: false,
          rounds: 2,
          coverage: undefined,
          reason: 'not enough rounds: 2 of the 6 that 95 % needs',
          spread: { low: -1, high: Number.MAX_VALUE },
        }),
      ],
    });
    const md = renderBenchSections(run);
    expect(md).toContain('| wal | on, in untuned | +40 % |');
    expect(md).toContain('| mmap | on, in untuned | +30 % (no verdict) |');
    expect(md).toContain('exact coverage 6 rounds: 96.9 %');
    expect(md).toContain('No verdict (1 cell): not enough rounds: 2 of the 6 that 95 % needs.');
  });

  it('adds "vs untuned", flags a noisy figure, and drops the status column when all are ok', () => {
    const records = [
      benchRecord('point-read', 'untuned', 50_000),
      benchRecord('point-read', 'tuned', 60_000, { rme: 14 }),
    ];
    const md = renderTable(benchColumns(records), records);
    expect(md.split('\n')[0]).not.toContain('status');
    expect(md).toMatch(/\| point-read \| tuned \| 60,000 ⚠ \| \+20 % \|/);
    const failed = [...records, benchRecord('join', 'tuned', 0, { status: 'failed', reason: 'boom' })];
    expect(renderTable(benchColumns(failed), failed).split('\n')[0]).toContain('status');
  });

  it('shows the cost-per-operation table only when the run counted', () => {
    expect(renderBenchSections(sampleRun())).not.toContain('Cost per operation');
  });

  it('shows your own database and queries per profile when the run had --db --queries', () => {
    const run = sampleRun({
      byo: {
        source: { db: '/home/me/app.sqlite', sha256: 'ab'.repeat(32), bytes: 4096, queries: 2 },
        records: [benchRecord('q:recent-orders', 'untuned', 1000), benchRecord('q:recent-orders', 'tuned', 3000)],
      },
    });
    const md = renderBenchSections(run);
    expect(md).toContain('### Your database and queries');
    expect(md).toContain('`app.sqlite` (2 queries, sha256 abababababab…');
    expect(md).not.toContain('/home/me');
    expect(md).toMatch(/\| q:recent-orders \| tuned \| 3,000 \| \+200 % \|/);
  });
});

describe('report: whole query plans', () => {
  const scan = 'SCAN campaigns\nUSE TEMP B-TREE FOR ORDER BY';
  const search = 'SEARCH campaigns USING INDEX idx_campaigns_client (client_id=?)';
  it('shows every plan where the profiles differ or a plan scans, naming who ran it; not plain one-line lookups', () => {
    const md = renderPlans([
      { op: 'indexed-list', profile: 'untuned', plan: scan, status: 'ok' },
      { op: 'indexed-list', profile: 'tuned', plan: search, status: 'ok' },
      { op: 'indexed-list', profile: 'consensus', plan: search, status: 'ok' },
      {
        op: 'point-read',
        profile: 'untuned',
        plan: 'SEARCH contents USING INTEGER PRIMARY KEY (rowid=?)',
        status: 'ok',
      },
      { op: 'point-read', profile: 'tuned', plan: 'SEARCH contents USING INTEGER PRIMARY KEY (rowid=?)', status: 'ok' },
    ]);
    expect(md).toContain('**indexed-list**\n\nuntuned:\n\n```text\nSCAN campaigns\nUSE TEMP B-TREE FOR ORDER BY\n```');
    expect(md).toContain(`tuned, consensus:\n\n\`\`\`text\n${search}\n\`\`\``);
    expect(md).not.toContain('point-read');
  });
  it('a table cell keeps the first line and says there is more', () => {
    expect(planCell(scan)).toBe('SCAN campaigns (+1 lines, see plans)');
    expect(planCell(search)).toBe(search);
  });
});
