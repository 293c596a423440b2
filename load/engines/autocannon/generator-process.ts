import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { trackChild } from '../../../lib/server-process.ts';
import type { AlternatingConfig, AlternatingResult } from './alternating.ts';
import type { GeneratorConfig, GeneratorResult } from './generator.ts';

const WORKER = fileURLToPath(new URL('./generator-worker.ts', import.meta.url));
/** tsx's loader by absolute URL, so the worker starts whatever the current directory is. */
const TSX = import.meta.resolve('tsx');

export interface GeneratorRun<R = GeneratorResult> {
  pid: number;
  /** Resolves with the generator's result, or rejects (timeout, crash, bad output). Never hangs. */
  result: Promise<R>;
  /** Asks the generator to stop now; it still reports what it measured. */
  stop(): void;
}

/**
 * Starts the load generator in its own process (pinned to `cpu` with taskset when given),
 * so it does not share the event loop or the core with the server. The process is killed
 * when `deadlineMs` passes (planned duration plus slack) or when this process exits.
 */
export function startGenerator(config: GeneratorConfig, opts: { cpu?: number; deadlineMs: number }): GeneratorRun {
  return startWorker<GeneratorResult>([], config, opts);
}

/** The alternating generator (alternating.ts) in its own process, on the same terms. */
export function startAlternating(
  config: AlternatingConfig,
  opts: { cpu?: number; deadlineMs: number },
): GeneratorRun<AlternatingResult> {
  return startWorker<AlternatingResult>(['--alternating'], config, opts);
}

/** Several alternating blocks in one generator process (one start per round of the paired stage). */
export function startAlternatingMany(
  configs: AlternatingConfig[],
  opts: { cpu?: number; deadlineMs: number },
): GeneratorRun<{ blocks: (AlternatingResult | { error: string })[] }> {
  return startWorker(['--alternating-many'], configs, opts);
}

function startWorker<R>(mode: string[], config: unknown, opts: { cpu?: number; deadlineMs: number }): GeneratorRun<R> {
  const nodeArgs = ['--import', TSX, WORKER, ...mode, JSON.stringify(config)];
  const [cmd, args] =
    opts.cpu === undefined
      ? [process.execPath, nodeArgs]
      : ['taskset', ['-c', String(opts.cpu), process.execPath, ...nodeArgs]];
  const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  trackChild(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-4000)));
  child.stdin!.on('error', () => {});

  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    // autocannon stops at its next 1 s tick; give it a little more, then kill.
    killTimer ??= setTimeout(() => child.kill('SIGKILL'), 5000);
  };
  const deadline = setTimeout(() => {
    stop();
  }, opts.deadlineMs);

  const result = new Promise<R>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`could not start the generator: ${err.message}`)));
    child.once('exit', (code, signal) => {
      clearTimeout(deadline);
      clearTimeout(killTimer);
      const line = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && line.startsWith('{')) {
        try {
          resolve(JSON.parse(line) as R);
          return;
        } catch {
          /* fall through */
        }
      }
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      reject(new Error(`generator exited (${code ?? signal}) without a result${tail ? `: ${tail}` : ''}`));
    });
  });
  return { pid: child.pid ?? -1, result, stop };
}
