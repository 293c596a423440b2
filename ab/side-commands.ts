import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ensureDir } from '../lib/ensure-dir.ts';
import type { AbBenchSample } from '../lib/records/ab.ts';
import { BenchFile } from '../lib/records/bench.ts';
import { uncountedRecord, type CountedRecord } from '../lib/records/counted.ts';
import type { Pinning } from '../lib/records/environment.ts';
import type { RunConfig } from '../lib/records/run-config.ts';
import { sideCatalogArgs, type AbCheckout } from './sides.ts';

/** Commands an A/B runs with each side's own code: seed, bench, bench --counted. */
const run = promisify(execFile);

/** What a side's own commands need from the A/B (AbOptions has it all). */
export interface SideRunContext {
  config: RunConfig;
  outDir: string;
  signal?: AbortSignal;
}

const fileFlags = new Map<string, string>();

/**
 * The flag a side's own `bench` writes its file with: `--json-out FILE`, or `--json FILE` in
 * checkouts from before the rename (a pull request's base branch may be one). Read once per
 * checkout from its `bench --help`.
 */
export async function benchFileFlag(c: AbCheckout): Promise<string> {
  const known = fileFlags.get(c.bin);
  if (known) return known;
  let flag = '--json';
  try {
    const { stdout } = await run(process.execPath, [c.bin, 'bench', '--help'], { timeout: 60_000 });
    if (stdout.includes('--json-out')) flag = '--json-out';
  } catch {
    // A bench that cannot even print its help fails its own run below, with the reason.
  }
  fileFlags.set(c.bin, flag);
  return flag;
}

export async function seedSide(c: AbCheckout, profile: string, out: string, cfg: RunConfig): Promise<void> {
  const args = [c.bin, 'seed', '--out', out, '--profile', profile, '--scale', String(cfg.scale)];
  await run(process.execPath, [...args, '--seed', String(cfg.seed), '--force', ...sideCatalogArgs(c)], {
    timeout: 600_000,
  }).catch((err: Error & { stderr?: string }) => {
    throw new Error(
      `${c.side.name} could not seed ${profile}: ${(err.stderr ?? err.message).trim().split('\n').pop()}`,
    );
  });
}

/** One microbenchmark run of a side with its own code: `bench --json`, every op of the config, per profile. */
export async function benchRun(
  opts: SideRunContext,
  c: AbCheckout,
  pinning: Pinning,
  round: number,
  seq: number,
): Promise<AbBenchSample[]> {
  const cfg = opts.config;
  const dir = join(opts.outDir, 'data', c.side.name, 'bench');
  const json = join(dir, `round-${round}.json`);
  ensureDir(dir);
  const args = [
    c.bin,
    'bench',
    '--profiles',
    cfg.profiles.join(','),
    '--scale',
    String(cfg.scale),
    '--seed',
    String(cfg.seed),
  ];
  args.push('--time', String(cfg.bench.timeMs), await benchFileFlag(c), json, '--data-dir', dir, '--quiet');
  if (cfg.bench.ops.length) args.push('--ops', cfg.bench.ops.join(','));
  args.push(...sideCatalogArgs(c));
  const [cmd, argv] =
    pinning.serverCpu !== null
      ? ['taskset', ['-c', String(pinning.serverCpu), process.execPath, ...args]]
      : [process.execPath, args];
  const fail = (reason: string): AbBenchSample[] =>
    (cfg.bench.ops.length ? cfg.bench.ops : ['all']).flatMap((op) =>
      cfg.profiles.map((profile) => ({
        round,
        seq,
        side: c.side.name,
        op,
        profile,
        status: 'failed' as const,
        reason,
        opsPerSec: 0,
        rme: 0,
      })),
    );
  try {
    await run(cmd, argv, { timeout: 600_000, ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (err) {
    const e = err as Error & { stderr?: string; code?: number | string };
    // bench exits 1 when a record failed but still writes its file; anything else is a failed run.
    if (e.code !== 1) return fail(`bench did not run: ${(e.stderr ?? e.message).trim().split('\n').pop()}`);
  }
  try {
    const file = BenchFile.parse(JSON.parse(readFileSync(json, 'utf8')));
    return file.records.map((r) => ({
      round,
      seq,
      side: c.side.name,
      op: r.op,
      profile: r.profile,
      status: r.status,
      ...(r.reason ? { reason: r.reason } : {}),
      opsPerSec: r.opsPerSec,
      rme: r.rme,
    }));
  } catch (err) {
    return fail(`bench output unreadable: ${(err as Error).message.split('\n')[0]}`);
  }
}

/** Exact counters of one side: its own `bench --counted` (wall-clock part kept minimal), or failed records. */
export async function countedRun(opts: SideRunContext, c: AbCheckout): Promise<CountedRecord[]> {
  const cfg = opts.config;
  const dir = join(opts.outDir, 'data', c.side.name, 'counted');
  const json = join(dir, 'counted.json');
  ensureDir(dir);
  const args = [c.bin, 'bench', '--counted', '--profiles', cfg.profiles.join(','), '--scale', String(cfg.scale)];
  args.push('--seed', String(cfg.seed), '--time', '10', await benchFileFlag(c), json, '--data-dir', dir, '--quiet');
  if (cfg.bench.ops.length) args.push('--ops', cfg.bench.ops.join(','));
  if (c.config.injectWork > 0) args.push('--inject-work', String(c.config.injectWork));
  args.push(...sideCatalogArgs(c));
  try {
    await run(process.execPath, args, {
      timeout: 1_800_000,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    return BenchFile.parse(JSON.parse(readFileSync(json, 'utf8'))).counted;
  } catch (err) {
    const e = err as Error & { stderr?: string };
    const reason = `bench --counted did not run: ${(e.stderr ?? e.message).trim().split('\n').pop()}`;
    return (cfg.bench.ops.length ? cfg.bench.ops : ['all']).flatMap((op) =>
      cfg.profiles.map((profile) => failedCounted(op, profile, reason)),
    );
  }
}

function failedCounted(op: string, profile: string, reason: string): CountedRecord {
  const tools = { valgrind: null, strace: null, node: process.version, sqlite: null };
  return uncountedRecord(
    { op, profile, status: 'failed', n: 1, batch: 1, writes: false, tools, nodeFlags: [] },
    reason,
  );
}
