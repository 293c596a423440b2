import cluster, { type Worker } from 'node:cluster';

/** What a cluster worker tells the primary once it listens. */
export interface WorkerListening {
  kind: 'listening';
  url: string;
  pid: number;
  info: Record<string, unknown>;
}

export interface ClusterPrimaryOptions {
  workers: number;
  /** Prints the one JSON line (the primary's stdout is the server's stdout). */
  announce: (line: Record<string, unknown>) => void;
  /** How long each worker may take to listen. */
  startTimeoutMs?: number;
}

function waitListening(worker: Worker, timeoutMs: number): Promise<WorkerListening> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`cluster worker ${worker.process.pid} did not listen within ${timeoutMs} ms`)),
      timeoutMs,
    );
    worker.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`cluster worker exited (${code ?? signal}) before listening`));
    });
    worker.on('message', (m: WorkerListening) => {
      if (m?.kind !== 'listening') return;
      clearTimeout(timer);
      resolve(m);
    });
  });
}

/**
 * The primary of `serve --topology cluster:N`: forks N workers one after another (each opens
 * its own connection to the same file; forking in sequence keeps their opens from racing for
 * the lock), checks they share one port, prints one JSON line, and stops them all on
 * SIGTERM/SIGINT. If a worker dies, the others are stopped and the primary exits 1, so a
 * runner sees the server die instead of a silently smaller cluster.
 */
export async function runClusterPrimary(opts: ClusterPrimaryOptions): Promise<number> {
  const workers: Worker[] = [];
  let stopping = false;
  const stopAll = async (): Promise<void> => {
    stopping = true;
    const alive = workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);
    await Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((resolve) => {
            const timer = setTimeout(() => w.process.kill('SIGKILL'), 5000);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
  };
  const listening: WorkerListening[] = [];
  try {
    for (let i = 0; i < opts.workers; i++) {
      const w = cluster.fork();
      workers.push(w);
      listening.push(await waitListening(w, opts.startTimeoutMs ?? 30_000));
    }
  } catch (err) {
    await stopAll();
    process.stderr.write(`error: ${(err as Error).message}\n`);
    return 1;
  }
  const urls = new Set(listening.map((l) => l.url));
  if (urls.size !== 1) {
    await stopAll();
    process.stderr.write(`error: cluster workers listen on different addresses: ${[...urls].join(', ')}\n`);
    return 1;
  }
  opts.announce({
    ...listening[0]!.info,
    url: listening[0]!.url,
    pid: process.pid,
    topology: `cluster:${opts.workers}`,
    workers: listening.map((l) => l.pid),
  });
  return await new Promise<number>((resolve) => {
    const onSignal = () => void stopAll().then(() => resolve(0));
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    for (const w of workers) {
      w.once('exit', (code, signal) => {
        if (stopping) return;
        process.stderr.write(
          `error: cluster worker ${w.process.pid} exited (${code ?? signal}); stopping the cluster\n`,
        );
        void stopAll().then(() => resolve(1));
      });
    }
  });
}

/** In a cluster worker: tell the primary where we listen. */
export function announceToPrimary(url: string, info: Record<string, unknown>): void {
  const msg: WorkerListening = { kind: 'listening', url, pid: process.pid, info };
  process.send?.(msg);
}

export const isClusterWorker = (): boolean => cluster.isWorker;
