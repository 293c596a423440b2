import { readFileSync } from 'node:fs';

/** VmRSS of a process in bytes from /proc/PID/status, or null (gone, or no /proc). */
export function readRssBytes(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped (bounded by `maxSamples`). */
export function sampleRss(pid: number, intervalMs = 250, maxSamples = 10_000): { stop: () => [number, number][] } {
  const t0 = performance.now();
  const samples: [number, number][] = [];
  const take = () => {
    const rss = readRssBytes(pid);
    if (rss !== null && samples.length < maxSamples) samples.push([Number(((performance.now() - t0) / 1000).toFixed(2)), rss]);
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
