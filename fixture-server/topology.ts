import { UsageError } from '../lib/errors.ts';

/** How the fixture server is laid out: one process, N cluster processes, or N reader threads. */
export type Topology = { kind: 'single' } | { kind: 'cluster'; workers: number } | { kind: 'readers'; readers: number };

export const MAX_TOPOLOGY_N = 16;

/** Parses 'single' | 'cluster:N' | 'readers:N' (N in 1..16), naming the flag on error. */
export function parseTopology(raw: string): Topology {
  if (raw === 'single') return { kind: 'single' };
  const m = /^(cluster|readers):(\d{1,2})$/.exec(raw);
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || n > MAX_TOPOLOGY_N)
    throw new UsageError(`--topology must be single, cluster:N or readers:N (N 1..${MAX_TOPOLOGY_N}), got '${raw}'`);
  return m[1] === 'cluster' ? { kind: 'cluster', workers: n } : { kind: 'readers', readers: n };
}

export function topologyName(t: Topology): string {
  return t.kind === 'single' ? 'single' : t.kind === 'cluster' ? `cluster:${t.workers}` : `readers:${t.readers}`;
}
