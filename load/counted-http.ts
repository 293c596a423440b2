/**
 * Exact cost per HTTP request, server-side (`load --counted`): the fixture server runs under
 * valgrind (instructions) or strace (fsyncs, bytes written and read to files), answers n
 * sequential requests of a scenario, then stops by itself when its stdin ends; a second
 * server on its own copy answers the same first 2n requests. Per request = (2n total − n
 * total) / n, so start-up (node, tsx, opening the database) and shutdown cancel. The same
 * tools and parsers as `bench --counted` (bench/counted/).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { CHILD_NODE_FLAGS } from '../bench/counted/measure-counted.ts';
import { parseCachegrindInstructions, parseStraceTrace, TRACED_SYSCALLS } from '../bench/counted/parse.ts';
import { findCountingTools, missingToolReason, type CountingTools } from '../bench/counted/tools.ts';
import { copyDatabase } from '../bench/workspace.ts';
import type { Profile } from '../db/profiles.ts';
import type { CatalogSpec } from '../lib/records/catalog-spec.ts';
import { perOpFigures, uncountedRecord, type CountedRecord, type CountedRun } from '../lib/records/counted.ts';
import { spawnServer } from '../lib/server-process.ts';
import { createRequestStream, scenarioWrites, type LoadRequest, type ScenarioDef } from './scenarios.ts';

export interface HttpCountedOptions {
  scenarios: readonly ScenarioDef[];
  profiles: readonly Profile[];
  /** The seeded database of a profile (never written: each server gets its own copy). */
  seededFor: (profile: Profile) => string;
  /** The catalog the spawned servers know (custom profiles); default the built-in one. */
  catalogSpec?: CatalogSpec;
  scale: number;
  seed: number;
  /** A directory on a real disk for the copies and the tools' output (removed after). */
  workDir: string;
  /** Requests in the shorter run (default 100; the longer runs 2n). */
  n?: number;
  /** Count instructions too (valgrind); false: system calls only. */
  instructions?: boolean;
  /** Per server start under a tool, ms (valgrind runs node some 50 times slower). */
  startTimeoutMs?: number;
  searchPath?: string;
  signal?: AbortSignal;
  onProgress?: (e: { scenario: string; profile: string; done: number; total: number }) => void;
}

export const HTTP_COUNTED_DEFAULTS = { n: 100, startTimeoutMs: 600_000 } as const;

type Tool = 'cachegrind' | 'strace';

/** Sends `count` requests one after another on one keep-alive connection; throws on a network error. */
async function sendSequential(url: string, requests: readonly LoadRequest[], signal?: AbortSignal): Promise<number> {
  let ok = 0;
  for (const r of requests) {
    const res = await fetch(new URL(r.path, url), {
      method: r.method,
      headers: r.headers,
      ...(r.body !== undefined ? { body: r.body } : {}),
      ...(signal ? { signal } : {}),
    });
    await res.arrayBuffer();
    if (res.ok) ok++;
  }
  return ok;
}

/** One server under one tool answering `requests`; the tool's totals once it has exited. */
async function countServer(
  tool: Tool,
  tools: CountingTools,
  dir: string,
  seeded: string,
  profile: string,
  requests: readonly LoadRequest[],
  opts: HttpCountedOptions,
): Promise<{ instructions: number | null; syscalls: CountedRun['syscalls']; ok2xx: number }> {
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'db.sqlite');
  copyDatabase(seeded, db);
  const out = join(dir, tool === 'cachegrind' ? 'cachegrind.out' : 'strace.txt');
  const wrap =
    tool === 'cachegrind'
      ? [tools.valgrind!.bin, '-q', '--tool=cachegrind', '--cache-sim=no', `--cachegrind-out-file=${out}`]
      : [tools.strace!.bin, '-f', '-qq', '-y', '-s', '0', '-o', out, '-e', `trace=${TRACED_SYSCALLS.join(',')}`, '--'];
  const server = await spawnServer({
    db,
    profile,
    ...(opts.catalogSpec ? { catalog: opts.catalogSpec } : {}),
    wrap,
    nodeFlags: CHILD_NODE_FLAGS.filter((f) => f !== '--expose-gc'),
    stopOnStdinEnd: true,
    startTimeoutMs: opts.startTimeoutMs ?? HTTP_COUNTED_DEFAULTS.startTimeoutMs,
  });
  let ok2xx = 0;
  try {
    ok2xx = await sendSequential(server.url, requests, opts.signal);
  } finally {
    // The server closes the database and exits by itself; the tool writes its totals then.
    server.endStdin();
    const timer = setTimeout(() => void server.stop(5000), opts.startTimeoutMs ?? HTTP_COUNTED_DEFAULTS.startTimeoutMs);
    await server.exited;
    clearTimeout(timer);
  }
  const text = readFileSync(out, 'utf8');
  return tool === 'cachegrind'
    ? { instructions: parseCachegrindInstructions(text), syscalls: null, ok2xx }
    : { instructions: null, syscalls: parseStraceTrace(text), ok2xx };
}

