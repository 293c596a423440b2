import { describe, expect, it } from 'vitest';
import { parseBudget } from './tune.ts';

describe('tune --budget', () => {
  it('reads seconds, minutes and both', () => {
    expect(parseBudget('60s')).toBe(60);
    expect(parseBudget('5m')).toBe(300);
    expect(parseBudget('1m30s')).toBe(90);
    expect(parseBudget('90')).toBe(90);
    expect(parseBudget('1h')).toBe(3600);
  });

  it('refuses anything else with the form it expects', () => {
    for (const bad of ['', 'five', '5 minutes', '-3m', 'm', '1.5m'])
      expect(() => parseBudget(bad)).toThrow(/--budget: expected a duration such as 60s, 5m or 1m30s/);
  });
});
