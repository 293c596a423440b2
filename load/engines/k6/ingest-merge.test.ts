import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_BIN } from '../../../lib/server-process.ts';
import { LoadFile } from '../../../lib/records/load.ts';
import { tempDir } from '../../../test-support/temp-dir.ts';
import { readK6Summary } from './ingest.ts';
import { PERCENTILE_MERGE_NOTE, mergeK6Instances, mergedRecord } from './ingest-merge.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../k6/fixtures/${name}`, import.meta.url));
const FILES = ['summary-export.http.json', 'handle-summary.http.json', 'machine-readable.json'].map(fixture);
const instances = () => FILES.map((f) => ({ source: f, summary: readK6Summary(f) }));

describe('merging k6 instance summaries', () => {
  it('sums counts and rates, keeps mean and max exact, and bounds the percentiles', () => {
    const m = mergeK6Instances(instances());
    expect(m.trial).toMatchObject({ requests: 19000, errors: 10, timeouts: 4, non2xx: 40 + 10 + 4, durationS: 20 });
    expect(m.trial.rps).toBeCloseTo(1199.5 + 300 + 200, 6);
    expect(m.trial.statusCodes).toEqual({ '200': 11950, '404': 10, '503': 30, '201': 2990, '409': 10 });
    expect(m.trial.latencyMs.mean).toBeCloseTo((2.1 * 12000 + 30.5 * 3000 + 1.9 * 4000) / 19000, 9);
    expect(m.trial.latencyMs.max).toBe(640);
    expect(m.trial.latencyMs.p95).toBe(250);
    expect(m.percentileBounds.p95).toEqual({ min: 4.2, max: 250 });
    expect(m.crossed).toEqual([`${FILES[1]}: http_req_duration: p(95)<200`]);
    expect(m.unjudged).toEqual([FILES[2]]);
    expect(m.vusMax).toBe(50 + 40 + 20);
  });

  it('the record says how percentiles were merged and fails when an instance crossed a threshold', () => {
    const r = mergedRecord(mergeK6Instances(instances()), { scenario: 'read-point', profile: 'tuned' });
    expect(r).toMatchObject({ engine: 'k6', topology: 'distributed:3', status: 'failed', connections: 110 });
    expect(r.reason).toMatch(/judged per instance/);
    const merge = (r.extra!.k6 as { merge: { note: string; percentiles: string } }).merge;
    expect(merge.note).toBe(PERCENTILE_MERGE_NOTE);
    expect(merge.percentiles).toMatch(/upper bound/);
  });

  it('one instance merges to its own figures', () => {
    const [one] = instances();
    const m = mergeK6Instances([one!]);
    expect(m.trial.latencyMs).toEqual({ mean: 2.1, p50: 1.72, p90: 3.6, p95: 4.9, p99: 12.3, p999: 41.7, max: 88.4 });
    expect(m.percentileBounds.p99).toEqual({ min: 12.3, max: 12.3 });
  });
});

function loadlab(...args: string[]) {
  const r = spawnSync(process.execPath, [CLI_BIN, ...args], { encoding: 'utf8', timeout: 30_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('loadlab import-k6', () => {
  it('writes one merged LoadFile record and exits 1 when an instance crossed a threshold', () => {
    const tmp = tempDir();
    try {
      const out = join(tmp.dir, 'merged.json');
      const r = loadlab('import-k6', ...FILES, '--scenario', 'read-point', '--profile', 'tuned', '--json-out', out);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toMatch(/^merged 3 k6 summaries \(summary-export, handle-summary, machine-readable\)/);
      expect(r.stdout).toMatch(/p95 <= 250\.00 ms \(instances 4\.20 ms\.\.250\.00 ms\)/);
      expect(r.stdout).toContain('cannot be merged exactly');
      const file = LoadFile.parse(JSON.parse(readFileSync(out, 'utf8')));
      expect(file.records).toHaveLength(1);
      expect(file.records[0]!.median!.requests).toBe(19000);
      expect(file.environment.caveats.join(' ')).toMatch(/imported k6 summaries \(3\)/);
    } finally {
      tmp.cleanup();
    }
  });

  it('exits 0 when no threshold was crossed', () => {
    const r = loadlab('import-k6', FILES[0]!, FILES[2]!);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/thresholds: none crossed/);
  });

  it('a file that is not a k6 summary is one line and exit 2', () => {
    const tmp = tempDir();
    try {
      const bad = join(tmp.dir, 'autocannon.json');
      writeFileSync(bad, JSON.stringify({ latency: { p50: 1 } }));
      const r = loadlab('import-k6', FILES[0]!, bad);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([
        `error: ${bad}: not a k6 summary (expected a 'metrics' object from --summary-export or handleSummary, or 'version' + 'results.metrics' from the machine-readable summary)`,
      ]);
      expect(loadlab('import-k6').code).toBe(2);
    } finally {
      tmp.cleanup();
    }
  });
});
