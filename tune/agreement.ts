/**
 * Two tune runs on one database (an A/A): do they propose the same indexes, and where their
 * winners differ, how did each run label that setting? A choice that flips between runs
 * should be one a run called within the noise, never one both called shown.
 */
import { DIMENSIONS, dimensionText, sameDimension, type Dimension } from './space.ts';
import type { TuneRecord } from './record.ts';

export interface Agreement {
  sameIndexes: boolean;
  indexes: { a: string[]; b: string[] };
  differing: {
    dimension: Dimension;
    a: string;
    b: string;
    /** Each run's verdict on that setting ('no decision': its leader had your value). */
    verdictA: string;
    verdictB: string;
    /** At least one run reported it within the noise (or not shown beyond the band). */
    withinNoise: boolean;
  }[];
}

const NOISE = new Set(['within the noise', 'not shown']);

export function tuneAgreement(a: TuneRecord, b: TuneRecord): Agreement {
  const ia = [...a.adoptedIndexes].sort();
  const ib = [...b.adoptedIndexes].sort();
  const verdict = (r: TuneRecord, d: Dimension) => r.decisions.find((x) => x.dimension === d)?.verdict ?? 'no decision';
  return {
    sameIndexes: ia.join('\n') === ib.join('\n'),
    indexes: { a: ia, b: ib },
    differing: DIMENSIONS.filter((d) => !sameDimension(a.winner, b.winner, d)).map((d) => {
      const va = verdict(a, d);
      const vb = verdict(b, d);
      return {
        dimension: d,
        a: dimensionText(a.winner, d),
        b: dimensionText(b.winner, d),
        verdictA: va,
        verdictB: vb,
        withinNoise: NOISE.has(va) || NOISE.has(vb),
      };
    }),
  };
}
