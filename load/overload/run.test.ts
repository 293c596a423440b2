import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinProfile } from '../../db/profiles.ts';
import { seedDatabase } from '../../db/seed.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { OverloadRecord } from '../../lib/records/overload.ts';
import { renderOverload } from './overload-table.ts';
import { overloadFigures, overloadPassed, runOverloadStep, type OverloadRunOptions } from './run.ts';
import { profiles } from '../../test-support/catalog.ts';

const tmp = tempDir('loadlab-overload-run-');
afterAll(() => tmp.cleanup());

const measured = (statusCodes: Record<string, number>) => ({
  requests: Object.values(statusCodes).reduce((a, b) => a + b, 0),
  statusCodes,
  errors: 2,
  timeouts: 1,
  bytes: 0,
  durationS: 2,
  latencyMs: { mean: 1, p50: 1, p90: 2, p95: 3, p99: 4, p999: 5, max: 6 },
});

describe('overloadFigures', () => {
  it('computes rps, the 503 share and the 5xx that are not 503', () => {
    const f = overloadFigures(measured({ '200': 600, '201': 100, '503': 250, '500': 40, '504': 10 }));
    expect(f.rps).toBe(500);
    expect(f.share503).toBeCloseTo(0.25);
    expect(f.other5xx).toBe(50);
    expect(overloadFigures(measured({})).share503).toBe(0);
  });
});

function options(dir: string): OverloadRunOptions {
  return {
    profiles: profiles('tuned'),
    connections: [10],
    scenario: 'mix-80-20',
    durationS: 1,
    warmupS: 0,
    scale: 0.005,
    seed: 1,
    dir,
    maxInflight: 1024,
    maxQueueMs: 2000,
    timeoutS: 5,
    topology: 'single',
    pinning: { pinned: false, serverCpu: null, generatorCpu: null, reason: 'test' },
  };
}

describe('runOverloadStep', () => {
  const seeded = `${tmp.dir}/seed.sqlite`;

  it('measures a short step against the real server: rps, statuses, memory, server alive', async () => {
    seedDatabase({ out: seeded, profile: builtinProfile('tuned'), scale: 0.005, seed: 1 });
    const r = await runOverloadStep('tuned', 10, seeded, options(tmp.dir));
    expect(OverloadRecord.parse(r)).toEqual(r);
    expect(r.status).toBe('ok');
    expect(r.server.alive).toBe(true);
    expect(r.requests).toBeGreaterThan(0);
    expect(r.other5xx).toBe(0);
    expect(r.memory.rssPeakBytes).toBeGreaterThan(1e6);
    expect(r.memory.rssSamples.length).toBeGreaterThan(1);
    expect(r.server.shedQueue).toBe(0);
    expect(overloadPassed([r])).toBe(true);
    expect(renderOverload([r])).toMatch(/tuned\s+single\s+10\s/);
  });

  it('records a server that dies mid-step as failed, without hanging', async () => {
    const step = runOverloadStep('tuned', 10, seeded, { ...options(tmp.dir), durationS: 8 });
    const child = (pattern: string): string => {
      try {
        return (
          execFileSync('pgrep', ['-P', String(process.pid), '-f', pattern], { encoding: 'utf8' })
            .trim()
            .split('\n')[0] ?? ''
        );
      } catch {
        return '';
      }
    };
    // The generator starts once the server listens: kill the server while the load runs.
    for (let i = 0; i < 150 && !child('generator-worker'); i++) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 700));
    const pid = child('loadlab.js serve');
    expect(pid).toMatch(/^\d+$/);
    process.kill(Number(pid), 'SIGKILL');
    const r = await step;
    expect(r.status).toBe('failed');
    expect(r.server.alive).toBe(false);
    expect(r.reason).toMatch(/server died/);
    expect(overloadPassed([r])).toBe(false);
  });
});
