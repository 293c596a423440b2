import { describe, expect, it } from 'vitest';
import { classify, judgeGains, roundsFor, TUNE_BAND } from './paired.ts';

const rounds = (gains: number[]) => ({ gains, baseUs: gains.map(() => 10), armUs: gains.map(() => 10) });

describe('a tune comparison judges each query against the band, at the family confidence', () => {
  it('faster, slower, within the noise and not shown', () => {
    expect(classify(1.2, 1.4)).toBe('faster');
    expect(classify(0.6, 0.8)).toBe('slower');
    expect(classify(0.98, 1.03)).toBe('within the noise');
    // Excludes 1 but not the band: a real change too small to be worth a setting is not "faster".
    expect(classify(1.01, 1.2)).toBe('not shown');
    expect(classify(1 + TUNE_BAND + 0.001, 2)).toBe('faster');
  });

  it('more queries need more rounds; too few rounds give no verdict, never a guess', () => {
    // One query: 90 % two-sided, 5 % in each direction, needs 5 rounds.
    expect(roundsFor(1)).toBe(5);
    expect(roundsFor(9)).toBeGreaterThan(roundsFor(2));
    const c = judgeGains('a', 'b', new Map([['q', rounds([2, 2, 2, 2])]]));
    expect(c.gains[0]).toMatchObject({ verdict: 'not judged', estimate: null });
    expect(c.gains[0]!.reason).toMatch(/not enough rounds/);
  });

  it('the interval is the sign-test interval of the round gains, its coverage computed', () => {
    const g = [1.9, 2.0, 2.1, 2.2, 1.8, 2.05, 1.95, 2.15];
    const c = judgeGains(
      'yours',
      'winner',
      new Map([
        ['q', rounds(g)],
        ['r', rounds(g.map((x) => 1 / x))],
      ]),
    );
    expect(c.confidence).toBeCloseTo(0.95, 6);
    const q = c.gains.find((x) => x.query === 'q')!;
    expect(q.verdict).toBe('faster');
    expect(q.low).toBeGreaterThanOrEqual(1.8);
    expect(q.high).toBeLessThanOrEqual(2.2);
    expect(q.coverage).toBeGreaterThanOrEqual(0.95);
    // The round values stay in the record, in the order they ran: a wide interval can be read back.
    expect(q.roundGains).toEqual(g);
    expect(c.gains.find((x) => x.query === 'r')!.verdict).toBe('slower');
  });
});
