import { describe, expect, it } from 'vitest';
import {
  ablationMethodNote,
  renderAblationTable,
  renderBenchTable,
  renderIndexSweepTable,
  renderPlans,
} from './bench-markdown.ts';
import { ablationDelta } from './ablation-delta.ts';
import { ablationRecord, benchRecord, sweepRecord } from '../test-support/bench.ts';

const records = [
  benchRecord('point-read', 'untuned', 8, { plan: 'SEARCH campaigns USING INTEGER PRIMARY KEY (rowid=?)' }),
  benchRecord('point-read', 'tuned', 4, { plan: 'SEARCH campaigns USING INTEGER PRIMARY KEY (rowid=?)' }),
  benchRecord('insert-autocommit', 'untuned', 850, { plan: '', rme: 3 }),
  benchRecord('insert-autocommit', 'tuned', 50, { plan: '', rme: 20 }),
  benchRecord('indexed-list', 'untuned', 100, { plan: 'SCAN campaigns' }),
  benchRecord('indexed-list', 'tuned', 99, {
    plan: 'SEARCH campaigns USING INDEX idx_campaigns_client (client_id=?)',
    rme: 5,
  }),
  {
    ...benchRecord('join', 'untuned', 1),
    status: 'failed' as const,
    reason: 'prepare failed: no such table: x',
    opsPerSec: 0,
  },
  benchRecord('join', 'tuned', 10),
];

describe('renderBenchTable', () => {
  const text = renderBenchTable(records);
  const line = (op: string, profile: string) =>
    text.split('\n').find((l) => l.startsWith(op) && l.includes(` ${profile} `))!;

  it('shows ops/s from the mean latency and the ratio to the first profile', () => {
    expect(line('point-read', 'untuned')).toMatch(/125,000 .* 1\.00x/);
    expect(line('point-read', 'tuned')).toMatch(/250,000 .* 2\.00x/);
    expect(line('insert-autocommit', 'tuned')).toContain('17.0x');
  });

  it('says n.s. when the two margins of error overlap', () => {
    expect(line('indexed-list', 'tuned')).toMatch(/1\.01x n\.s\./);
    expect(line('point-read', 'tuned')).not.toContain('n.s.');
  });

  it('keeps a failed measurement as a row with its reason, and no ratio against it', () => {
    expect(line('join', 'untuned')).toMatch(/failed(\s+–){5}\s+prepare failed: no such table: x/);
    expect(line('join', 'tuned')).toMatch(/ –$/);
  });

  it('renders the same rows as a Markdown table', () => {
    const md = renderBenchTable(records, 'markdown').split('\n');
    expect(md[0]).toBe('| op | profile | ops/s | mean µs | p50 µs | p99 µs | rme | vs untuned | note |');
    expect(md[1]).toBe('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    expect(md).toHaveLength(records.length + 3);
  });
});

describe('renderPlans', () => {
  it('groups profiles by plan so SCAN vs SEARCH shows', () => {
    const plans = renderPlans(records);
    expect(plans).toContain(
      'indexed-list:\n  [untuned]\n    SCAN campaigns\n  [tuned]\n    SEARCH campaigns USING INDEX',
    );
    expect(plans).toContain('point-read:\n  [untuned, tuned]\n');
    expect(plans).not.toContain('insert-autocommit');
  });
});

describe('renderAblationTable', () => {
  it('puts both directions of a toggle on one row, with spread and significance', () => {
    const text = renderAblationTable([
      ablationRecord('enable-on-untuned', 'wal', 'insert-autocommit', 16, 12, 20),
      ablationRecord('disable-on-tuned', 'wal', 'insert-autocommit', -0.95, -0.97, -0.9),
      ablationRecord('enable-on-untuned', 'cache', 'point-read', 0.05, -0.02, 0.12),
      ablationRecord('enable-on-untuned', 'mmap', 'join', 0.5, 0.1, 1.2),
    ]);
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[2]).toMatch(/^wal\s+insert-autocommit\s+17\.0x \[13\.0x, 21\.0x\]\s+0\.05x \[0\.03x, 0\.10x\]$/);
    expect(lines[3]).toMatch(/^cache\s+point-read\s+\+5\.0% \[−2\.0%, \+12%\] n\.s\.\s+–$/);
    // A spread reaching past 2x switches the whole cell to ratios, so value and bounds read alike.
    expect(lines[4]).toMatch(/^mmap\s+join\s+1\.50x \[1\.10x, 2\.20x\]\s+–$/);
  });
});

describe('ablation intervals from rounds', () => {
  const fromRounds = (pragma: string, ratios: number[]) => ({
    ...ablationRecord('disable-on-tuned', pragma, 'point-read', 0, 0, 0),
    ...ablationDelta(ratios),
  });

  it('says "no verdict" instead of an interval when the rounds were too few', () => {
    const text = renderAblationTable([fromRounds('mmap', [0.8, 0.82])]);
    expect(text).toMatch(/mmap\s+point-read\s+–\s+−19% no verdict \(2 rounds\)$/m);
    expect(text).not.toContain('[');
  });

  it('names the design, the method, the confidence and the exact coverage', () => {
    const note = ablationMethodNote([
      fromRounds('wal', [0.7, 0.72, 0.75, 0.71, 0.73, 0.74]),
      fromRounds('mmap', [0.8, 0.82]),
    ]);
    expect(note).toContain('rounds of base, arm, arm, base');
    expect(note).toContain('round-sign-test, 95 % asked, exact coverage 6 rounds: 96.9 %.');
    expect(note).toContain('No verdict (1 cell): not enough rounds: 2 of the 6 that 95 % needs.');
    expect(note).not.toContain('margins of error');
  });

  it('names older records for what they are', () => {
    const note = ablationMethodNote([ablationRecord('enable-on-untuned', 'wal', 'point-read', 0.1, 0.05, 0.15)]);
    expect(note).toContain("both means' margins of error, base measured once; not an interval with a known coverage");
  });
});

describe('renderIndexSweepTable', () => {
  it('shows the indexed/unindexed ratio per size and how much it grows', () => {
    const text = renderIndexSweepTable([
      sweepRecord('query', 10_000, 0, 250),
      sweepRecord('query', 10_000, 1, 25),
      sweepRecord('query', 1_000_000, 0, 25_000),
      sweepRecord('query', 1_000_000, 1, 50),
      sweepRecord('insert', 100_000, 0, 20),
      sweepRecord('insert', 100_000, 1, 40),
      sweepRecord('insert', 100_000, 3, 80),
    ]);
    expect(text).toMatch(/10,000 .* 10\.0x/);
    expect(text).toMatch(/1,000,000 .* 500\.0x/);
    expect(text).toContain(
      'From 10,000 to 1,000,000 rows the indexed/unindexed ratio went 10.0x → 500.0x (50.0x); mean latency without the index 100.0x, with it 2.00x.',
    );
    expect(text).toMatch(/\n\s+3\s+100,000\s+12,500 .* 0\.25x\n/);
  });
});
