import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../test-support/temp-dir.ts';
import { sampleRun } from '../../test-support/records.ts';
import { main } from '../cli.ts';

describe('loadlab report, trend and run (usage)', () => {
  let dir: string;
  let cleanup: () => void;
  let out: string[];
  beforeEach(() => {
    ({ dir, cleanup } = tempDir());
    out = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (out.push(String(s)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    cleanup();
  });

  it('report re-renders REPORT.md and charts from results.json alone', async () => {
    const file = join(dir, 'results.json');
    writeFileSync(file, JSON.stringify(sampleRun()));
    expect(await main(['report', file, '--out', join(dir, 'r')])).toBe(0);
    expect(readFileSync(join(dir, 'r', 'REPORT.md'), 'utf8')).toContain('## 2. Claims ledger');
    expect(existsSync(join(dir, 'r', 'charts', 'ablation.svg'))).toBe(true);
  });

  it('report refuses a load file: it needs a run', async () => {
    const file = join(dir, 'load.json');
    writeFileSync(
      file,
      JSON.stringify({
        schemaVersion: 1,
        kind: 'load',
        environment: sampleRun().environment,
        options: {},
        records: [],
      }),
    );
    expect(await main(['report', file])).toBe(2);
    expect(out.join('')).toMatch(/error: .*needs results.json from 'loadlab run'/);
  });

  it('trend reads run directories and writes TREND.md and trend.svg', async () => {
    for (const [name, date] of [
      ['a', '2026-01-01T00:00:00.000Z'],
      ['b', '2026-02-01T00:00:00.000Z'],
    ] as const) {
      writeFileSync(join(dir, `${name}.json`), JSON.stringify(sampleRun({ startedAt: date })));
    }
    expect(await main(['trend', join(dir, 'a.json'), join(dir, 'b.json'), '--out', join(dir, 't')])).toBe(0);
    expect(readFileSync(join(dir, 't', 'TREND.md'), 'utf8')).toContain('| 2026-02-01 |');
    expect(readFileSync(join(dir, 't', 'trend.svg'), 'utf8')).toMatch(/^<svg/);
  });

  it('trend --json and report --json print JSON on stdout', async () => {
    writeFileSync(join(dir, 'a.json'), JSON.stringify(sampleRun({ startedAt: '2026-01-01T00:00:00.000Z' })));
    expect(await main(['trend', join(dir, 'a.json'), '--json'])).toBe(0);
    const rows = JSON.parse(out.join('')) as { profile: string; mode: string }[];
    expect(rows.map((r) => r.profile)).toContain('tuned');
    out.length = 0;
    expect(await main(['report', join(dir, 'a.json'), '--out', join(dir, 'r2'), '--json'])).toBe(0);
    const written = JSON.parse(out.join('')) as { report: string; charts: string[] };
    expect(written.report).toMatch(/REPORT\.md$/);
    expect(written.charts.length).toBeGreaterThan(0);
  });

  it('run rejects conflicting flags and unknown names before measuring anything', async () => {
    expect(await main(['run', '--quick', '--full'])).toBe(2);
    const cfg = join(dir, 'c.json');
    writeFileSync(cfg, JSON.stringify({ load: { scenarios: ['nope'] } }));
    expect(await main(['run', '--config', cfg, '--out', join(dir, 'never')])).toBe(2);
    expect(out.join('')).toContain("unknown scenario 'nope'");
    expect(existsSync(join(dir, 'never'))).toBe(false);
  });
});
