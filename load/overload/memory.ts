import { readFileSync, readdirSync } from 'node:fs';

/** VmRSS of a process in bytes from /proc/PID/status, or null (gone, or no /proc). */
export function readRssBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The process and all its descendants (cluster workers), from the parent pids in /proc/N/stat. */
export function processTree(pid: number): number[] {
  const parentOf = new Map<number, number[]>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc').filter((e) => /^\d+$/.test(e));
  } catch {
    return [pid];
  }
  for (const e of entries) {
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      // Field 4 (ppid) follows the parenthesised command name, which may itself contain spaces.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const kids = parentOf.get(ppid) ?? [];
      kids.push(Number(e));
      parentOf.set(ppid, kids);
    } catch {
      /* the process ended while we looked */
    }
  }
  const out: number[] = [];
  const queue = [pid];
  while (queue.length && out.length < 1000) {
    const p = queue.shift()!;
    out.push(p);
    queue.push(...(parentOf.get(p) ?? []));
  }
  return out;
}

/** RSS of a process plus its descendants, bytes, or null when the process is gone. */
export function readTreeRssBytes(pid: number): number | null {
  const own = readRssBytes(pid);
  if (own === null) return null;
  return processTree(pid)
    .slice(1)
    .reduce((sum, p) => sum + (readRssBytes(p) ?? 0), own);
}

/** Samples a process tree's RSS every `intervalMs` until stopped (bounded by `maxSamples`). */
export function sampleRss(pid: number, intervalMs = 250, maxSamples = 10_000): { stop: () => [number, number][] } {
  const t0 = performance.now();
  const samples: [number, number][] = [];
  const take = () => {
    const rss = readTreeRssBytes(pid);
    if (rss !== null && samples.length < maxSamples)
      samples.push([Number(((performance.now() - t0) / 1000).toFixed(2)), rss]);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
