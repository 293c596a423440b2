import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeK6StandIn } from '../test-support/k6-standin.ts';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/temp-dir.ts';
import { RunResults } from '../lib/records/run.ts';
import { mergeConfig } from '../lib/records/run-config.ts';
import { QUICK } from './presets.ts';
import { runSuite } from './orchestrate.ts';

/**
 * Functional only: tiny database, one write scenario, half-second trial. No figure is asserted.
 * The quick preset turns the sequential load and concurrency arms off (the paired stage judges
 * the claims); here they stay on, and the paired stage is kept tiny: 3 rounds of one slice a side,
 * at a confidence 3 rounds can give an interval for (1 − 2/2³ = 75 %), so the report still
 * renders paired intervals and verdicts (fewer rounds than the confidence needs would give
 * none). A round starts ten servers (~7.5 s on 2 cores): 6 rounds at 95 % took 46 s of this
 * file's 70.
 */
const PAIRED_ROUNDS = 3;
const TINY = mergeConfig(QUICK, {
  profiles: ['untuned', 'tuned'],
  scale: 0.005,
  bench: { timeMs: 10, ops: ['point-read'], ablation: false, indexSweepRows: [] },
  load: { enabled: true, scenarios: ['write'], trials: 1, durationS: 0.5, warmupS: 0, connections: 2 },
  concurrency: { sequential: true },
  paired: { rounds: PAIRED_ROUNDS, durationS: 0.13, warmupS: 0, confidence: 0.75 },
  capacity: { enabled: false },
});