/**
 * Counts every scenario under every profile: one record each (op = the scenario's name),
 * `ok`, `failed` with a reason, or `skipped` (a tool is missing, or interrupted). Never
 * throws for a failing measurement: that is data.
 */
export async function measureHttpCounted(opts: HttpCountedOptions): Promise<CountedRecord[]> {
  const n = opts.n ?? HTTP_COUNTED_DEFAULTS.n;
  const instructions = opts.instructions ?? true;
  const tools = findCountingTools(opts.searchPath ?? process.env.PATH);
  const versions = {
    valgrind: tools.valgrind?.version ?? null,
    strace: tools.strace?.version ?? null,
    node: process.versions.node,
    sqlite: null,
  };
  const record = (scenario: ScenarioDef, profile: Profile, status: CountedRecord['status'], reason?: string) =>
    uncountedRecord(
      {
        op: scenario.name,
        profile: profile.name,
        status,
        n,
        batch: 1,
        writes: scenarioWrites(scenario),
        tools: versions,
        nodeFlags: [...CHILD_NODE_FLAGS],
      },
      reason,
    );
  const missing = missingToolReason(tools, instructions);
  const pairs = opts.scenarios.flatMap((s) => opts.profiles.map((p) => [s, p] as const));
  if (missing) return pairs.map(([s, p]) => record(s, p, 'skipped', missing));
  const catalog = opts.catalogSpec ? { catalog: opts.catalogSpec } : {};
  const base = mkdtempSync(join(opts.workDir, 'http-counted-'));
  const out: CountedRecord[] = [];
  try {
    for (const [scenario, p] of pairs) {
      if (opts.signal?.aborted) {
        out.push(record(scenario, p, 'skipped', 'interrupted'));
        continue;
      }
      const scenarioName = scenario.name;
      const profile = p.name;
      opts.onProgress?.({ scenario: scenarioName, profile, done: out.length, total: pairs.length });
      const started = performance.now();
      const stream = createRequestStream(scenario, opts.scale, opts.seed);
      const requests = Array.from({ length: 2 * n }, () => stream.next());
      try {
        const seeded = opts.seededFor(p);
        // One plain start first, so both counted starts find tsx's compile cache warm alike.
        const warmDb = join(base, `warm-${profile}.sqlite`);
        copyDatabase(seeded, warmDb);
        const warm = await spawnServer({ db: warmDb, profile, ...catalog, stopOnStdinEnd: true }).catch(() => null);
        if (warm) {
          warm.endStdin();
          await warm.stop(5000);
        }
        const totals: Partial<Record<Tool, [CountedRun, CountedRun]>> = {};
        for (const tool of (instructions ? ['cachegrind', 'strace'] : ['strace']) as Tool[]) {
          const dir = (k: number) => join(base, `${scenarioName}-${profile}-${tool}-${k}`);
          const [a, b] = await Promise.all([
            countServer(tool, tools, dir(1), seeded, profile, requests.slice(0, n), opts),
            countServer(tool, tools, dir(2), seeded, profile, requests, opts),
          ]);
          if (a.ok2xx !== n || b.ok2xx !== 2 * n) {
            throw new Error(`${tool}: not every request got a 2xx (${a.ok2xx}/${n}, ${b.ok2xx}/${2 * n})`);
          }
          totals[tool] = [
            { ops: n, instructions: a.instructions, syscalls: a.syscalls },
            { ops: 2 * n, instructions: b.instructions, syscalls: b.syscalls },
          ];
        }
        const [sN, s2N] = totals.strace!;
        const cg = totals.cachegrind;
        const runN: CountedRun = { ops: n, instructions: cg?.[0].instructions ?? null, syscalls: sN.syscalls };
        const run2N: CountedRun = { ops: 2 * n, instructions: cg?.[1].instructions ?? null, syscalls: s2N.syscalls };
        out.push({
          ...record(scenario, p, 'ok'),
          ...perOpFigures(runN, run2N),
          wallMs: performance.now() - started,
        });
      } catch (err) {
        const reason = (err as Error).message.split('\n')[0]!;
        out.push({ ...record(scenario, p, opts.signal?.aborted ? 'skipped' : 'failed', reason) });
      }
    }
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  return out;
}
