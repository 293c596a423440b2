/**
 * A command of the user's that serves HTTP, started and stopped by tune (--serve): its own
 * process group (the shell and whatever it starts), a free port in PORT, ready when its port
 * accepts connections, every group killed when this process exits.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';

/** A free TCP port on loopback. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = connect({ host, port });
    sock.setTimeout(500);
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
    sock.once('timeout', () => {
      sock.destroy();
      resolve(false);
    });
  });
}

export interface Instance {
  url: string;
  /** SIGTERM to the whole group, SIGKILL after 3 s; resolves when no process of the group is left. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
let exitHook = false;

/** Kills a started command's whole process group (the shell and what it started). */
function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Whether any process of the command's group is still there (a zombie shell counts until reaped). */
function groupAlive(child: ChildProcess): boolean {
  try {
    if (child.pid) process.kill(-child.pid, 0);
    return child.pid !== undefined;
  } catch {
    return false;
  }
}

/**
 * Starts a shell command in its own process group with `env` added to this process's and
 * PORT set to a free port, and waits until `target` ({port} filled in) accepts connections.
 * Throws with the last lines of its stderr when it exits first, or after `timeoutMs`.
 */
export async function startInstance(
  command: string,
  target: string,
  env: Record<string, string>,
  cwd: string,
  timeoutMs = 20_000,
): Promise<Instance> {
  const port = await freePort();
  const url = target.replace('{port}', String(port)).replace(/\/$/, '');
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const child = spawn(command, {
    shell: true,
    detached: true,
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env, PORT: String(port) },
  });
  running.add(child);
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => running.forEach((c) => killGroup(c, 'SIGKILL')));
  }
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr = (stderr + d).slice(-2000)));
  let exited: number | string | null = null;
  const gone = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = code ?? signal ?? 'unknown';
      running.delete(child);
      resolve();
    }),
  );
  const stop = async () => {
    killGroup(child, 'SIGTERM');
    const t = performance.now();
    while (groupAlive(child)) {
      if (performance.now() - t > 3000) killGroup(child, 'SIGKILL');
      await new Promise((r) => setTimeout(r, 20));
    }
    await gone;
  };
  const t0 = performance.now();
  while (performance.now() - t0 < timeoutMs) {
    if (exited !== null) {
      const tail = stderr.trim().split('\n').slice(-3).join(' | ');
      throw new Error(`'${command}' exited (${exited}) before listening on ${url}${tail ? `: ${tail}` : ''}`);
    }
    if (await canConnect(host, port)) return { url, stop };
    await new Promise((r) => setTimeout(r, 100));
  }
  await stop();
  throw new Error(`'${command}' did not listen on ${url} within ${timeoutMs / 1000} s`);
}