describe('runSuite', () => {
  it('runs every stage, writes a valid results.json, REPORT.md and charts', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const out = join(dir, 'run');
      const r = await runSuite({ config: TINY, mode: 'quick', configFile: null, outDir: out });
      const status = Object.fromEntries(r.stages.map((s) => [s.name, s.status]));
      expect(status).toMatchObject({
        environment: 'ok',
        seed: 'ok',
        vacuum: 'ok',
        bench: 'ok',
        load: 'ok',
        paired: 'ok',
        concurrency: 'ok',
        capacity: 'skipped',
        report: 'ok',
      });
      expect(r.stages.find((s) => s.name === 'capacity')!.reason).toBe('disabled in the config');
      const saved = RunResults.parse(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
      expect(saved.load.map((l) => `${l.scenario}/${l.profile}`)).toEqual(['write/untuned', 'write/tuned']);
      expect(saved.bench.length).toBe(2);
      // The concurrency stage: the pool claim's three topologies, the WAL claim's two profiles under two.
      const n = Math.min(16, Math.max(2, saved.environment.cores));
      expect(saved.concurrency.map((l) => `${l.scenario}/${l.profile}/${l.topology}`)).toEqual([
        'read-list/tuned/single',
        `read-list/tuned/readers:${n}`,
        `read-list/tuned/cluster:${n}`,
        'mix-80-20/untuned/single',
        'mix-80-20/untuned-wal/single',
        `mix-80-20/untuned/readers:${n}`,
        `mix-80-20/untuned-wal/readers:${n}`,
      ]);
      expect(saved.concurrency.every((l) => !l.pinning.pinned)).toBe(true);
      expect(saved.concurrency.filter((l) => l.scenario === 'mix-80-20').every((l) => l.median?.reads)).toBe(true);
      // The paired stage: every comparison the report judges, every round of one slice a side (A B or B A).
      expect(saved.paired).not.toBeNull();
      expect(saved.paired!.roundsDone).toBe(PAIRED_ROUNDS);
      expect(saved.paired!.slicesPerSide).toBe(1);
      expect(saved.paired!.comparisons.map((c) => c.id)).toEqual([
        'tuned-vs-untuned/read-list',
        'tuned-vs-untuned/write',
        'tuned-vs-untuned/mix-80-20',
        'wal-under-writes/mix-80-20',
        'pool/read-list',
      ]);
      for (const c of saved.paired!.comparisons) {
        expect(c.slices).toHaveLength(2 * PAIRED_ROUNDS);
        for (let round = 0; round < PAIRED_ROUNDS; round++)
          expect(
            c.slices
              .filter((s) => s.round === round)
              .map((s) => s.side)
              .sort(),
          ).toEqual(['baseline', 'candidate']);
      }
      expect(saved.vacuum.every((v) => v.status === 'ok')).toBe(true);
      expect(saved.finishedAt).not.toBeNull();
      const md = readFileSync(join(out, 'REPORT.md'), 'utf8');
      expect(md).toContain('| write QPS | 20 → 40 (+100 %) |');
      expect(existsSync(join(out, 'charts', 'throughput.svg'))).toBe(true);
      expect(existsSync(join(out, 'data'))).toBe(false);
    } finally {
      cleanup();
    }
  }, 120_000);

  it('drives k6 when one is found (a test stand-in replaying a real k6 summary)', async () => {
    const { dir, cleanup } = tempDir();
    const saved = process.env.K6_BIN;
    try {
      process.env.K6_BIN = writeK6StandIn(dir, {
        summary: fileURLToPath(new URL('../load/k6/fixtures/summary-export.phased.json', import.meta.url)),
      });
      const config = mergeConfig(TINY, {
        profiles: ['tuned'],
        bench: { enabled: false },
        load: { enabled: false },
        vacuum: { enabled: false },
        concurrency: { enabled: false },
        k6: { scenarios: ['read-point'], durationS: 1 },
      });
      const r = await runSuite({ config, mode: 'quick', configFile: null, outDir: join(dir, 'run') });
      expect(r.stages.find((s) => s.name === 'k6')).toMatchObject({ status: 'ok' });
      expect(r.load.map((l) => `${l.engine}/${l.scenario}/${l.profile}/${l.status}`)).toEqual([
        'k6/read-point/tuned/ok',
      ]);
      expect(r.environment.k6).toContain('standin');
    } finally {
      if (saved === undefined) delete process.env.K6_BIN;
      else process.env.K6_BIN = saved;
      cleanup();
    }
  });

  it('after an interrupt skips the remaining stages but still writes the report', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const controller = new AbortController();
      controller.abort();
      const out = join(dir, 'run');
      const r = await runSuite({
        config: TINY,
        mode: 'quick',
        configFile: null,
        outDir: out,
        signal: controller.signal,
      });
      expect(r.stages.filter((s) => s.status === 'skipped' && s.reason === 'interrupted').map((s) => s.name)).toEqual([
        'seed',
        'vacuum',
        'bench',
        'load',
        'paired',
        'concurrency',
        'k6',
        'capacity',
        'crossover',
        'powerloss',
      ]);
      expect(r.stages.find((s) => s.name === 'report')!.status).toBe('ok');
      expect(readFileSync(join(out, 'REPORT.md'), 'utf8')).toContain('stage load skipped: interrupted');
    } finally {
      cleanup();
    }
  });

  it('passes the calibration delay to the server (serve --inject-delay-ms)', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const config = mergeConfig(TINY, {
        profiles: ['tuned'],
        bench: { enabled: false },
        vacuum: { enabled: false },
        concurrency: { enabled: false },
        k6: { enabled: false },
        paired: { enabled: false },
        load: { scenarios: ['read-point'] },
        injectDelayMs: 2,
      });
      const r = await runSuite({ config, mode: 'quick', configFile: null, outDir: join(dir, 'run') });
      const timing = r.load[0]!.serverTiming!;
      // The server busy-waits 2 ms inside every timed request, so its handler time cannot be less.
      expect(timing.handlerUs.p50).toBeGreaterThanOrEqual(2000);
      expect(readFileSync(join(dir, 'run', 'REPORT.md'), 'utf8')).toContain('**Calibration run**');
    } finally {
      cleanup();
    }
  });
});
