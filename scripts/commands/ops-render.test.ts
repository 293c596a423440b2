import { describe, expect, it } from 'vitest';
import type { BackupResult } from '../../ops/backup.ts';
import type { ExplainReport } from '../../ops/explain.ts';
import type { MaintainResult } from '../../ops/maintain.ts';
import { renderBackup } from './backup.ts';
import { renderExplain } from './explain.ts';
import { renderMaintain } from './maintain.ts';

describe('ops renderers (hand-built records)', () => {
  it('maintain shows predicted beside actual reclaim and their difference', () => {
    const r: MaintainResult = {
      file: 'app.db',
      journalMode: 'wal',
      autoVacuum: 0,
      fileBytesBefore: 4_194_304,
      fileBytesAfter: 2_097_152,
      walBytesAfter: 0,
      steps: [
        {
          step: 'vacuum',
          status: 'ok',
          ms: 120,
          message: 'VACUUM (rewrote the file)',
          space: {
            pageSize: 4096,
            freelistBefore: 500,
            freelistAfter: 0,
            predictedBytes: 2_048_000,
            actualBytes: 2_097_152,
            fileBytesBefore: 4_194_304,
            fileBytesAfter: 2_097_152,
          },
        },
      ],
    };
    const text = renderMaintain(r);
    expect(text).toContain(
      'vacuum: predicted reclaim 2.0 MiB (freelist 500 × 4096 B), actual 2.0 MiB (file 4.0 MiB -> 2.0 MiB); 2.4% from predicted',
    );
    expect(text).toMatch(/vacuum\s+ok\s+120 ms/);
  });

  it('explain marks gating scans with ! and states the gate verdict', () => {
    const r: ExplainReport = {
      file: 'app.db',
      minRows: 1000,
      gatingScans: 1,
      tempBtrees: 1,
      queries: [
        {
          name: 'by-kind',
          sql: 'SELECT * FROM events\n WHERE kind = ?',
          line: 3,
          plan: [
            { id: 2, parent: 0, detail: 'SCAN events', depth: 0 },
            { id: 9, parent: 0, detail: 'USE TEMP B-TREE FOR ORDER BY', depth: 0 },
          ],
          findings: [
            {
              kind: 'scan',
              detail: 'SCAN events',
              table: 'events',
              rows: 5000,
              gating: true,
              message: 'full table scan of events (5000 rows)',
            },
            {
              kind: 'temp-btree',
              detail: 'USE TEMP B-TREE FOR ORDER BY',
              gating: false,
              message: 'sorts in a temporary b-tree (for order by)',
            },
          ],
        },
      ],
    };
    expect(renderExplain(r, true)).toBe(
      [
        'by-kind (line 3)',
        '  SELECT * FROM events WHERE kind = ?',
        '  SCAN events',
        '  USE TEMP B-TREE FOR ORDER BY',
        '  ! full table scan of events (5000 rows)',
        '  ~ sorts in a temporary b-tree (for order by)',
        '',
        '1 queries: 1 flagged scan(s) of tables over 1000 rows, 1 temp b-tree(s) -> gate FAILED (--fail-on-scan)',
        '',
      ].join('\n'),
    );
  });

  it('a failed backup says nothing was kept', () => {
    const r = {
      status: 'failed',
      reason: 'integrity_check failed: row 3 missing from index',
      method: 'api',
      verification: {
        ok: false,
        integrity: ['row 3 missing from index'],
        tables: {},
        pageCount: 0,
        pageSize: 0,
        journalMode: 'wal',
      },
    } as unknown as BackupResult;
    expect(renderBackup(r)).toBe(
      'backup FAILED (api): integrity_check failed: row 3 missing from index\nnothing was kept and retention did not run.\n',
    );
  });
});
