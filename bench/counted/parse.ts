/**
 * Pure parsers for what valgrind and strace write: a cachegrind output file and a full
 * strace trace. Text in, numbers out; no processes, no files.
 */
import type { SyscallTotals } from '../../lib/records/counted.ts';

/**
 * The total instruction count (Ir) from a cachegrind output file: the `events:` line names
 * the columns, the `summary:` line (`totals:` in some versions) holds the totals in that order.
 * Throws when the file has neither.
 */
export function parseCachegrindInstructions(text: string): number {
  let events: string[] | undefined;
  let summary: string[] | undefined;
  for (const line of text.split('\n')) {
    const m = /^(events|summary|totals):\s*(.*)$/.exec(line.trim());
    if (!m) continue;
    const fields = m[2]!.trim().split(/\s+/);
    if (m[1] === 'events') events = fields;
    else summary = fields;
  }
  if (!events || !summary) throw new Error('cachegrind output has no events/summary line');
  const column = events.indexOf('Ir');
  const value = column < 0 ? undefined : summary[column];
  if (value === undefined || !/^\d+$/.test(value)) {
    throw new Error(`cachegrind summary has no Ir total: ${summary.join(' ')}`);
  }
  return Number(value);
}

type Kind = 'fsync' | 'write' | 'read';

const KINDS: Record<string, Kind> = {
  fsync: 'fsync',
  fdatasync: 'fsync',
  write: 'write',
  pwrite64: 'write',
  read: 'read',
  pread64: 'read',
};

/** The system calls a counted child is traced for (strace `-e trace=`). */
export const TRACED_SYSCALLS = Object.keys(KINDS);

/** `[pid N] ` or `N ` (strace -f with -o), then a call `name(` or a resumption `<... name resumed>`. */
const CALL = /^(?:\[pid\s+(\d+)\]\s+|(\d+)\s+)?(?:<\.\.\.\s+(\w+)\s+resumed>|(\w+)\()/;
/** The return value of a finished call: `= 4096`, `= -1 EINTR (…)`, `= ? <unavailable>`. */
const RESULT = /\)\s+=\s+(-?\d+|\?)(?:\s.*)?$/;
/** The path strace -y prints after the file descriptor: `read(18</proc/1/maps>, …`. */
const FD_PATH = /^[^(]*\(\d+<([^>]*)>/;

/**
 * Descriptors that are the process's own bookkeeping, not storage: /proc and /sys (node
 * reads /proc/self/maps at startup, and its length changes from run to run with the memory
 * layout), pipes, eventfds and sockets (libuv's wake-ups).
 */
export function isBookkeepingFd(path: string): boolean {
  return /^(\/proc\/|\/sys\/|pipe:|anon_inode:|socket:)/.test(path);
}

/**
 * Counts fsync/fdatasync, write/pwrite64 and read/pread64 calls in a full strace trace
 * (`strace -f -y -o FILE -e trace=…`), with bytes from the return values. A call split across
 * lines by another thread (`<unfinished ...>` … `<... resumed>`) counts once, when it
 * finishes; failed calls count as calls with no bytes; signals and exits are ignored. With
 * -y, calls on bookkeeping descriptors (isBookkeepingFd) are left out.
 */
export function parseStraceTrace(text: string): SyscallTotals {
  const totals: SyscallTotals = { fsync: 0, writeCalls: 0, writeBytes: 0, readCalls: 0, readBytes: 0 };
  /** The descriptor path of the call each thread left unfinished: the resumption does not repeat it. */
  const pendingPath = new Map<string, string | undefined>();
  for (const line of text.split('\n')) {
    const call = CALL.exec(line);
    if (!call) continue;
    const pid = call[1] ?? call[2] ?? '';
    const resumed = call[3] !== undefined;
    const kind = KINDS[call[3] ?? call[4]!];
    if (!kind) continue;
    if (!resumed && line.trimEnd().endsWith('<unfinished ...>')) {
      pendingPath.set(pid, FD_PATH.exec(line)?.[1]);
      continue;
    }
    const path = resumed ? pendingPath.get(pid) : FD_PATH.exec(line)?.[1];
    if (resumed) pendingPath.delete(pid);
    const result = RESULT.exec(line.trimEnd());
    if (!result || (path !== undefined && isBookkeepingFd(path))) continue;
    const bytes = result[1] === '?' ? 0 : Math.max(0, Number(result[1]));
    if (kind === 'fsync') totals.fsync++;
    else if (kind === 'write') {
      totals.writeCalls++;
      totals.writeBytes += bytes;
    } else {
      totals.readCalls++;
      totals.readBytes += bytes;
    }
  }
  return totals;
}
