import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { catalogArgs, type CatalogSpec } from './records/catalog-spec.ts';

/** The CLI entry, for spawning `loadlab <command>` as a child process. */
export const CLI_BIN = fileURLToPath(new URL('../bin/loadlab.js', import.meta.url));

export interface SpawnServerOptions {
  /** A SQLite file, or a postgres:// URL. */
  db: string;
  /** A profile name the server's catalog knows: built in, or one of `catalog`'s custom profiles. */
  profile: string;
  /** The catalog the server is to know (custom profiles); default the built-in one. */
  catalog?: CatalogSpec;
  host?: string;
  /** Extra `serve` flags. */
  args?: string[];
  /** The `loadlab` entry to run (another checkout's `bin/loadlab.js` in an A/B); default this one's. */
  bin?: string;
  /** Pin the server to this CPU with taskset (the caller checks taskset exists). */
  cpu?: number;
  /** How long to wait for the JSON line. */
  startTimeoutMs?: number;
  /** Run node under this command prefix (e.g. valgrind or strace and their flags); not with `cpu`. */
  wrap?: string[];
  /** Node flags before the entry (e.g. V8's predictable mode for counting). */
  nodeFlags?: string[];
  /** Working directory of the process (default: this one's). */
  cwd?: string;
  /** Environment of the process (default: this one's). */
  env?: NodeJS.ProcessEnv;
  /** Keep stdin open: the server stops when it ends (`serve --stop-on-stdin-end`, see endStdin). */
  stopOnStdinEnd?: boolean;
}

export interface ServerHandle {
  url: string;
  pid: number;
  /** The JSON line the server printed. */
  info: Record<string, unknown>;
  child: ChildProcess;
  /** Last lines the server wrote to stderr (for error messages). */
  stderrTail(): string;
  /** Resolves with the exit code (or signal name) when the process ends. */
  exited: Promise<number | string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone. */
  stop(graceMs?: number): Promise<number | string>;
  /** Ends the server's stdin (with stopOnStdinEnd: it closes and exits by itself). */
  endStdin(): void;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** Children still running are killed when this process exits normally (signals: see `liveChildren`). */
export function trackChild(child: ChildProcess): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

/** How many tracked children are still running (tests check none survive). */
export function liveChildren(): number {
  return live.size;
}

/** SIGKILLs every tracked child still running (for SIGINT/SIGTERM handlers, before exiting). */
export function killLiveChildren(): void {
  for (const c of live) c.kill('SIGKILL');
}

/** Spawns `loadlab serve` and waits for its one JSON line. Fails (and kills it) on timeout or early exit. */
export async function spawnServer(opts: SpawnServerOptions): Promise<ServerHandle> {
  const serveArgs = [
    opts.bin ?? CLI_BIN,
    'serve',
    // A postgres:// URL serves that PostgreSQL database instead of a SQLite file.
    /^postgres(ql)?:\/\//.test(opts.db) ? '--pg-url' : '--db',
    opts.db,
    '--profile',
    opts.profile,
    '--port',
    '0',
    ...(opts.host ? ['--host', opts.host] : []),
    ...(opts.stopOnStdinEnd ? ['--stop-on-stdin-end'] : []),
    ...(opts.catalog ? catalogArgs(opts.catalog) : []),
    ...(opts.args ?? []),
  ];
  const node = [process.execPath, ...(opts.nodeFlags ?? []), ...serveArgs];
  const [cmd, args] = opts.wrap?.length
    ? [opts.wrap[0]!, [...opts.wrap.slice(1), ...node]]
    : opts.cpu === undefined
      ? [node[0]!, node.slice(1)]
      : ['taskset', ['-c', String(opts.cpu), ...node]];
  const child = spawn(cmd, args, {
    stdio: [opts.stopOnStdinEnd ? 'pipe' : 'ignore', 'pipe', 'pipe'],
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  child.stdin?.on('error', () => {});
  trackChild(child);

  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  const stderrTail = () => stderr.trim().split('\n').slice(-5).join('\n');
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );

  const info = await new Promise<Record<string, unknown>>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`server did not start within ${opts.startTimeoutMs ?? 15000} ms: ${stderrTail()}`));
    }, opts.startTimeoutMs ?? 15_000);
    child.stdout!.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.slice(0, nl)) as Record<string, unknown>);
      } catch {
        child.kill('SIGKILL');
        reject(new Error(`server printed something other than its JSON line: ${out.slice(0, 200)}`));
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited (${code}) before listening: ${stderrTail()}`));
    });
  });

  const stop = async (graceMs = 5000): Promise<number | string> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };
  const endStdin = () => child.stdin?.end();
  return { url: String(info.url), pid: child.pid!, info, child, stderrTail, exited, stop, endStdin };
}
