/**
 * Hand-built records for reporter, ledger and compare tests. Every number here is
 * invented for the tests and says so: nothing from this file reaches a real report.
 */
import type { Environment } from '../lib/records/environment.ts';
import type { AblationRecord, BenchRecord, IndexSweepRecord } from '../lib/records/bench.ts';
import type { CapacityRecord, LoadRecord, LoadTrial } from '../lib/records/load.ts';
import { LOAD_SCHEMA_VERSION, LoadFile } from '../lib/records/load.ts';
import { RunResults, STAGE_NAMES, type VacuumRecord } from '../lib/records/run.ts';
import { FULL, QUICK } from '../run/presets.ts';

export const TEST_ENV: Environment = {
  date: '2026-01-02T03:04:05.000Z',
  gitSha: 'abc1234def',
  hostname: 'test-host',
  cpuModel: 'Test CPU',
  cores: 2,
  memoryBytes: 8 * 1024 ** 3,
  kernel: '6.1.0-test',
  platform: 'linux',
  dataDir: '/tmp/test-data',
  filesystem: 'ext4',
  fsyncUs: 180,
  node: 'v20.20.2',
  sqlite: '3.53.0',
  betterSqlite3: '12.11.1',
  autocannon: '8.0.0',
  tinybench: '6.2.5',
  k6: null,
  taskset: true,
  pinning: { pinned: true, serverCpu: 0, generatorCpu: 1 },
  caveats: [
    '2 CPU cores: the server and the load generator each get one at most; multi-process topologies have no spare core',
    'k6 not found (K6_BIN or PATH): k6 stages skipped',
  ],
};

export function trial(rps: number, p95: number, durationS = 3): LoadTrial {
  return {
    requests: Math.round(rps * durationS),
    rps,
    latencyMs: { mean: p95 / 2, p50: p95 / 2.5, p90: p95 * 0.8, p95, p99: p95 * 1.5, p999: p95 * 2, max: p95 * 3 },
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    statusCodes: { '200': Math.round(rps * durationS) },
    throughputBytesPerSec: rps * 500,
    durationS,
  };
}

/** `arm` under another topology, its trials carrying read figures (rps, p95 per trial) when given. */
export function concurrencyArm(
  arm: LoadRecord,
  topology: string,
  reads?: { rps: number[]; p95: number[]; refused?: number },
): LoadRecord {
  const withReads = (t: LoadTrial, i: number): LoadTrial =>
    reads
      ? {
          ...t,
          reads: {
            rps: reads.rps[i] ?? reads.rps[0]!,
            requests: Math.round((reads.rps[i] ?? reads.rps[0]!) * t.durationS) + (reads.refused ?? 0),
            non2xx: reads.refused ?? 0,
            latencyMs: { ...t.latencyMs, p95: reads.p95[i] ?? reads.p95[0]! },
          },
        }
      : t;
  const trials = arm.trials.map(withReads);
  return {
    ...arm,
    topology,
    pinning: { pinned: false, serverCpu: null, generatorCpu: null, reason: 'pinning disabled' },
    trials,
    median: arm.median ? withReads(arm.median, 1) : null,
  };
}

/** A load record whose trials have the given rps and p95 values. */
export function loadRecord(
  scenario: string,
  profile: string,
  rps: number[],
  p95: number[],
  over: Partial<LoadRecord> = {},
): LoadRecord {
  const trials = rps.map((r, i) => trial(r, p95[i] ?? p95[0]!));
  const mid = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return {
    engine: 'autocannon',
    scenario,
    profile,
    topology: 'single',
    connections: 10,
    rate: null,
    warmupS: 1,
    status: 'ok',
    trials,
    median: trial(mid(rps), mid(p95)),
    spread: {
      rps: { min: Math.min(...rps), max: Math.max(...rps) },
      p95: { min: Math.min(...p95), max: Math.max(...p95) },
    },
    audit: [],
    serverTiming: {
      requests: 1000,
      handlerUs: { count: 1000, mean: 200, p50: 150, p90: 300, p95: 400, p99: 800, max: 2000 },
      dbUs: { count: 1000, mean: 120, p50: 90, p90: 200, p95: 250, p99: 500, max: 1500 },
      busy: 0,
    },
    pinning: { pinned: true, serverCpu: 0, generatorCpu: 1 },
    ...over,
  };
}

export function benchRecord(
  op: string,
  profile: string,
  opsPerSec: number,
  over: Partial<BenchRecord> = {},
): BenchRecord {
  const meanUs = 1e6 / opsPerSec;
  return {
    op,
    profile,
    status: 'ok',
    opsPerSec,
    latencyUs: { mean: meanUs, p50: meanUs * 0.9, p75: meanUs * 1.1, p99: meanUs * 2 },
    rme: 2,
    samples: 500,
    plan: 'SEARCH campaigns USING INTEGER PRIMARY KEY (rowid=?)',
    effective: {},
    ...over,
  };
}

