import { describe, expect, it } from 'vitest';
import { type AbTrial } from '../lib/records/ab.ts';
import { abExitCode, judgeAb } from './judge.ts';
import { trial } from '../test-support/ab-records.ts';

/**
 * 8 rounds of 16 slice pairs of one arm, like `ab --quick`; the candidate stalls (no
 * response: status 'stalled', 0 rps, an empty histogram) in `stalls` slices of every round.
 */
function stalling(stalls: number, rounds = 8, side: AbTrial['side'] = 'candidate'): AbTrial[] {
  const out: AbTrial[] = [];
  for (let r = 0; r < rounds; r++) {
    for (let k = 0; k < 16; k++) {
      const pair = r * 16 + k;
      const noise = 1 + 0.02 * Math.sin(pair * 1.7);
      for (const s of ['baseline', 'candidate'] as const) {
        const stalled = s === side && k < stalls;
        out.push(
          trial(r, s, stalled ? 0 : 1000 * (s === 'candidate' ? noise : 1), stalled ? 0 : 2 * noise, {
            pair,
            slice: 2 * k + (s === 'baseline' ? 0 : 1),
            ...(stalled
              ? { status: 'stalled', reason: 'no response in 0.095 s', requests: 0, p50Ms: 0, p99Ms: 0 }
              : {}),
          }),
        );
      }
    }
  }
  return out;
}

describe('item 1: stalled slices', () => {
  it.each([
    [4, 0.75],
    [6, 0.625],
    [7, 0.5625],
  ])(
    'a candidate stalling in %i of 16 slices every round is a regression on answered work (×%f), exit 1',
    (stalls, work) => {
      const metrics = judgeAb({ trials: stalling(stalls), bench: [], rounds: 8 });
      const rps = metrics.find((m) => m.key.endsWith('/rps'))!;
      expect(rps.verdict).toBe('regressed');
      expect(rps.median).toBeCloseTo(work, 1);
      expect(rps.stalled).toEqual({ candidate: stalls * 8, baseline: 0 });
      expect(rps.note).toContain(`stalled slices (no response): candidate ${stalls * 8}, baseline 0 of 128`);
      // p95 of a stalled slice is no latency, never a p95 of 0 that reads as an improvement.
      expect(metrics.find((m) => m.key.endsWith('/p95'))!.verdict).not.toBe('improved');
      expect(abExitCode(metrics, [])).toBe(1);
    },
  );

  it('one stalled slice in one round of an A/A stays quiet', () => {
    const ts = stalling(0);
    const i = ts.findIndex((t) => t.side === 'candidate' && t.round === 3);
    ts[i] = { ...ts[i]!, status: 'stalled', rps: 0, requests: 0, p95Ms: 0 };
    const metrics = judgeAb({ trials: ts, bench: [], rounds: 8 });
    expect(metrics.find((m) => m.key.endsWith('/rps'))!.verdict).toBe('no significant change');
    expect(abExitCode(metrics, [])).toBe(0);
  });

  it('a candidate that stops answering (every slice of a round stalled) fails, naming the side and the round', () => {
    const ts = stalling(16).map((t) =>
      t.round < 2 && t.side === 'candidate' ? { ...t, status: 'ok' as const, rps: 1000, requests: 1000, p95Ms: 2 } : t,
    );
    const metrics = judgeAb({ trials: ts, bench: [], rounds: 8 });
    const rps = metrics.find((m) => m.key.endsWith('/rps'))!;
    expect(rps).toMatchObject({
      verdict: 'failed',
      reason: 'candidate answered no request with a 2xx in any slice of round 3 (stalled or erroring)',
    });
    expect(abExitCode(metrics, [])).toBe(1);
  });
});

describe('item 1: slices answered only with errors', () => {
  const erroring = (slices: number) =>
    stalling(0).map((t) =>
      t.side === 'candidate' && t.slice % 32 < 2 * slices
        ? { ...t, rps: 0, requests: 50, non2xx: 50, errorPct: 100, p95Ms: 1 }
        : t,
    );

  it('count as lost work in their round: a candidate failing 6 of 16 slices with 5xx regresses (exit 1)', () => {
    const metrics = judgeAb({ trials: erroring(6), bench: [], rounds: 8 });
    const rps = metrics.find((m) => m.key.endsWith('/rps'))!;
    expect(rps.verdict).toBe('regressed');
    expect(rps.median).toBeCloseTo(0.625, 1);
    expect(rps.note).toContain('slices answered only with errors (no 2xx): candidate 48, baseline 0');
    expect(abExitCode(metrics, [])).toBe(1);
  });

  it('a candidate with no 2xx in a whole round fails, naming the round', () => {
    const metrics = judgeAb({ trials: erroring(16), bench: [], rounds: 8 });
    expect(metrics.find((m) => m.key.endsWith('/rps'))!.reason).toBe(
      'candidate answered no request with a 2xx in any slice of round 1 (stalled or erroring)',
    );
    expect(abExitCode(metrics, [])).toBe(1);
  });
});

describe('item 2: both sides failing', () => {
  it('two sides that answer nothing (unreachable targets) fail, exit 1: never 0/0 = no change', () => {
    const dead = (t: AbTrial): AbTrial => ({
      ...t,
      status: 'stalled',
      rps: 0,
      requests: 0,
      errors: 40,
      errorPct: 100,
      p95Ms: 0,
    });
    const metrics = judgeAb({ trials: stalling(0).map(dead), bench: [], rounds: 8 });
    expect(metrics.find((m) => m.key.endsWith('/rps'))).toMatchObject({
      verdict: 'failed',
      reason: 'both sides answered no request with a 2xx in any slice of round 1 (stalled or erroring)',
    });
    expect(abExitCode(metrics, [])).toBe(1);
  });

  it('a baseline that answers nothing fails too, whatever the candidate did', () => {
    const metrics = judgeAb({ trials: stalling(16, 8, 'baseline'), bench: [], rounds: 8 });
    expect(metrics.find((m) => m.key.endsWith('/rps'))!.reason).toBe(
      'baseline answered no request with a 2xx in any slice of round 1 (stalled or erroring)',
    );
    expect(abExitCode(metrics, [])).toBe(1);
  });
});
