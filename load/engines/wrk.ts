import { spawn, spawnSync } from 'node:child_process';
import { trackChild } from '../../lib/server-process.ts';

/**
 * wrk (Debian package `wrk`) as a cross-check of the generator: the same server, the same
 * connections, a C load generator. Optional: nothing else depends on it.
 */
export interface WrkResult {
  requests: number;
  durationS: number;
  rps: number;
  /** From wrk's --latency distribution (ms); wrk reports 50/75/90/99 only. */
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  non2xx3xx: number;
  socketErrors: number;
}

/** True when `wrk` runs. */
export function hasWrk(): boolean {
  const r = spawnSync('wrk', ['--version'], { encoding: 'utf8', timeout: 5000 });
  return !r.error && /wrk/.test(`${r.stdout}${r.stderr}`);
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function toMs(value: string, unit: string): number {
  return Number(value) * (UNIT_MS[unit] ?? NaN);
}

/** Parses wrk's text output (with --latency). Throws naming what is missing. */
export function parseWrkOutput(text: string): WrkResult {
  const need = (re: RegExp, what: string): RegExpExecArray => {
    const m = re.exec(text);
    if (!m) throw new Error(`wrk output has no ${what}`);
    return m;
  };
  const total = need(/(\d+) requests in ([\d.]+)(us|ms|s|m),/, 'request count');
  const rps = need(/Requests\/sec:\s+([\d.]+)/, 'Requests/sec');
  const lat = need(/Latency\s+([\d.]+)(us|ms|s)\s+[\d.]+(?:us|ms|s)\s+([\d.]+)(us|ms|s)/, 'latency line');
  const pct = (p: number): number => {
    const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(text);
    if (!m) throw new Error(`wrk output has no ${p}% latency (run it with --latency)`);
    return toMs(m[1]!, m[2]!);
  };
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(text);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(text);
  return {
    requests: Number(total[1]),
    durationS: toMs(total[2]!, total[3]!) / 1000,
    rps: Number(rps[1]),
    latencyMs: { mean: toMs(lat[1]!, lat[2]!), p50: pct(50), p90: pct(90), p99: pct(99), max: toMs(lat[3]!, lat[4]!) },
    non2xx3xx: non2xx ? Number(non2xx[1]) : 0,
    socketErrors: sock ? sock.slice(1).reduce((s, n) => s + Number(n), 0) : 0,
  };
}

/** Runs `wrk -t1 -cN -dS --latency URL` (pinned with taskset when `cpu` is given), bounded in time. */
export function runWrk(o: {
  url: string;
  connections: number;
  durationS: number;
  cpu?: number;
  signal?: AbortSignal;
}): Promise<WrkResult> {
  const wrkArgs = ['-t1', `-c${o.connections}`, `-d${Math.max(1, Math.round(o.durationS))}s`, '--latency', o.url];
  const [cmd, args] = o.cpu === undefined ? ['wrk', wrkArgs] : ['taskset', ['-c', String(o.cpu), 'wrk', ...wrkArgs]];
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  trackChild(child);
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const kill = () => child.kill('SIGKILL');
  const timer = setTimeout(kill, (o.durationS + 30) * 1000);
  o.signal?.addEventListener('abort', kill, { once: true });
  return new Promise((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`could not run wrk: ${err.message}`)));
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      o.signal?.removeEventListener('abort', kill);
      if (code !== 0)
        return reject(new Error(`wrk exited (${code ?? signal}): ${out.trim().split('\n').slice(-2).join(' | ')}`));
      try {
        resolve(parseWrkOutput(out));
      } catch (err) {
        reject(err);
      }
    });
  });
}
