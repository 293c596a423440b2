import { describe, expect, it } from 'vitest';
import type { CrossoverFile, CrossoverRecord } from '../lib/records/crossover.ts';
import { judgeCrossover, pointVerdict } from './judge.ts';

const rec = (
  value: number,
  engine: 'sqlite' | 'postgres',
  round: number,
  rps: number,
  p95Ms: number,
  extra: Partial<CrossoverRecord> = {},
): CrossoverRecord => ({
  dimension: 'concurrency',
  value,
  engine,
  profile: engine === 'sqlite' ? 'tuned' : 'pg-tuned',
  round,
  scenario: 'mix-80-20',
  connections: value,
  topology: 'single',
  scale: 0.05,
  status: 'ok',
  rps,
  p95Ms,
  errorPct: 0,
  auditOk: true,
  ...extra,
});

/** Three rounds at a value (the fewest a 75 % interval needs): SQLite at `s` rps, PostgreSQL at `p` (p95 inversely). */
const point = (value: number, s: number, p: number, rounds = 3): CrossoverRecord[] =>
  [
    [1, 1],
    [1.02, 0.99],
    [0.99, 1.01],
  ]
    .slice(0, rounds)
    .flatMap(([fs, fp], round) => [
      rec(value, 'sqlite', round, s * fs!, 1000 / s),
      rec(value, 'postgres', round, p * fp!, 1000 / p),
    ]);

const file = (records: CrossoverRecord[]): CrossoverFile =>
  ({
    schemaVersion: 1,
    kind: 'crossover',
    environment: {} as CrossoverFile['environment'],
    options: {},
    records,
    sizes: [],
    postgres: { version: '15', server: 'throwaway cluster' },
    noise: { pct: 15, from: 'test' },
    wallS: 1,
  }) as CrossoverFile;

describe('crossover verdicts', () => {
  it('finds the first value where PostgreSQL is ahead beyond the band, and brackets the crossing', () => {
    const [v] = judgeCrossover(file([...point(10, 1000, 500), ...point(100, 1000, 950), ...point(400, 600, 900)]));
    expect(v!.points.map((p) => p.throughput!.state)).toEqual(['sqlite ahead', 'within noise', 'postgres ahead']);
    expect(v!.throughput.at).toBe(400);
    expect(v!.throughput.after).toBe(100);
    // The guide's 100 lies in (100, 400]: the crossing brackets it.
    expect(v!.ledger.verdict).toBe('confirmed');
  });

  it('says "not confirmed" when PostgreSQL is ahead nowhere past the threshold, "earlier" when ahead from the start', () => {
    const [none] = judgeCrossover(file([...point(10, 1000, 500), ...point(400, 1000, 990)]));
    expect(none!.throughput.at).toBeNull();
    expect(none!.ledger.verdict).toBe('not confirmed');
    expect(none!.throughput.text).toMatch(/no crossover on throughput up to 400/);
    const [early] = judgeCrossover(file([...point(10, 500, 1000), ...point(400, 500, 1000)]));
    expect(early!.throughput.at).toBe(10);
    expect(early!.ledger.verdict).toBe('earlier than claimed');
  });

  it('a gain inside the noise band is no crossing, however many points show it', () => {
    const [v] = judgeCrossover(file([...point(10, 1000, 1100), ...point(100, 1000, 1120), ...point(800, 1000, 1140)]));
    expect(v!.points.every((p) => p.throughput!.state === 'within noise')).toBe(true);
    expect(v!.throughput.at).toBeNull();
  });

  it('a failed trial or a failed audit gives no verdict at that point', () => {
    const recs = point(10, 500, 1000);
    recs[1] = { ...recs[1]!, auditOk: false };
    const p = pointVerdict(recs, 10, 10, 0.15);
    expect(p.throughput).toBeNull();
    expect(p.failure).toMatch(/postgres round 1: write audit failed/);
    const failed = point(10, 500, 1000);
    failed[0] = { ...failed[0]!, status: 'failed', reason: 'server died', rps: null };
    expect(pointVerdict(failed, 10, 10, 0.15).failure).toMatch(/sqlite round 1: server died/);
  });

  it('pairs by round: a round missing one engine is left out of the ratios', () => {
    // Round 3 has SQLite alone, at 10 rps: paired, it would drag the median down to ~100.
    const recs = [...point(10, 1000, 2000), rec(10, 'sqlite', 3, 10, 100)];
    const p = pointVerdict(recs, 10, 10, 0.15);
    expect(p.throughput!.median).toBeGreaterThan(1.9);
    expect(p.throughput!.median).toBeLessThan(2.1);
    expect(p.throughput!.state).toBe('postgres ahead');
  });

  it('one round, or only failed points, gives the threshold no verdict at all', () => {
    const one = [
      rec(10, 'sqlite', 0, 1000, 1),
      rec(10, 'postgres', 0, 3000, 1),
      rec(400, 'sqlite', 0, 1000, 1),
      rec(400, 'postgres', 0, 3000, 1),
    ];
    const [v] = judgeCrossover(file(one));
    expect(v!.points.every((p) => p.throughput!.state === 'too few rounds')).toBe(true);
    expect(v!.ledger.verdict).toBe('no verdict');
  });

  it('two rounds are too few for the 75 % interval: "too few rounds", however far apart the engines are', () => {
    const p = pointVerdict(point(10, 500, 1000, 2), 10, 10, 0.15);
    expect(p.failure).toBeUndefined();
    expect(p.throughput).toMatchObject({ state: 'too few rounds', coverage: 0 });
    expect(p.p95!.state).toBe('too few rounds');
    const [v] = judgeCrossover(file([...point(10, 500, 1000, 2), ...point(400, 500, 1000, 2)]));
    expect(v!.throughput.at).toBeNull();
    expect(v!.ledger.verdict).toBe('no verdict');
  });

  it('three rounds give a verdict whose coverage is computed for 3: 1 − 2 · 0.5³ = 75 %', () => {
    const p = pointVerdict(point(10, 500, 1000), 10, 10, 0.15);
    expect(p.throughput!.state).toBe('postgres ahead');
    expect(p.throughput!.coverage).toBeCloseTo(0.75, 12);
  });

  it('a trial with more than 1 % errors gives its point no verdict (fast errors would flatter p95)', () => {
    const recs = point(10, 500, 1000);
    recs[3] = { ...recs[3]!, errorPct: 4.2 };
    const p = pointVerdict(recs, 10, 10, 0.15);
    expect(p.throughput).toBeNull();
    expect(p.failure).toMatch(/postgres round 2: 4.2 % errors/);
  });
});
