import { describe, expect, it } from 'vitest';
import { parseCachegrindInstructions, parseStraceTrace } from './parse.ts';

// Captured on this machine (valgrind 3.19.0, strace 6.1, node 20.20), shortened where marked.

/** `valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=…` over 1,000 point reads. */
const CACHEGRIND_OUT = `desc: I1 cache:         32768 B, 64 B, 8-way associative
desc: D1 cache:         49152 B, 64 B, 12-way associative
desc: LL cache:         318767104 B, 64 B, 38-way associative
cmd: node --hash-seed=1 --random-seed=1 --no-opt --predictable --predictable-gc-schedule child.cjs job.json 1000
events: Ir
fl=./csu/../csu/libc-start.c
fn=__libc_start_main@@GLIBC_2.34
242 11
26230
fn=yy_reduce.constprop.0
0 21622
summary: 552013433
`;

/** One autocommit insert under DELETE + synchronous=FULL (fd 18 database, 19 journal, 20 directory). */
const STRACE_DELETE_FULL_COMMIT = `17112 pread64(18, ""..., 16, 24)        = 16
17112 pread64(18, ""..., 4096, 12288)   = 4096
17112 pwrite64(19, ""..., 512, 0)       = 512
17112 pwrite64(19, ""..., 4, 512)       = 4
17112 pwrite64(19, ""..., 4096, 516)    = 4096
17112 pwrite64(19, ""..., 4, 4612)      = 4
17112 pread64(19, "", 8, 9216)          = 0
17112 fsync(19)                         = 0
17112 fsync(20)                         = 0
17112 pwrite64(19, ""..., 12, 0)        = 12
17112 fsync(19)                         = 0
17112 pwrite64(18, ""..., 4096, 0)      = 4096
17112 pwrite64(18, ""..., 4096, 561152) = 4096
17112 fsync(18)                         = 0
`;

/** Several threads (node's fs.promises): calls split into `<unfinished ...>` and `<... resumed>`. */
const STRACE_THREADS = `18686 write(17, ""..., 8)               = 8
18684 write(20, ""..., 3000 <unfinished ...>
18677 read(17, ""..., 1024)             = 8
18684 <... write resumed>)              = 3000
18687 read(19,  <unfinished ...>
18677 read(17,  <unfinished ...>
18687 <... read resumed>""..., 3000)    = 3000
18685 read(20,  <unfinished ...>
18677 <... read resumed>""..., 1024)    = 8
18687 write(17, ""..., 8 <unfinished ...>
18685 <... read resumed>""..., 3000)    = 3000
18687 <... write resumed>)              = 8
`;

/** Failed calls, a signal, exits (without -qq). */
const STRACE_ERRORS_AND_SIGNALS = `18788 fsync(0)                          = -1 EINVAL (Invalid argument)
18788 fdatasync(0)                      = -1 EINVAL (Invalid argument)
18788 read(3, ""..., 832)               = 832
18694 write(5, ""..., 1)                = 1
18694 --- SIGUSR2 {si_signo=SIGUSR2, si_code=SI_USER, si_pid=18694, si_uid=0} ---
18700 +++ killed by SIGUSR2 +++
18694 +++ killed by SIGUSR2 +++
`;

/** strace -y: descriptors with their paths; node's startup bookkeeping beside SQLite's reads. */
const STRACE_WITH_PATHS = `28227 write(5<pipe:[80212]>, ""..., 1)  = 1
28227 read(18</proc/28227/cgroup>, ""..., 1023) = 151
28227 read(18</sys/fs/cgroup/memory/process_api/290ad8/memory.limit_in_bytes>, ""..., 31) = 20
28227 read(18</proc/meminfo>, ""..., 4095) = 1503
28227 read(18</proc/28227/maps>, ""..., 1024) = 1024
28227 read(18</proc/28227/maps>, ""..., 1024) = 879
28227 write(13<anon_inode:[eventfd]>, ""..., 8) = 8
28228 read(13<anon_inode:[eventfd]>, ""..., 1024) = 8
28227 read(18</work/main/bench/counted/child.cjs>, ""..., 8192) = 1917
28227 pread64(18</tmp/cl/r1/db.sqlite>, ""..., 100, 0) = 100
28227 pread64(18</tmp/cl/r1/db.sqlite>, ""..., 4096, 0) = 4096
28663 read(21</tmp/cl/x4>,  <unfinished ...>
28653 read(17<anon_inode:[eventfd]>,  <unfinished ...>
28663 <... read resumed>""..., 3000)    = 3000
28653 <... read resumed>""..., 1024)    = 8
`;

describe('parseCachegrindInstructions', () => {
  it('reads the Ir total from the summary line', () => {
    expect(parseCachegrindInstructions(CACHEGRIND_OUT)).toBe(552_013_433);
  });

  it('takes the Ir column when cache simulation adds others, and accepts a totals: line', () => {
    const text = 'events: Ir I1mr ILmr Dr\nfl=x.c\nfn=f\n1 5 0 0 2\ntotals: 635280519 1200 800 240000000\n';
    expect(parseCachegrindInstructions(text)).toBe(635_280_519);
  });

  it('throws on a file without a summary (a run that died early)', () => {
    expect(() => parseCachegrindInstructions('desc: I1 cache: 32768 B\nevents: Ir\n')).toThrow(/no events\/summary/);
  });
});

describe('parseStraceTrace', () => {
  it('counts a DELETE+FULL commit: four fsyncs, writes and reads with their returned bytes', () => {
    expect(parseStraceTrace(STRACE_DELETE_FULL_COMMIT)).toEqual({
      fsync: 4,
      writeCalls: 7,
      writeBytes: 512 + 4 + 4096 + 4 + 12 + 4096 + 4096,
      readCalls: 3,
      readBytes: 16 + 4096,
    });
  });

  it('counts a call split across threads once, when it finishes', () => {
    expect(parseStraceTrace(STRACE_THREADS)).toEqual({
      fsync: 0,
      writeCalls: 3,
      writeBytes: 8 + 3000 + 8,
      readCalls: 4,
      readBytes: 8 + 3000 + 8 + 3000,
    });
  });

  it('counts failed calls without bytes and ignores signals and exits', () => {
    expect(parseStraceTrace(STRACE_ERRORS_AND_SIGNALS)).toEqual({
      fsync: 2,
      writeCalls: 1,
      writeBytes: 1,
      readCalls: 1,
      readBytes: 832,
    });
  });

  it('leaves out /proc, /sys, pipes and eventfds (strace -y), also for a call resumed on another line', () => {
    expect(parseStraceTrace(STRACE_WITH_PATHS)).toEqual({
      fsync: 0,
      writeCalls: 0,
      writeBytes: 0,
      readCalls: 4,
      readBytes: 1917 + 100 + 4096 + 3000,
    });
  });

  it('reads traces without pid prefixes and ignores calls it does not count', () => {
    const text = 'openat(AT_FDCWD, "/x", O_RDONLY) = 3\npread64(3, ""..., 4096, 0) = 4096\nclose(3) = 0\n';
    expect(parseStraceTrace(text)).toEqual({ fsync: 0, writeCalls: 0, writeBytes: 0, readCalls: 1, readBytes: 4096 });
  });
});
