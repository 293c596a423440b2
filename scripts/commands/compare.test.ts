import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../../test-support/temp-dir.ts';
import { withTrials } from '../../test-support/trials.ts';
import {
  auditFailed,
  failedArm,
  fullRun,
  loadRecord,
  sampleLoadFile,
  sampleRun,
  TEST_ENV,
  withArm,
  withNon2xx,
  withoutProfile,
} from '../../test-support/records.ts';
import { main } from '../cli.ts';
import { writeMarkdown } from './compare.ts';

describe('loadlab compare', () => {
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

  const write = (name: string, value: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };

  // Five trials per arm (the calibration config's): the 95 % interval needs 4 on each side.
  const run5 = (over: Parameters<typeof sampleRun>[0] = {}) => withTrials(sampleRun(over));

  it('A/A: a file against itself exits 0 with "no significant change"', async () => {
    const f = write('a.json', run5());
    expect(await main(['compare', f, f, '--markdown', join(dir, 'summary.md')])).toBe(0);
    expect(out.join('')).toContain('no significant change in');
    // Sides named by the run (SHA, mode, date), not by the file name.
    expect(out.join('')).toContain('baseline: abc1234 · quick · 2026-01-02  candidate: abc1234 · quick · 2026-01-02');
    expect(readFileSync(join(dir, 'summary.md'), 'utf8')).toContain('## loadlab compare');
  });

  it('appends to $GITHUB_STEP_SUMMARY (other steps wrote there too) and replaces any other file', () => {
    const summary = join(dir, 'step-summary.md');
    writeFileSync(summary, '# earlier step\n');
    expect(writeMarkdown(summary, '## ours\n', { GITHUB_STEP_SUMMARY: summary })).toBe('appended');
    expect(readFileSync(summary, 'utf8')).toBe('# earlier step\n## ours\n');
    const other = join(dir, 'other.md');
    writeFileSync(other, 'old\n');
    expect(writeMarkdown(other, 'new\n', { GITHUB_STEP_SUMMARY: summary })).toBe('written');
    expect(readFileSync(other, 'utf8')).toBe('new\n');
  });

  it('rps 30 % lower and latency 30 % higher exits 1', async () => {
    const base = run5();
    const slow = structuredClone(base);
    for (const r of slow.load)
      for (const t of [...r.trials, r.median!]) {
        t.rps *= 0.7;
        for (const k of Object.keys(t.latencyMs) as (keyof typeof t.latencyMs)[]) t.latencyMs[k] *= 1.3;
      }
    expect(await main(['compare', write('b.json', base), write('c.json', slow)])).toBe(1);
    expect(out.join('')).toMatch(/metrics regressed beyond ±15 %/);
  });

  it('writes github-action-benchmark and Bencher exports', async () => {
    const f = write('a.json', run5());
    expect(await main(['compare', f, f, '--export', `github:${join(dir, 'gh.json')}`])).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'gh.json'), 'utf8'))[0]).toHaveProperty('unit');
    expect(JSON.parse(readFileSync(join(dir, 'gh.smaller.json'), 'utf8'))[0].unit).toBe('ms');
    expect(await main(['compare', f, f, '--export', `bencher:${join(dir, 'b.json')}`])).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(join(dir, 'b.json'), 'utf8'))).length).toBeGreaterThan(0);
  });

  it('is a usage error (exit 2) for bad input', async () => {
    const f = write('a.json', sampleRun());
    expect(await main(['compare', f, join(dir, 'missing.json')])).toBe(2);
    expect(await main(['compare', f, write('x.json', { kind: 'nope' })])).toBe(2);
    expect(await main(['compare', f, write('y.json', { ...sampleRun(), load: [{ scenario: 1 }] })])).toBe(2);
    expect(await main(['compare', f, f, '--export', 'csv:z'])).toBe(2);
    expect(await main(['compare', f, f, '--export', 'github'])).toBe(2);
    // FILE is no longer a hidden third argument.
    expect(await main(['compare', f, f, '--export', 'github', join(dir, 'gh2.json')])).toBe(2);
    expect(await main(['compare', f, f, '--threshold', 'ten'])).toBe(2);
    expect(out.join('')).toContain('error: ');
  });

  const text = () => out.join('');
  const firstLine = () => text().split('\n')[0];

  describe('no silent passes', () => {
    it('a candidate whose write × tuned arm failed its audit exits 1, the reason first', async () => {
      const base = sampleRun();
      const cand = withArm(base, 'write', 'tuned', (arm) => auditFailed(arm, 3));
      expect(await main(['compare', write('b.json', base), write('c.json', cand)])).toBe(1);
      expect(firstLine()).toBe(
        'regressed: write · tuned · rps: candidate arm failed (audit: 3 acknowledged writes lost)',
      );
      const lines = text().split('\n');
      expect(lines.slice(0, 3)).toEqual([
        'regressed: write · tuned · rps: candidate arm failed (audit: 3 acknowledged writes lost)',
        'regressed: write · tuned · p95: candidate arm failed (audit: 3 acknowledged writes lost)',
        'regressed: write · tuned · errors: candidate arm failed (audit: 3 acknowledged writes lost)',
      ]);
      expect(text().indexOf('regressed: write')).toBeLessThan(text().indexOf('metric '));
      expect(text()).toMatch(/Not compared: write · tuned · p50: candidate arm failed/);
    });

    it('a candidate arm that failed outright exits 1 with its reason', async () => {
      const base = sampleRun();
      const cand = withArm(base, 'read-list', 'untuned', (arm) => failedArm(arm, 'trial 1: server exited with code 1'));
      expect(await main(['compare', write('b.json', base), write('c.json', cand)])).toBe(1);
      expect(firstLine()).toBe(
        'regressed: read-list · untuned · rps: candidate arm failed (trial 1: server exited with code 1)',
      );
    });

    it('a candidate missing a whole profile exits 1: each gating metric "missing in candidate"', async () => {
      const base = sampleRun();
      expect(await main(['compare', write('b.json', base), write('c.json', withoutProfile(base, 'tuned'))])).toBe(1);
      expect(firstLine()).toBe('regressed: read-list · tuned · rps: missing in candidate');
      expect(text()).toContain('regressed: write · tuned · p95: missing in candidate');
      expect(text()).toContain('regressed: mix-80-20 · tuned · errors: missing in candidate');
      expect(text()).toMatch(/9 gating metric\(s\) failed or missing in the candidate/);
    });

    it('two files with no gating metric in common exit 2 with one error line', async () => {
      const base = sampleRun();
      const other = sampleRun({ load: [loadRecord('read-point', 'tuned', [1, 2, 3], [1, 1, 1])] });
      expect(await main(['compare', write('b.json', base), write('c.json', other)])).toBe(2);
      expect(text()).toMatch(/^error: nothing comparable: no gating metric .* in both files/);
      expect(text().trim().split('\n')).toHaveLength(1);
    });

    it('a quick run against a full run exits 2 naming mode and every other difference', async () => {
      expect(await main(['compare', write('q.json', sampleRun()), write('f.json', fullRun())])).toBe(2);
      expect(text()).toBe(
        'error: not comparable: mode quick vs full; scale 0.05 vs 1; trials 2 vs 4; durationS 1.5 vs 75; warmupS 1 vs 10 (--allow-mismatch compares them anyway)\n',
      );
    });

    it('different machines and versions are named too', async () => {
      const base = sampleRun();
      const cand = sampleRun({ environment: { ...TEST_ENV, cpuModel: 'Other CPU 9000', cores: 4, node: 'v22.1.0' } });
      expect(await main(['compare', write('b.json', base), write('c.json', cand)])).toBe(2);
      expect(firstLine()).toBe(
        'error: not comparable: CPU model "Test CPU" vs "Other CPU 9000"; cores 2 vs 4; Node v20.20.2 vs v22.1.0 (--allow-mismatch compares them anyway)',
      );
    });

    it('--allow-mismatch goes on and prints the differences at the top', async () => {
      const q = write('q.json', run5());
      expect(
        await main([
          'compare',
          q,
          write('f.json', withTrials(fullRun())),
          '--allow-mismatch',
          '--markdown',
          join(dir, 's.md'),
        ]),
      ).toBe(0);
      expect(firstLine()).toBe(
        'not comparable, compared anyway (--allow-mismatch): mode quick vs full; scale 0.05 vs 1; trials 2 vs 4; durationS 1.5 vs 75; warmupS 1 vs 10',
      );
      expect(text()).toContain('no significant change in');
      expect(readFileSync(join(dir, 's.md'), 'utf8')).toMatch(
        /^## loadlab compare\n\n- not comparable, compared anyway \(--allow-mismatch\): mode quick vs full;/,
      );
    });

    it('connections differing: exit 2 naming connections; allowed, still nothing comparable (the keys differ)', async () => {
      const b = write('b.json', sampleLoadFile());
      const at50 = sampleLoadFile(
        sampleRun().load.map((r) => ({ ...r, connections: 50 })),
        { connections: 50 },
      );
      const c = write('c.json', at50);
      expect(await main(['compare', b, c])).toBe(2);
      expect(text()).toMatch(/^error: not comparable: connections 10 vs 50 /);
      out.length = 0;
      expect(await main(['compare', b, c, '--allow-mismatch'])).toBe(2);
      expect(text()).toMatch(/^error: nothing comparable: .*the connection count, which differs\n$/);
    });

    it('load --json files compare like run results; a file against itself exits 0', async () => {
      const f = write('l.json', withTrials(sampleLoadFile()));
      expect(await main(['compare', f, f])).toBe(0);
      expect(text()).toContain('no significant change in');
      expect(text()).not.toContain('regressed:');
    });

    it('an error share 2 points above the baseline exits 1 (rps unchanged: it counts 2xx only)', async () => {
      const base = run5();
      const cand = withArm(base, 'mix-80-20', 'tuned', (arm) => withNon2xx(arm, 0.02));
      expect(await main(['compare', write('b.json', base), write('c.json', cand)])).toBe(1);
      expect(firstLine()).toBe('regressed: mix-80-20 · tuned · errors: +2.00 pt (0 → 2 %), beyond +0.5 pt');
      expect(text()).not.toContain('regressed: mix-80-20 · tuned · rps');
    });

    it('an error share within the threshold passes; --errors-threshold moves it', async () => {
      const base = run5();
      const cand = write(
        'c.json',
        withArm(base, 'mix-80-20', 'tuned', (arm) => withNon2xx(arm, 0.004)),
      );
      expect(await main(['compare', write('b.json', base), cand])).toBe(0);
      expect(await main(['compare', write('b.json', base), cand, '--errors-threshold', '0.1'])).toBe(1);
    });

    it('two 2-trial files: no gating metric can be judged, exit 2 with one error line, nothing else printed', async () => {
      const two = sampleRun();
      for (const r of two.load) r.trials = r.trials.slice(0, 2);
      const f = write('two.json', two);
      expect(await main(['compare', f, f, '--markdown', join(dir, 'two.md')])).toBe(2);
      expect(text()).toBe(
        'error: no gating metric can be judged: read-list · untuned · rps cannot be judged: ' +
          'not enough trials: 2 and 2, where 95 % needs 4 on each side (and 11 more gating metric(s))\n',
      );
      expect(() => readFileSync(join(dir, 'two.md'))).toThrow();
    });

    it('item 7: one trial a side and rps −50 %: rps and p95 cannot be judged, never a silent pass (exit 2)', async () => {
      const one = sampleRun();
      for (const r of one.load) r.trials = r.trials.slice(0, 1);
      const half = structuredClone(one);
      for (const r of half.load) for (const t of [...r.trials, r.median!]) t.rps *= 0.5;
      expect(await main(['compare', write('one.json', one), write('half.json', half)])).toBe(2);
      expect(text()).toMatch(
        /^error: no gating metric can be judged: read-list · untuned · rps cannot be judged: not enough trials: 1 and 1, where 95 % needs 4 on each side/,
      );
    });

    it('too few trials but a failed candidate arm: the failure is a verdict, exit 1', async () => {
      const base = sampleRun(); // 3 trials: rps and p95 cannot be judged
      const cand = withArm(base, 'write', 'tuned', (arm) => failedArm(arm, 'server exited'));
      expect(await main(['compare', write('b.json', base), write('c.json', cand)])).toBe(1);
      expect(firstLine()).toBe('regressed: write · tuned · rps: candidate arm failed (server exited)');
      expect(text()).toContain('cannot be judged: read-list · untuned · rps: not enough trials: 3 and 3');
    });

    it('--json records each judged metric with its method, confidence and computed coverage', async () => {
      const f = write('a.json', run5());
      expect(await main(['compare', f, f, '--json'])).toBe(0);
      const json = JSON.parse(text());
      const rps = json.metrics.find((m: { key: string }) => m.key === 'load/autocannon/write/tuned/single/c10/rps');
      expect(rps).toMatchObject({ method: 'mann-whitney', confidence: 0.95, n: { baseline: 5, candidate: 5 } });
      expect(rps.coverage).toBeCloseTo(1 - 8 / 252, 12);
      expect(json.unjudged).toEqual([]);
    });

    it('--json carries the mismatches and the failed or missing metrics', async () => {
      const base = sampleRun();
      const cand = withArm(base, 'write', 'tuned', (arm) => auditFailed(arm, 3));
      expect(await main(['compare', write('b.json', base), write('c.json', cand), '--json'])).toBe(1);
      const json = JSON.parse(text());
      expect(json.mismatches).toEqual([]);
      expect(json.uncompared).toContainEqual({
        key: 'load/autocannon/write/tuned/single/c10/rps',
        name: 'write · tuned · rps',
        reason: 'candidate arm failed (audit: 3 acknowledged writes lost)',
        verdict: 'regressed',
        gating: true,
      });
    });
  });
});
