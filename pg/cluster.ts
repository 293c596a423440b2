/**
 * A throwaway PostgreSQL cluster for one command: `initdb` into a fresh temporary directory,
 * `pg_ctl start` on a free loopback port, and stopped and removed afterwards, also when the
 * process exits or is interrupted. PostgreSQL refuses to run as root, so as root the tools
 * run as the `postgres` system user (runuser). Where PostgreSQL is not installed, `findPg`
 * says how to get it.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export const PG_INSTALL_HINT =
  'PostgreSQL not found: install it (Debian/Ubuntu: apt-get install postgresql) or pass --pg-url postgres://USER@127.0.0.1:PORT/DB';

export interface PgTools {
  initdb: string;
  pgCtl: string;
  /** Major version, from `initdb --version`. */
  version: string;
}

function onPath(name: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  const p = r.stdout.trim();
  return r.status === 0 && p ? p : null;
}

/** initdb and pg_ctl: on PATH, else the newest /usr/lib/postgresql/N/bin (Debian's layout); null when absent. */
export function findPg(): PgTools | null {
  let initdb = onPath('initdb');
  let pgCtl = onPath('pg_ctl');
  if (!initdb || !pgCtl) {
    const root = '/usr/lib/postgresql';
    const versions = existsSync(root)
      ? readdirSync(root)
          .filter((v) => existsSync(join(root, v, 'bin', 'initdb')))
          .sort((a, b) => Number(b) - Number(a))
      : [];
    if (versions.length === 0) return null;
    initdb = join(root, versions[0]!, 'bin', 'initdb');
    pgCtl = join(root, versions[0]!, 'bin', 'pg_ctl');
  }
  const version = /(\d+)(\.\d+)?/.exec(execFileSync(initdb, ['--version'], { encoding: 'utf8' }))?.[1] ?? '?';
  return { initdb, pgCtl, version };
}

/** A free TCP port on 127.0.0.1 (the OS picks; closed again before PostgreSQL takes it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface PgCluster {
  /** postgres://loadlab@127.0.0.1:PORT/postgres (trust authentication, loopback only). */
  url: string;
  port: number;
  dir: string;
  version: string;
  /** Stops the server (fast shutdown) and removes the directory. Idempotent. */
  stop(): void;
}

const live = new Set<PgCluster>();
let hooked = false;
function hookExit(): void {
  if (hooked) return;
  hooked = true;
  const stopAll = () => {
    for (const c of [...live]) c.stop();
  };
  process.once('exit', stopAll);
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    const onSignal = () => {
      stopAll();
      // Another handler (a command's orderly stop) decides what happens next; alone, we end the process.
      if (process.listenerCount(sig) === 1) process.exit(130);
    };
    process.on(sig, onSignal);
  }
}

/**
 * A detached shell that outlives a runner killed outright (SIGKILL, OOM), where no exit hook
 * runs: once the runner's pid is gone it stops the cluster (immediate) and removes its
 * directory. After an orderly stop it finds the directory gone and just ends.
 */
function startWatchdog(runnerPid: number, root: boolean, pgCtl: string, data: string, dir: string): void {
  // Paths go by environment, so the watchdog's command line names no cluster directory.
  const stop = `${root ? 'runuser -u postgres -- ' : ''}"$PG_CTL" stop -D "$PG_DATA" -m immediate -w -t 10`;
  const script =
    `while kill -0 ${runnerPid} 2>/dev/null && [ -d "$PG_DATA" ]; do sleep 1; done; ` +
    `if [ -d "$PG_DATA" ]; then ${stop} >/dev/null 2>&1; rm -rf "$PG_DIR"; fi`;
  const child = spawn('sh', ['-c', script], {
    detached: true,
    stdio: 'ignore',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PG_CTL: pgCtl, PG_DATA: data, PG_DIR: dir },
  });
  child.unref();
}

/** Clusters this process started and has not stopped (a test checks it is 0). */
export const liveClusters = (): number => live.size;

/**
 * Starts a cluster. As root, the tools run as `postgres` (the directory is theirs). Settings
 * beyond the defaults come as `-c name=value` (`settings`), e.g. a profile's shared_buffers.
 */
export async function startCluster(
  opts: {
    settings?: Record<string, string>;
    tools?: PgTools;
    /** Pin the server and every backend it forks to this CPU (taskset; the caller checks it exists). */
    cpu?: number;
  } = {},
): Promise<PgCluster> {
  const tools = opts.tools ?? findPg();
  if (!tools) throw new Error(PG_INSTALL_HINT);
  const root = userInfo().uid === 0;
  const dir = mkdtempSync(join(tmpdir(), 'loadlab-pg-'));
  const data = join(dir, 'data');
  const run = (cmd: string, args: string[]) => {
    const [c, a] = root ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
    const r = spawnSync(c, a, { encoding: 'utf8', timeout: 120_000 });
    if (r.status !== 0)
      throw new Error(
        `${cmd.split('/').pop()} failed: ${(r.stderr || r.stdout || r.error?.message || '').trim().split('\n').pop()}`,
      );
    return r.stdout;
  };
  if (root) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (ids.status !== 0) throw new Error('running as root and there is no postgres user to run PostgreSQL as');
    chownSync(dir, Number(ids.stdout.trim()), Number(gids.stdout.trim()));
    chmodSync(dir, 0o700);
  }
  const port = await freePort();
  let started = false;
  const cluster: PgCluster = {
    url: `postgres://loadlab@127.0.0.1:${port}/postgres`,
    port,
    dir,
    version: tools.version,
    stop() {
      if (!live.has(cluster) && !started) return;
      live.delete(cluster);
      if (started) {
        started = false;
        try {
          run(tools.pgCtl, ['stop', '-D', data, '-m', 'fast', '-w', '-t', '30']);
        } catch {
          try {
            run(tools.pgCtl, ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '10']);
          } catch {
            // Nothing more to do: the directory goes below either way.
          }
        }
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  live.add(cluster);
  hookExit();
  try {
    run(tools.initdb, ['-D', data, '-U', 'loadlab', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const settings = {
      listen_addresses: '127.0.0.1',
      port: String(port),
      unix_socket_directories: dir,
      ...opts.settings,
    };
    const o = Object.entries(settings)
      .map(([k, v]) => `-c ${k}=${v}`)
      .join(' ');
    const start = ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'server.log'), '-o', o];
    // Before the start: a start that times out may leave a postmaster coming up, and a runner
    // killed during it must not leave one either. stop() then tries pg_ctl stop whatever happened.
    startWatchdog(process.pid, root, tools.pgCtl, data, dir);
    started = true;
    // Backends are forked by the postmaster and inherit its CPU affinity.
    if (opts.cpu === undefined) run(tools.pgCtl, start);
    else run('taskset', ['-c', String(opts.cpu), tools.pgCtl, ...start]);
    return cluster;
  } catch (err) {
    cluster.stop();
    throw err;
  }
}
