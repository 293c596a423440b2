import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fullRun, sampleRun } from '../../test-support/records.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { renderRecommendation, settingOutcomes } from '../sections/recommendation.ts';
import { CLAIMS } from './claims.ts';
import { QUICK_NOTE, buildLedger, renderLedger } from './ledger.ts';
import { uniformNoiseBands } from './noise-bands.ts';
import {
  loadQuickStability,
  NO_QUICK_STABILITY,
  QUICK_STABILITY_FILE,
  UNSTABLE_IN_QUICK,
  type QuickStability,
  type QuickStabilityFile,
} from './quick-stability.ts';

const bands = uniformNoiseBands(5, 'test');
const walUnstable: QuickStability = {
  unstable: new Map([['wal-reads', 'the verdict agreed with the most common one in 6 of 10 quick runs']]),
};
/** The ledger line of a claim row (the claim cell opens it). */
const lineOf = (md: string, id: string) => {
  const c = CLAIMS.find((x) => x.id === id)!;
  return md.split('\n').find((l) => l.startsWith(`| ${c.text} (${c.section}) |`))!;
};

describe('a row the ledger A/A found unstable in quick runs', () => {
  it('says "unstable in quick runs" instead of its verdict in a quick run, figures kept; other rows unchanged', () => {
    const run = sampleRun();
    const rows = buildLedger(run, CLAIMS, bands, walUnstable);
    const wal = rows.find((r) => r.claim.id === 'wal-reads')!;
    expect(wal.label).toBe(UNSTABLE_IN_QUICK);
    expect(wal.unstableInQuick).toContain('6 of 10');
    expect(wal.verdict).toBe('confirmed'); // kept for the JSON
    expect('unavailable' in wal.measurement).toBe(false);
    for (const r of rows.filter((x) => x.claim.id !== 'wal-reads')) {
      expect(r.unstableInQuick).toBeNull();
      expect(r.label).toBe(`${r.verdict} ${QUICK_NOTE}`);
    }
    const md = renderLedger(run, bands, rows);
    const line = lineOf(md, 'wal-reads');
    expect(line).toContain(`**${UNSTABLE_IN_QUICK}**: the verdict agreed with the most common one in 6 of 10`);
    expect(line).not.toContain('**confirmed**');
    expect(line).toMatch(/\+\d+(\.\d)? % … \+\d+(\.\d)? %/); // the measured interval is still shown
    expect(lineOf(md, 'normal-writes')).not.toContain(UNSTABLE_IN_QUICK);
  });

  it('changes nothing in a full run', () => {
    const run = fullRun();
    const rows = buildLedger(run, CLAIMS, bands, walUnstable);
    expect(rows.every((r) => r.unstableInQuick === null && r.label === r.verdict)).toBe(true);
    expect(renderLedger(run, bands, rows)).not.toContain(UNSTABLE_IN_QUICK);
    expect(settingOutcomes(rows).find((s) => s.setting === 'journal_mode=WAL')!.outcome).toBe('paid off');
  });

  it('is listed apart by the recommendation, neither paid off nor no difference', () => {
    const run = sampleRun();
    const stable = settingOutcomes(buildLedger(run, CLAIMS, bands, NO_QUICK_STABILITY));
    expect(stable.find((s) => s.setting === 'journal_mode=WAL')!.outcome).toBe('paid off');
    const rows = buildLedger(run, CLAIMS, bands, walUnstable);
    const wal = settingOutcomes(rows).find((s) => s.setting === 'journal_mode=WAL')!;
    expect(wal.outcome).toBe(UNSTABLE_IN_QUICK);
    expect(wal.evidence).not.toBeNull();
    const md = renderRecommendation(run, rows, { http: 15, bench: 5 });
    const line = (head: string) => md.split('\n').find((l) => l.startsWith(`- **${head}`)) ?? '';
    expect(line('Unstable in quick runs')).toContain('journal_mode=WAL');
    expect(line('Paid off here')).not.toContain('journal_mode=WAL');
    expect(line('Made no difference here')).not.toContain('journal_mode=WAL');
  });
});

describe('reports/calibration/ledger/summary.json, as the ledger reads it', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());
  const file: QuickStabilityFile = {
    runs: 10,
    commits: ['0123456789abcdef'],
    rows: [
      { id: 'wal-reads', n: 10, agreeing: 6, swing: true, stable: false },
      { id: 'p95', n: 10, agreeing: 10, swing: false, stable: true },
    ],
  };

  it('is resolved beside the other calibration files', () => {
    expect(QUICK_STABILITY_FILE.replaceAll('\\', '/')).toMatch(/\/reports\/calibration\/ledger\/summary\.json$/);
  });

  it('marks the rows it calls unstable, with why', () => {
    const t = tempDir('quick-stability-');
    cleanup = t.cleanup;
    const p = join(t.dir, 'summary.json');
    writeFileSync(p, JSON.stringify({ ...file, extra: 'fields the A/A script adds are ignored' }));
    const s = loadQuickStability(p);
    expect([...s.unstable.keys()]).toEqual(['wal-reads']);
    expect(s.unstable.get('wal-reads')).toBe(
      `the verdict agreed with the most common one in 6 of 10 quick runs; it swung across "no effect" (the ledger's A/A of 0123456, reports/calibration/ledger/summary.json)`,
    );
  });

  it('a missing, unreadable or invalid file changes nothing', () => {
    const t = tempDir('quick-stability-');
    cleanup = t.cleanup;
    const at = (name: string, text: string | null) => {
      const p = join(t.dir, name);
      if (text !== null) writeFileSync(p, text);
      return loadQuickStability(p).unstable.size;
    };
    expect(at('valid.json', JSON.stringify(file))).toBe(1);
    expect(at('missing.json', null)).toBe(0);
    expect(at('broken.json', '{ not json')).toBe(0);
    expect(at('invalid.json', JSON.stringify({ ...file, rows: [{ id: 'wal-reads', stable: 'no' }] }))).toBe(0);
    const rows = buildLedger(sampleRun(), CLAIMS, bands, loadQuickStability(join(t.dir, 'broken.json')));
    expect(rows.every((r) => r.unstableInQuick === null && r.label === `${r.verdict} ${QUICK_NOTE}`)).toBe(true);
  });
});
