import type { AbMetric } from '../lib/records/ab.ts';
import type { CountedRecord } from '../lib/records/counted.ts';
import { safeRatio } from '../stats/index.ts';

/** A counter metric with no figure: failed (a side not counted) or regressed (a cost the baseline did not have). */
const unfigured = (verdict: 'failed' | 'regressed', reason: string) => ({
  paired: [],
  pairRounds: [],
  roundValues: [],
  median: null,
  low: null,
  high: null,
  coverage: null,
  verdict,
  reason,
});

const COUNTERS = [
  { field: 'instructionsPerOp', id: 'instructions', label: 'instructions/op', unit: 'instructions' },
  { field: 'fsyncPerOp', id: 'fsync', label: 'fsync/op', unit: 'fsync' },
  { field: 'writeBytesPerOp', id: 'write-bytes', label: 'bytes written/op', unit: 'B' },
] as const;

/** Exact counters: candidate / baseline per operation, profile and counter, against a small threshold. */
export function countedMetrics(
  counted: { baseline: readonly CountedRecord[]; candidate: readonly CountedRecord[] } | undefined,
  thresholdPct: number,
): AbMetric[] {
  if (!counted) return [];
  const out: AbMetric[] = [];
  for (const b of counted.baseline) {
    const c = counted.candidate.find((x) => x.op === b.op && x.profile === b.profile);
    for (const k of COUNTERS) {
      const bv = b.status === 'ok' ? b[k.field] : null;
      const cv = c && c.status === 'ok' ? c[k.field] : null;
      const common = {
        key: `ab/counted/${b.op}/${b.profile}/${k.id}`,
        name: `${b.op} · ${b.profile} · ${k.label}`,
        unit: k.unit,
        direction: 'lower' as const,
        scale: 'ratio' as const,
        gating: true,
        threshold: thresholdPct,
        baselineMedian: bv,
        candidateMedian: cv,
        method: 'exact' as const,
        confidence: null,
      };
      if (b.status === 'skipped' && (!c || c.status === 'skipped')) continue;
      if (bv === null || cv === null) {
        if (k.id === 'instructions' && b.status === 'ok' && c?.status === 'ok') continue; // strace-only run
        const reason = !c
          ? 'candidate: not counted'
          : c.status !== 'ok'
            ? `candidate: ${c.reason ?? c.status}`
            : `baseline: ${b.reason ?? b.status}`;
        out.push({ ...common, ...unfigured('failed', reason) });
        continue;
      }
      // A cost where the baseline had none (an fsync added to a read) has no finite ratio: a regression.
      if (bv === 0 && cv > 0) {
        out.push({ ...common, ...unfigured('regressed', `candidate ${cv} ${k.label} where the baseline had none`) });
        continue;
      }
      // Exact counts have no noise to bound: the ratio is the change, with no interval and no coverage.
      const r = safeRatio(cv, bv);
      const t = 1 + thresholdPct / 100;
      const verdict = r > t ? 'regressed' : r < 1 / t ? 'improved' : 'no significant change';
      out.push({
        ...common,
        paired: [r],
        pairRounds: [0],
        roundValues: [r],
        median: r,
        low: r,
        high: r,
        coverage: null,
        verdict,
      });
    }
  }
  return out;
}
