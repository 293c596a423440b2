import { describe, expect, it } from 'vitest';
import type { CapacityRecord, LoadRecord, LoadTrial } from '../lib/records/load.ts';
import { capacityTable, loadTable } from './table.ts';

const trial: LoadTrial = {
  requests: 1000,
  rps: 500,
  latencyMs: { mean: 1.5, p50: 1.2, p90: 2, p95: 2.5, p99: 4, p999: 9, max: 12 },
  errors: 1,
  timeouts: 0,
  non2xx: 2,
  statusCodes: { '200': 998, '503': 2 },
  throughputBytesPerSec: 1e5,
  durationS: 2,
};
const record = (over: Partial<LoadRecord>): LoadRecord => ({
  engine: 'autocannon',
  scenario: 'write',
  profile: 'tuned',
  topology: 'single',
  connections: 50,
  rate: null,
  warmupS: 2,
  status: 'ok',
  trials: [trial],
  median: trial,
  spread: { rps: { min: 450, max: 550 }, p95: { min: 2, max: 3 } },
  audit: [{ acked: 10, rows: 10, lost: 0, phantom: 0, integrity: 'ok', ok: true }],
  serverTiming: null,
  pinning: { pinned: true, serverCpu: 0, generatorCpu: 1 },
  ...over,
});

describe('loadTable', () => {
  it('shows the median row with fails, spread and audit, and says why an arm failed', () => {
    const out = loadTable([
      record({}),
      record({
        profile: 'untuned',
        status: 'failed',
        reason: 'trial 1: server exited (SIGKILL) mid-trial',
        audit: [{ acked: 5, rows: 3, lost: 2, phantom: 0, integrity: 'ok', ok: false }],
      }),
    ]);
    expect(out).toMatch(
      /write\s+tuned\s+single\s+50\s+1,000\s+3\s+500\s+450–550\s+1\.50\s+1\.20\s+2\.50\s+4\.00\s+12\.0\s+ok\s+ok/,
    );
    expect(out).toMatch(/FAIL \(lost 2\)\s+failed/);
    expect(out).toMatch(/! write\/untuned: trial 1: server exited \(SIGKILL\) mid-trial/);
  });

  it('marks the figures of an arm without a median trial with the one empty-cell mark', () => {
    const failed = record({ status: 'failed', reason: 'no trial', median: null, spread: null, audit: [], trials: [] });
    const out = loadTable([failed]);
    expect(out).toMatch(/write\s+tuned\s+single\s+50(\s+–){10}\s+failed/);
  });

  it('notes the wrk cross-check when present', () => {
    const out = loadTable([
      record({ scenario: 'ceiling', audit: [], extra: { wrk: { medianRps: 520, autocannonOverWrk: 500 / 520 } } }),
    ]);
    expect(out).toMatch(/wrk ceiling\/tuned: autocannon 500 rps, wrk 520 rps \(0\.96x/);
  });
});

describe('capacityTable', () => {
  it('lists the curve and the verdict', () => {
    const c: CapacityRecord = {
      scenario: 'mix-80-20',
      profile: 'tuned',
      sloP95Ms: 200,
      maxErrorPct: 1,
      status: 'ok',
      capacity: 25,
      curve: [
        { connections: 10, rps: 900, p95: 20, errorPct: 0, ok: true },
        { connections: 25, rps: 1000, p95: 150, errorPct: 0.5, ok: true },
        { connections: 50, rps: 1000, p95: 320, errorPct: 0.2, ok: false },
      ],
    };
    const out = capacityTable(c);
    expect(out).toMatch(/50\s+1,000\s+320\s+0\.20\s+over/);
    expect(out).toMatch(/mix-80-20\/tuned: capacity 25 concurrent connections \(p95 < 200 ms, errors < 1 %\)/);
    expect(capacityTable({ ...c, capacity: null, curve: [c.curve[2]!] })).toMatch(/no level met/);
  });
});
