import type { AbFile, AbTrial } from '../lib/records/ab.ts';
import { abExitCode, judgeAb } from '../ab/judge.ts';

/** Made-up A/B records for the judge's and AB.md's tests. */

/** One slice pair's side of read-point · tuned in `round` (pair = round). */
export function trial(
  round: number,
  side: AbTrial['side'],
  rps: number,
  p95 = 2,
  extra: Partial<AbTrial> = {},
): AbTrial {
  return {
    round,
    pair: round,
    slice: side === 'baseline' ? 0 : 1,
    seq: 0,
    side,
    scenario: 'read-point',
    profile: 'tuned',
    status: 'ok',
    rps,
    requests: Math.round(rps),
    non2xx: 0,
    errors: 0,
    timeouts: 0,
    errorPct: 0,
    p50Ms: 1,
    p95Ms: p95,
    p99Ms: 3,
    durationS: 1,
    ...extra,
  } as AbTrial;
}

/** The four arms of --quick over `rounds` rounds, the candidate `ratio` × the baseline with a small wobble. */
export const quickLike = (rounds: number, ratio = 1): AbTrial[] =>
  ['read-point', 'read-list', 'write', 'mix-80-20'].flatMap((scenario, a) =>
    Array.from({ length: rounds }, (_, r) => {
      const wobble = 1 + (r % 2 ? 0.01 : -0.01) * ((r + a) % 5) * 0.1;
      const base = { scenario, errorPct: 0.1 * ((r + a) % 3) };
      return [
        trial(r, 'baseline', 1000 + 100 * r, 2 + 0.1 * r, base),
        trial(r, 'candidate', (1000 + 100 * r) * ratio * wobble, (2 + 0.1 * r) / (ratio * wobble), {
          ...base,
          errorPct: 0.1 * ((r + a + 1) % 3),
        }),
      ];
    }).flat(),
  );

/** An AbFile around `trials`, judged by today's rule (sides and environment made up). */
export function abFileOf(trials: AbTrial[], rounds: number): AbFile {
  const metrics = judgeAb({ trials, bench: [], rounds });
  return {
    schemaVersion: 4,
    kind: 'ab',
    environment: {} as AbFile['environment'],
    mode: 'quick',
    config: { profiles: ['tuned'], scale: 0.05, load: { connections: 50 } } as AbFile['config'],
    sides: { baseline: madeUpSide('baseline', '../main'), candidate: madeUpSide('candidate', '.') },
    orderSeed: 1,
    roundsPlanned: rounds,
    roundsDone: rounds,
    trials: [],
    bench: [],
    counted: { baseline: [], candidate: [] },
    metrics,
    problems: [],
    notMeasured: [],
    notCompared: [],
    exitCode: abExitCode(metrics, []),
    wallS: 10,
  };
}

/** A side of a made-up A/B: a directory, no git, nothing injected. */
function madeUpSide<N extends 'baseline' | 'candidate'>(name: N, dir: string) {
  return { name, dir, gitSha: null, branch: null, dirty: null, configFile: null, injectDelayMs: 0, injectWork: 0 };
}