export function ablation(
  pragma: string,
  op: string,
  change: number,
  halfWidth = 0.03,
  over: Partial<AblationRecord> = {},
): AblationRecord {
  return {
    direction: 'enable-on-untuned',
    pragma,
    op,
    status: 'ok',
    baseOpsPerSec: 1000,
    armOpsPerSec: 1000 * (1 + change),
    change,
    spread: { low: change - halfWidth, high: change + halfWidth },
    ...over,
  };
}

export function sweep(
  kind: 'query' | 'insert',
  rows: number,
  indexes: number,
  meanUs: number,
  plan: string,
): IndexSweepRecord {
  return {
    kind,
    rows,
    indexes,
    status: 'ok',
    opsPerSec: 1e6 / meanUs,
    latencyUs: { mean: meanUs, p50: meanUs, p99: meanUs * 2 },
    rme: 2,
    plan,
  };
}

export function capacity(profile: string, cap: number | null, steps: [number, number][]): CapacityRecord {
  return {
    scenario: 'mix-80-20',
    profile,
    sloP95Ms: 200,
    maxErrorPct: 1,
    status: 'ok',
    capacity: cap,
    curve: steps.map(([connections, p95]) => ({
      connections,
      rps: connections * 100,
      p95,
      errorPct: 0,
      ok: p95 < 200,
    })),
  };
}

/** A VACUUM record; `maintained` is the size after the profile's own maintenance (default: none, `before`). */
export function vacuum(profile: string, before: number, after: number, maintained = before): VacuumRecord {
  return {
    profile,
    status: 'ok',
    method: 'seeded, 35 % of contents deleted, 10 % of bodies rewritten, then VACUUM',
    deletedRows: 350,
    updatedRows: 65,
    pageSize: 4096,
    bytes: { seeded: before, beforeVacuum: before, afterMaintenance: maintained, afterVacuum: after },
    maintenance:
      maintained === before ? 'none (auto_vacuum=NONE)' : 'PRAGMA incremental_vacuum (auto_vacuum=INCREMENTAL)',
    freelistPages: { beforeVacuum: Math.round((before - after) / 4096), afterVacuum: 0 },
    vacuumMs: 12,
  };
}

/** A complete, plausible run: tuned beats untuned on every headline metric. */
export function sampleRun(over: Partial<RunResults> = {}): RunResults {
  return RunResults.parse({
    schemaVersion: 1,
    kind: 'run',
    mode: 'quick',
    configFile: null,
    startedAt: '2026-01-02T03:04:05.000Z',
    finishedAt: '2026-01-02T03:06:35.000Z',
    wallS: 150,
    environment: TEST_ENV,
    config: { ...QUICK, load: { ...QUICK.load, connections: 10 } },
    stages: STAGE_NAMES.map((name) => ({
      name,
      status: name === 'k6' ? 'skipped' : 'ok',
      ...(name === 'k6' ? { reason: 'k6 not found' } : {}),
      startedAt: '2026-01-02T03:04:05.000Z',
      durationS: 10,
    })),
    scenarios: [
      { name: 'read-list', description: 'GET lists', kind: 'read' },
      { name: 'write', description: 'POST /contents', kind: 'write' },
      { name: 'mix-80-20', description: '80 % reads, 20 % writes', kind: 'mixed' },
    ],
    seed: [],
    vacuum: [vacuum('untuned', 10_000_000, 6_500_000), vacuum('tuned', 10_000_000, 6_600_000, 6_500_000)],
    bench: [
      benchRecord('get-campaign', 'untuned', 50_000),
      benchRecord('get-campaign', 'tuned', 60_000),
      benchRecord('insert-content', 'untuned', 1_200),
      benchRecord('insert-content', 'tuned', 40_000),
    ],
    ablation: [
      ablation('wal', 'get-campaign', 0.4),
      ablation('wal', 'list-contents', 0.35),
      ablation('normal', 'insert-content', 1.5, 0.2),
      ablation('cache', 'list-contents', 0.01),
      ablation('mmap', 'list-contents', -0.3),
      ablation('temp_store', 'temp-sort', 0.1),
      ablation('indexes', 'indexed-list', 12, 1),
      ablation('indexes', 'point-read', 0),
    ],
    indexSweep: [
      sweep('query', 50_000, 0, 4000, 'SCAN campaigns'),
      sweep('query', 50_000, 1, 20, 'SEARCH campaigns USING INDEX idx_campaigns_client (client_id=?)'),
    ],
    load: [
      loadRecord('read-list', 'untuned', [4000, 4100, 3900], [5, 5.2, 4.8]),
      loadRecord('read-list', 'tuned', [5000, 5100, 4900], [4, 4.1, 3.9]),
      loadRecord('write', 'untuned', [800, 820, 780], [20, 21, 19]),
      loadRecord('write', 'tuned', [4000, 4100, 3900], [5, 5.1, 4.9]),
      loadRecord('mix-80-20', 'untuned', [2000, 2050, 1950], [12, 12.5, 11.5]),
      loadRecord('mix-80-20', 'tuned', [4500, 4600, 4400], [4, 4.2, 3.8]),
    ],
    concurrency: [
      concurrencyArm(loadRecord('read-list', 'tuned', [5000, 5100, 4900], [4, 4.1, 3.9]), 'single'),
      concurrencyArm(loadRecord('read-list', 'tuned', [5600, 5700, 5500], [3.6, 3.7, 3.5]), 'readers:2'),
      concurrencyArm(loadRecord('read-list', 'tuned', [5200, 5300, 5100], [3.9, 4, 3.8]), 'cluster:2'),
      concurrencyArm(loadRecord('mix-80-20', 'untuned', [1500, 1550, 1450], [12, 12.5, 11.5]), 'single', {
        rps: [1200, 1240, 1160],
        p95: [11, 11.5, 10.5],
      }),
      concurrencyArm(loadRecord('mix-80-20', 'untuned-wal', [1600, 1650, 1550], [10, 10.5, 9.5]), 'single', {
        rps: [1280, 1320, 1240],
        p95: [9, 9.5, 8.5],
      }),
      concurrencyArm(loadRecord('mix-80-20', 'untuned', [1300, 1350, 1250], [15, 15.5, 14.5]), 'readers:2', {
        rps: [1000, 1050, 950],
        p95: [14, 14.5, 13.5],
        refused: 40,
      }),
      concurrencyArm(loadRecord('mix-80-20', 'untuned-wal', [1750, 1800, 1700], [9, 9.5, 8.5]), 'readers:2', {
        rps: [1400, 1450, 1350],
        p95: [8, 8.5, 7.5],
      }),
    ],
    capacity: [
      capacity('untuned', 50, [
        [1, 2],
        [50, 150],
        [100, 400],
      ]),
      capacity('tuned', 100, [
        [1, 1],
        [50, 60],
        [100, 180],
        [200, 450],
      ]),
    ],
    ...over,
  });
}

