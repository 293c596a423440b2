import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { CLI_BIN } from '../lib/server-process.ts';
import { LoadFile } from '../lib/records/load.ts';
import { tempDir } from '../test-support/temp-dir.ts';

const tmp = tempDir('loadlab-harness-');
afterAll(() => tmp.cleanup());

/** pid -> [ppid, cmdline] for every process, from /proc. */
function processTable(): Map<number, { ppid: number; cmd: string }> {
  const table = new Map<number, { ppid: number; cmd: string }>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${name}/cmdline`, 'utf8').replace(/\0/g, ' ');
      table.set(Number(name), { ppid, cmd });
    } catch {
      /* gone */
    }
  }
  return table;
}

function descendants(root: number): Map<number, string> {
  const table = processTable();
  const out = new Map<number, string>();
  const walk = (pid: number) => {
    for (const [child, info] of table) {
      if (info.ppid === pid && !out.has(child)) {
        out.set(child, info.cmd);
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

/**
 * The processes seen earlier that still run: alive, not a zombie, and with the same command
 * line. pid_max is 32768 on these machines, so a bare pid can be reused by a stranger.
 */
function stillRunning(seen: Map<number, string>): [number, string][] {
  return [...seen].filter(([pid, cmd]) => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ') === cmd;
    } catch {
      return false;
    }
  });
}

/**
 * Established TCP connections of a process: its socket fds matched against /proc/net/tcp{,6}.
 * Not every socket fd: a child's stdio pipes are Unix socketpairs too, so a bare fd count is
 * already 3-4 before the generator has opened a single connection.
 */
function tcpConnections(pid: number): number {
  const inodes = new Set<string>();
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
        if (m) inodes.add(m[1]!);
      } catch {
        /* closed meanwhile */
      }
    }
  } catch {
    return 0;
  }
  let count = 0;
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // cols[3] is the state (01 = ESTABLISHED), cols[9] the socket's inode.
      if (cols[3] === '01' && inodes.has(cols[9] ?? '')) count++;
    }
  }
  return count;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Runs the CLI, watching its process tree; `act` is called every 100 ms with the descendants
 * seen so far and may kill something. Resolves with the exit code and every pid ever seen.
 */
async function runCli(args: string[], act: (seen: Map<number, string>, cliPid: number, elapsedMs: number) => void) {
  const child = spawn(process.execPath, [CLI_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const seen = new Map<number, string>();
  const t0 = Date.now();
  const timer = setInterval(() => {
    for (const [pid, cmd] of descendants(child.pid!)) seen.set(pid, cmd);
    act(seen, child.pid!, Date.now() - t0);
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
  clearInterval(timer);
  return { code, seen, stderr };
}

const base = (json: string) => [
  'load',
  '--profile',
  'tuned',
  '--scale',
  '0.005',
  '--warmup',
  '0.3',
  '--trials',
  '2',
  '--connections',
  '4',
  '--data-dir',
  tmp.dir,
  '--json-out',
  json,
];

describe('the harness under failure', () => {
  it('a server killed mid-trial: failure recorded with partial figures, arm stopped, next arm runs, exit 1, no child left', async () => {
    const json = join(tmp.dir, 'killed.json');
    let killed = 0;
    let generatorSince = 0;
    const { code, seen, stderr } = await runCli(
      [...base(json), '--scenario', 'write,read-point', '--duration', '4'],
      (seen, _cli, ms) => {
        // Kill 1 s after autocannon has its connections open (past the 0.3 s warm-up), however
        // long the generator took to start on a busy machine.
        const generator = [...seen].find(([pid, cmd]) => /generator-worker/.test(cmd) && alive(pid));
        if (!generatorSince && generator && tcpConnections(generator[0]) >= 4) generatorSince = ms;
        if (killed || !generatorSince || ms - generatorSince < 1000) return;
        const server = [...seen].find(([pid, cmd]) => / serve /.test(cmd) && alive(pid));
        if (server) {
          process.kill(server[0], 'SIGKILL');
          killed = server[0];
        }
      },
    );
    expect(killed, stderr).toBeGreaterThan(0);
    expect(code, stderr).toBe(1);
    const file = LoadFile.parse(JSON.parse(readFileSync(json, 'utf8')));
    const [write, read] = file.records;
    expect(write!.status).toBe('failed');
    expect(write!.reason).toMatch(/server exited \(SIGKILL\) mid-trial/);
    expect(write!.trials).toHaveLength(1); // the arm stopped: no second trial
    expect(write!.trials[0]!.status).toBe('failed');
    expect(write!.trials[0]!.requests).toBeGreaterThan(0); // partial figures kept
    expect(write!.audit).toHaveLength(1); // acknowledged writes checked after the crash too
    expect(read!.status, read!.reason).toBe('ok');
    expect(read!.trials).toHaveLength(2);
    expect(seen.size).toBeGreaterThanOrEqual(4);
    expect(stillRunning(seen)).toEqual([]);
  });

  it('SIGINT (Ctrl-C) mid-trial: exit 130, partial record written, no child left', async () => {
    const json = join(tmp.dir, 'interrupted.json');
    let sent = false;
    const { code, seen, stderr } = await runCli(
      [...base(json), '--scenario', 'read-point,write', '--duration', '5'],
      (seen, cli, ms) => {
        if (sent || ms < 1500 || ![...seen.values()].some((c) => / serve /.test(c))) return;
        process.kill(cli, 'SIGINT');
        sent = true;
      },
    );
    expect(code, stderr).toBe(130);
    const file = LoadFile.parse(JSON.parse(readFileSync(json, 'utf8')));
    expect(file.records[0]!.status).toBe('failed');
    expect(file.records[0]!.reason).toMatch(/interrupted/);
    expect(stillRunning(seen)).toEqual([]);
  });
});
