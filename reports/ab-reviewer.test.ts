import { describe, expect, it } from 'vitest';
import { renderAbMarkdown } from './ab-markdown.ts';
import { reviewerLine } from './ab-verdict.ts';
import { abFileOf, quickLike } from '../test-support/ab-records.ts';

describe("AB.md's line for a reviewer (hyperfine-style factors with their intervals)", () => {
  it('a 20 % loss of throughput reads "1.25× slower", p95 up 25 % reads "slower" too, each with its interval and coverage', () => {
    const ab = abFileOf(quickLike(8, 0.8), 8);
    const line = reviewerLine(ab);
    expect(line).toMatch(
      /^candidate is 1\.2\d× slower on read-point · tuned · rps \(2xx\) \(1\.2\d× … 1\.2\d×, 99\.2 %\)/,
    );
    expect(line).toMatch(/; 1\.2\d× slower on read-point · tuned · p95 \(1\.2\d× … 1\.2\d×, 99\.2 %\)/);
    expect(line).not.toContain('faster');
    // Second line of AB.md, under the verdict.
    expect(renderAbMarkdown(ab).split('\n')[2]).toBe(line);
  });

  it('a pass gives the slowdown this run could have missed, family-wise; an improvement reads "faster"', () => {
    const pass = reviewerLine(abFileOf(quickLike(8), 8));
    expect(pass).toMatch(
      /^candidate is not slower than 1\.\d\d× on any gating metric \(the widest interval: .*; family-wise \d+\.\d %\)$/,
    );
    const better = reviewerLine(abFileOf(quickLike(8, 1.25), 8));
    expect(better).toMatch(/; it is 1\.2\d× faster on read-point · tuned · rps \(2xx\) \(1\.2\d× … 1\.2\d×, 99\.2 %\)/);
  });
});