/** The same run as sampleRun, run with the --full preset (connections kept at 10, so the metric keys match). */
export function fullRun(over: Partial<RunResults> = {}): RunResults {
  return sampleRun({ mode: 'full', config: { ...FULL, load: { ...FULL.load, connections: 10 } }, ...over });
}

/** A copy of `run` whose load arm `scenario × profile` is replaced by `change(arm)`. */
export function withArm(
  run: RunResults,
  scenario: string,
  profile: string,
  change: (arm: LoadRecord) => LoadRecord,
): RunResults {
  const copy = structuredClone(run);
  const i = copy.load.findIndex((r) => r.scenario === scenario && r.profile === profile);
  if (i < 0) throw new Error(`no load arm ${scenario} × ${profile} in the sample run`);
  copy.load[i] = change(copy.load[i]!);
  return copy;
}

/** The arm as the runner records a failed write audit: `lost` acknowledged writes missing, status failed. */
export function auditFailed(arm: LoadRecord, lost: number): LoadRecord {
  const acked = arm.trials[0]?.requests ?? 1000;
  return {
    ...arm,
    status: 'failed',
    reason: `trial 1: audit failed: ${lost} acknowledged write(s) lost`,
    audit: [{ acked, rows: acked - lost, lost, phantom: 0, integrity: 'ok', ok: false, unanswered: 0 }],
  };
}

/** The arm failed outright (server crashed, …): status failed with `reason`, no figures. */
export function failedArm(arm: LoadRecord, reason: string): LoadRecord {
  return { ...arm, status: 'failed', reason, trials: [], median: null, spread: null };
}

/** The arm with `share` (0.02 = 2 %) of its answers turned into 503s on every trial; 2xx throughput unchanged. */
export function withNon2xx(arm: LoadRecord, share: number): LoadRecord {
  const bump = (t: LoadTrial): LoadTrial => {
    const ok = t.statusCodes['200'] ?? t.requests;
    const bad = Math.round((ok * share) / (1 - share));
    return { ...t, requests: ok + bad, non2xx: bad, statusCodes: { '200': ok, '503': bad } };
  };
  return { ...arm, trials: arm.trials.map(bump), median: arm.median ? bump(arm.median) : null };
}

/** A copy of `run` without any record of `profile` (load, bench, capacity): a candidate that lost a profile. */
export function withoutProfile(run: RunResults, profile: string): RunResults {
  const copy = structuredClone(run);
  copy.load = copy.load.filter((r) => r.profile !== profile);
  copy.bench = copy.bench.filter((r) => r.profile !== profile);
  copy.capacity = copy.capacity.filter((r) => r.profile !== profile);
  return copy;
}

/** A `load --json` file holding the sample run's load records (or `records`), with the options `load` writes. */
export function sampleLoadFile(
  records: LoadRecord[] = sampleRun().load,
  options: Record<string, unknown> = {},
): LoadFile {
  return LoadFile.parse({
    schemaVersion: LOAD_SCHEMA_VERSION,
    kind: 'load',
    environment: TEST_ENV,
    options: { scale: 0.05, connections: 10, trials: 3, durationS: 1.5, warmupS: 1, ...options },
    records,
  });
}
