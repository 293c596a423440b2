import { describe, expect, it } from 'vitest';
import { BENCH_SCHEMA_VERSION, BenchFile } from '../lib/records/bench.ts';
import { fullRun, sampleLoadFile, sampleRun, TEST_ENV } from '../test-support/records.ts';
import { contextMismatches, contextOf, describeMismatches } from './context.ts';

const run = (r = sampleRun()) => contextOf({ kind: 'run', file: r });
const load = (options: Record<string, unknown> = {}) =>
  contextOf({ kind: 'load', file: sampleLoadFile(undefined, options) });

describe('run context', () => {
  it('a run: mode and preset from the file, machine and versions from its environment', () => {
    expect(run()).toEqual({
      mode: 'quick',
      scale: 0.05,
      connections: 10,
      trials: 2,
      durationS: 1.5,
      warmupS: 1,
      cpuModel: 'Test CPU',
      cores: 2,
      node: 'v20.20.2',
      sqlite: '3.53.0',
      betterSqlite3: '12.11.1',
    });
  });

  it('quick against full names mode and each preset field that differs', () => {
    expect(describeMismatches(contextMismatches(run(), run(fullRun())))).toBe(
      'mode quick vs full; scale 0.05 vs 1; trials 2 vs 4; durationS 1.5 vs 75; warmupS 1 vs 10',
    );
  });

  it('the same run matches itself', () => {
    expect(contextMismatches(run(), run())).toEqual([]);
  });

  it('machine and versions: CPU model, cores, Node, SQLite, better-sqlite3', () => {
    const other = sampleRun({
      environment: {
        ...TEST_ENV,
        cpuModel: 'Other CPU',
        cores: 8,
        node: 'v22.0.0',
        sqlite: '3.45.0',
        betterSqlite3: null,
      },
    });
    expect(contextMismatches(run(), run(other)).map((m) => m.field)).toEqual([
      'CPU model',
      'cores',
      'Node',
      'SQLite',
      'better-sqlite3',
    ]);
    expect(describeMismatches(contextMismatches(run(), run(other)))).toContain(
      'CPU model "Test CPU" vs "Other CPU"; cores 2 vs 8',
    );
    expect(describeMismatches(contextMismatches(run(), run(other)))).toContain('better-sqlite3 12.11.1 vs none');
  });

  it('a load file: its options; no mode, so mode is not compared against a run', () => {
    expect(load()).toMatchObject({ scale: 0.05, connections: 10, trials: 3, durationS: 1.5, warmupS: 1 });
    expect(load().mode).toBeUndefined();
    expect(contextMismatches(run(), load()).map((m) => m.field)).toEqual(['trials']);
    expect(contextMismatches(load(), load({ connections: 50 }))).toEqual([
      { field: 'connections', baseline: '10', candidate: '50' },
    ]);
  });

  it('a bench file has no connections or trials: only scale and the machine are compared', () => {
    const bench = BenchFile.parse({
      schemaVersion: BENCH_SCHEMA_VERSION,
      kind: 'bench',
      environment: TEST_ENV,
      options: { scale: 1, timeMs: 1000 },
      records: [],
    });
    const ctx = contextOf({ kind: 'bench', file: bench });
    expect(ctx.connections).toBeUndefined();
    expect(contextMismatches(run(), ctx).map((m) => m.field)).toEqual(['scale']);
  });
});
