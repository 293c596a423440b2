import { describe, expect, it } from 'vitest';
import type { AbTrial } from '../../lib/records/ab.ts';
import { delayForSlowdown, migrateTrials, rejudgeRun } from './ab-calibrate.ts';

/** Today's verdict on one stored metric, judged as the only gating metric of its run. */
const rejudge = (m: Parameters<typeof rejudgeRun>[0]['metrics'][number], rounds: number) =>
  rejudgeRun({
    label: 'x',
    slowdownPct: 0,
    injectDelayMs: 0,
    exitCode: 0,
    wallS: null,
    date: '',
    gitSha: null,
    rounds,
    metrics: [m],
    problems: [],
  })[0]!.verdict;

const slice = (over: Partial<AbTrial>): AbTrial => ({
  round: 0,
  pair: 0,
  slice: 0,
  seq: 0,
  side: 'candidate',
  scenario: 'write',
  profile: 'tuned',
  status: 'ok',
  rps: 3000,
  requests: 285,
  non2xx: 0,
  errors: 0,
  timeouts: 0,
  errorPct: 0,
  p50Ms: 10,
  p95Ms: 20,
  p99Ms: 30,
  durationS: 0.095,
  ...over,
});

describe('A/B calibration: stored runs read by today’s gate', () => {
  it('reads an old "no responses in the window" slice as a stalled slice, not a failure of the run', () => {
    const stall = slice({
      status: 'failed',
      reason: 'no responses in the measured window',
      rps: 0,
      requests: 0,
      errorPct: 100,
    });
    const dead = slice({ status: 'failed', reason: 'server not running', durationS: 0 });
    const [a, b] = migrateTrials([stall, dead]);
    expect(a).toMatchObject({ status: 'stalled', rps: 0, errorPct: 0 });
    expect(b).toMatchObject({ status: 'failed', reason: 'server not running' });
  });

  it('re-judges a stored metric with its pairs clustered by round', () => {
    // Rounds disagree (−14 % / +2 %): pooled they would look like a −6 % regression; by round they are noise.
    const paired = [-0.14, 0.02, -0.14, 0.02, -0.14, 0.02, -0.06, -0.06].flatMap((o) => [1 + o, 1 + o + 0.001]);
    const pairRounds = paired.map((_, i) => Math.floor(i / 2));
    const m = {
      key: 'ab/write/tuned/rps',
      verdict: 'regressed',
      median: 0.94,
      low: 0.9,
      high: 0.99,
      paired,
      pairRounds,
    };
    expect(rejudge(m, 8)).toBe('no significant change');
    const slow = { ...m, paired: paired.map(() => 0.9) };
    expect(rejudge(slow, 8)).toBe('regressed');
    expect(rejudge({ ...m, verdict: 'failed' }, 8)).toBe('failed');
  });

  it('re-judges with the round sign test: too few rounds is "not enough rounds", a stored stall (0 or MAX_VALUE) is left out', () => {
    const five = { key: 'ab/write/tuned/rps', verdict: 'regressed', median: 0.9, low: 0.89, high: 0.91 };
    // Alone in its family (90 % two-sided), a metric needs 5 rounds: 4 give no verdict.
    expect(rejudge({ ...five, paired: [0.9, 0.9, 0.9, 0.9], pairRounds: [0, 1, 2, 3] }, 4)).toBe('not enough rounds');
    // Six rounds of −10 %, and a seventh made only of an old-style stalled pair: still six rounds, regressed.
    const paired = [0.9, 0.9, 0.9, 0.9, 0.9, 0.9, Number.MAX_VALUE, 0];
    const pairRounds = [0, 1, 2, 3, 4, 5, 6, 6];
    expect(rejudge({ ...five, paired, pairRounds }, 7)).toBe('regressed');
    // Read as ratios, the stall would have made round 6 ≈ MAX_VALUE / 2 and the interval [0.9, huge]: no regression.
    expect(rejudge({ ...five, paired: [...paired.slice(0, 6), 1.2], pairRounds: pairRounds.slice(0, 7) }, 7)).toBe(
      'no significant change',
    );
  });

  it('sizes the injected delay from the throughput it must cost', () => {
    // 10 % of 45,000 req/s: each request takes 1/45,000 s; 10 % fewer means 1/40,500 s, 2.47 µs more.
    expect(delayForSlowdown(10, 45_000)).toBeCloseTo(0.00247, 5);
    expect(delayForSlowdown(0, 45_000)).toBe(0);
  });
});
