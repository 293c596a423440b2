/**
 * What tune keeps, from its comparisons (pure): a change is adopted only when a query is
 * faster beyond the band and none slower; an index that a longer one serves as well (SQLite
 * says so) or that helps only beside one not kept is dropped.
 */
import type { Comparison } from './paired.ts';
import type { IndexCandidate } from './index-candidates.ts';
import type { Decision, IndexResult } from './record.ts';
import type { TieBreak } from './counted.ts';

/** A comparison's verdict on a change: adopted only when faster beyond the band on a query and slower on none. */
export function decide(cmp: Comparison): Decision['verdict'] {
  const faster = cmp.gains.some((g) => g.verdict === 'faster');
  const slower = cmp.gains.some((g) => g.verdict === 'slower');
  if (faster && slower) return 'trade-off';
  if (faster) return 'adopted';
  if (slower) return 'slower';
  return cmp.gains.every((g) => g.verdict === 'within the noise') ? 'within the noise' : 'not shown';
}

/**
 * A setting's verdict: the timing's, and when it cannot separate the two values (within the
 * noise, not shown) and a tie-break is given, the counters': adopted by count only when they
 * show less work on a query and more on none.
 */
export async function decideSetting(
  cmp: Comparison | null,
  tieBreak?: () => Promise<TieBreak>,
): Promise<{ verdict: Decision['verdict']; adopted: boolean; counted?: TieBreak }> {
  const timed = cmp ? decide(cmp) : 'not measured';
  if (!tieBreak || (timed !== 'within the noise' && timed !== 'not shown'))
    return { verdict: timed, adopted: timed === 'adopted' };
  const counted = await tieBreak();
  const byCount = counted.verdict === 'cheaper';
  return { verdict: byCount ? 'adopted by count' : timed, adopted: byCount, counted };
}

/** A comparison that could not be made: every query not judged, with the reason. */
export function unjudged(base: string, arm: string, queries: readonly string[], reason: string): Comparison {
  return {
    base,
    arm,
    confidence: 0,
    gains: queries.map((query) => ({
      query,
      estimate: null,
      low: null,
      high: null,
      coverage: null,
      rounds: 0,
      verdict: 'not judged',
      reason,
      baseUs: null,
      armUs: null,
    })),
  };
}

/** A candidate index's result from its read comparison (null: the budget could not pay for it). */
export function indexResult(candidate: IndexCandidate, cmp: Comparison | null): IndexResult {
  if (!cmp) return { candidate, adopted: false, why: 'not measured: the budget cannot pay for its rounds' };
  const v = decide(cmp);
  const why: Record<Decision['verdict'], string> = {
    adopted: 'faster beyond the band',
    'adopted by count': '',
    'trade-off': 'slower on a query',
    slower: 'slower on a query',
    'within the noise': 'not shown faster',
    'not shown': 'not shown faster',
    required: '',
    'not measured': '',
  };
  return { candidate, reads: cmp, adopted: v === 'adopted', why: why[v] };
}

/**
 * The indexes to keep: a kept index whose columns start another kept one on the same table
 * is dropped when `served` (SQLite's plans) says the longer serves its queries as well; one
 * that helps only beside others is kept only when they are (or are served).
 */
export function settleIndexes(
  results: IndexResult[],
  served: (others: IndexCandidate[], c: IndexCandidate) => boolean,
): IndexCandidate[] {
  for (const r of results) {
    if (!r.adopted) continue;
    const longer = results.find(
      (o) =>
        o !== r &&
        o.adopted &&
        o.candidate.table === r.candidate.table &&
        o.candidate.columns.length > r.candidate.columns.length &&
        r.candidate.columns.every((col, k) => o.candidate.columns[k] === col),
    );
    const others = results.filter((o) => o !== r && o.adopted).map((o) => o.candidate);
    if (longer && served(others, r.candidate)) {
      r.adopted = false;
      r.why = `served by ${longer.candidate.name}`;
    }
  }
  const kept = (n: string) =>
    results.some((o) => o.candidate.name === n && (o.adopted || o.why.startsWith('served by')));
  for (const r of results) {
    const missing = r.candidate.requires.filter((n) => !kept(n));
    if (r.adopted && missing.length > 0) {
      r.adopted = false;
      r.why = `helps only beside ${missing.join(', ')}, not adopted`;
    }
  }
  return results.filter((r) => r.adopted).map((r) => r.candidate);
}
