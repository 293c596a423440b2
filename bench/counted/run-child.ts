import { spawn } from 'node:child_process';

export interface ChildOutcome {
  ok: boolean;
  /** Why it did not finish cleanly (exit code or signal, timeout, abort, stderr tail). */
  reason?: string;
}

export interface RunChildOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  signal?: AbortSignal;
}

/** Last lines of stderr, without valgrind's own `--pid--` notes, for a failure reason. */
export function stderrTail(stderr: string, lines = 5): string {
  return stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^--\d+--/.test(l))
    .slice(-lines)
    .join(' | ');
}

/**
 * Runs a command to completion in its own process group, so that on timeout or abort the
 * whole group (strace and its tracee, valgrind and its threads) is killed, not only the
 * first process. Never throws; never prints.
 */
export function runChild(bin: string, args: string[], opts: RunChildOptions): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    if (opts.signal?.aborted) return resolve({ ok: false, reason: 'interrupted' });
    let stderr = '';
    let stopped: string | undefined;
    const { cwd, env } = opts;
    const child = spawn(bin, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    const stop = (why: string) => {
      stopped ??= why;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // the group has already gone
      }
    };
    const timer = setTimeout(() => stop(`timed out after ${opts.timeoutMs} ms`), opts.timeoutMs);
    const onAbort = () => stop('interrupted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-8192);
    });
    const finish = (outcome: ChildOutcome) => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    child.on('error', (err) => finish({ ok: false, reason: `${bin} could not start: ${err.message}` }));
    child.on('close', (code, signal) => {
      if (stopped) return finish({ ok: false, reason: stopped });
      if (code === 0) return finish({ ok: true });
      const how = signal ? `killed by ${signal}` : `exited with ${code}`;
      const tail = stderrTail(stderr);
      finish({ ok: false, reason: tail ? `${how}: ${tail}` : how });
    });
  });
}
