import type { PairedPurpose, PairedSide } from '../lib/records/paired.ts';
import type { RunConfig } from '../lib/records/run-config.ts';
import { POOL_PROFILE, WAL_AFTER, WAL_BEFORE } from '../lib/records/concurrency-arms.ts';
import { concurrencyWorkers } from './concurrency.ts';

/** One comparison of the paired stage, as data: what runs on each side, and why. */
export interface ComparisonSpec {
  id: string;
  purpose: PairedPurpose;
  scenario: string;
  baseline: PairedSide;
  candidate: PairedSide;
  /** Pin server and generator to different CPUs; off where a topology needs every core. */
  pin: boolean;
}

const single = (profile: string): PairedSide => ({ profile, topology: 'single' });

/**
 * Every comparison the report states, from the config: tuned vs untuned on each headline
 * scenario (read QPS, write QPS, P95), consensus vs tuned on the P95 scenario (the guide's
 * mix) when the run has consensus, WAL while writes run (untuned vs untuned-wal, readers:N beside the writer)
 * and the pool (tuned one connection vs readers:N), the last two when the concurrency stage
 * is on. Profiles the run does not have are left out.
 */
export function pairedPlan(c: RunConfig, cores: number): ComparisonSpec[] {
  const h = c.headline;
  const scenarios = [...new Set([h.readScenario, h.writeScenario, h.p95Scenario])];
  const has = (p: string) => c.profiles.includes(p);
  const out: ComparisonSpec[] = [];
  if (has('untuned') && has('tuned'))
    for (const scenario of scenarios)
      out.push({
        id: `tuned-vs-untuned/${scenario}`,
        purpose: 'tuned-vs-untuned',
        scenario,
        baseline: single('untuned'),
        candidate: single('tuned'),
        pin: true,
      });
  // consensus (and any profile of your own) against tuned on the guide's mix (reads and
  // writes, its throughput and p95): one comparison each, so the round budget goes to the claims.
  if (has('tuned'))
    for (const profile of c.profiles.filter((p) => p !== 'untuned' && p !== 'tuned'))
      out.push({
        id: `${profile}-vs-tuned/${h.p95Scenario}`,
        purpose: profile === 'consensus' ? 'consensus-vs-tuned' : 'profile-vs-tuned',
        scenario: h.p95Scenario,
        baseline: single('tuned'),
        candidate: single(profile),
        pin: true,
      });
  if (c.concurrency.enabled) {
    const readers = `readers:${concurrencyWorkers(c, cores)}`;
    out.push({
      id: `wal-under-writes/${c.concurrency.mixScenario}`,
      purpose: 'wal-under-writes',
      scenario: c.concurrency.mixScenario,
      baseline: { profile: WAL_BEFORE, topology: readers },
      candidate: { profile: WAL_AFTER, topology: readers },
      pin: false,
    });
    if (has(POOL_PROFILE))
      out.push({
        id: `pool/${c.concurrency.readScenario}`,
        purpose: 'pool',
        scenario: c.concurrency.readScenario,
        baseline: single(POOL_PROFILE),
        candidate: { profile: POOL_PROFILE, topology: readers },
        pin: false,
      });
  }
  return out;
}

/** Profiles the paired stage serves (each needs a seeded database). */
export function pairedProfiles(specs: readonly ComparisonSpec[]): string[] {
  return [...new Set(specs.flatMap((s) => [s.baseline.profile, s.candidate.profile]))];
}
