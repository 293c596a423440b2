import { describe, expect, it } from 'vitest';
import type { AbTrial } from '../lib/records/ab.ts';
import { renderAbMarkdown } from '../reports/ab-markdown.ts';
import { abFileOf, quickLike } from '../test-support/ab-records.ts';
import { abExitCode, judgeAb, nothingJudged } from './judge.ts';

const REASON = 'the baseline is too slow to slice at 100 connections (a request waits 1.45 s on average, …)';

/** quickLike's trials with every slice of `scenario`'s arm refused from round `from` on. */
const refusedFrom = (trials: AbTrial[], scenarios: string[], from = 0): AbTrial[] =>
  trials.map((t) =>
    scenarios.includes(t.scenario) && t.round >= from
      ? { ...t, status: 'refused', reason: REASON, rps: 0, requests: 0, p95Ms: 0, errorPct: 0 }
      : t,
  );

describe('an arm too slow to slice: "cannot be judged", never a pass of its own', () => {
  it('its three gating metrics cannot be judged, with the reason; the others are judged as one smaller family', () => {
    const metrics = judgeAb({ trials: refusedFrom(quickLike(8), ['mix-80-20']), bench: [], rounds: 8 });
    const mix = metrics.filter((m) => m.key.includes('/mix-80-20/'));
    expect(mix.map((m) => m.verdict)).toEqual(['cannot be judged', 'cannot be judged', 'cannot be judged']);
    expect(mix[0]!.reason).toBe(REASON);
    expect(mix[0]!.low).toBeNull();
    const judged = metrics.filter((m) => m.gating && m.verdict !== 'cannot be judged');
    expect(judged).toHaveLength(9);
    expect(judged.every((m) => m.familySize === 9)).toBe(true);
    expect(abExitCode(metrics, [])).toBe(0);
    expect(nothingJudged(metrics)).toBeUndefined();
  });

  it('one refused round makes the whole arm unjudged (later rounds are not run), not a smaller sample', () => {
    const metrics = judgeAb({ trials: refusedFrom(quickLike(8), ['write'], 5), bench: [], rounds: 8 });
    expect(metrics.find((m) => m.key.endsWith('/write/tuned/rps'))!.verdict).toBe('cannot be judged');
  });

  it('a regression elsewhere still fails the gate beside an unjudged arm', () => {
    const slower = quickLike(8, 0.8).map((t, i) => (t.scenario === 'read-point' ? t : quickLike(8)[i]!));
    const metrics = judgeAb({ trials: refusedFrom(slower, ['mix-80-20']), bench: [], rounds: 8 });
    expect(abExitCode(metrics, [])).toBe(1);
  });

  it('every arm refused: nothing was checked, the A/B exits 2 with the reason', () => {
    const metrics = judgeAb({
      trials: refusedFrom(quickLike(8), ['read-point', 'read-list', 'write', 'mix-80-20']),
      bench: [],
      rounds: 8,
    });
    expect(abExitCode(metrics, [])).toBe(2);
    expect(nothingJudged(metrics)).toBe(`no gating metric can be judged: read-point · tuned: ${REASON}`);
    expect(
      renderAbMarkdown(abFileOf(refusedFrom(quickLike(8), ['read-point', 'read-list', 'write', 'mix-80-20']), 8)),
    ).toMatch(
      /^\*\*A\/B: NO VERDICT: none of the 12 gating metric\(s\) can be judged \(read-point · tuned · rps \(2xx\): the baseline is too slow/,
    );
  });

  it('AB.md says so on its first line and lists the arm under "Cannot be judged"', () => {
    const md = renderAbMarkdown(abFileOf(refusedFrom(quickLike(8), ['mix-80-20']), 8));
    const first = md.split('\n')[0]!;
    expect(first).toContain('no significant regression');
    expect(first).toContain(
      '3 of 12 gating metric(s) cannot be judged, not checked (mix-80-20 · tuned: the baseline is too slow',
    );
    expect(md).toContain('### Cannot be judged (not measured: the gate says nothing about these)');
    expect(md).toContain('| cannot be judged: the baseline is too slow to slice');
  });
});
