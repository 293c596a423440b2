/**
 * Which PostgreSQL driver the fixture uses, chosen by measurement: `postgres` (porsager,
 * the product's dependency) against `pg` (node-postgres, a dev dependency for this script
 * only), on the fixture's hot statements against one throwaway cluster with the seeded
 * data: the point read and the insert, each driver with a pool of the fixture's size,
 * prepared statements, the same ids; postgres also with max_pipeline 1. Rounds rotate the
 * drivers' order; the result is each driver's ops/s over pg's in the same round (median,
 * range) and its first and last round (a driver that slows down over time shows there).
 *
 *   node --import tsx pg/driver-compare.ts [--rounds 6] [--seconds 2] [--concurrency 16] [--out reports/pg]
 *
 * A measurement: run it on an otherwise idle machine.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import pg from 'pg';
import { seedDatabase } from '../db/seed.ts';
import { builtinProfile } from '../db/profiles.ts';
import { rowCounts } from '../db/data-shape.ts';
import { median } from '../stats/index.ts';
import { packageVersion } from '../lib/versions.ts';
import { startCluster } from './cluster.ts';
import { migrate } from './migrate/run.ts';
import { pgPoolSize } from './profiles.ts';
import { PG_SQL } from './store.ts';
import { withDatabase } from './url.ts';

type Op = 'point-read' | 'insert';
/** `postgres-p1`: postgres with max_pipeline 1 (one query at a time per connection, as pg does). */
const DRIVERS = ['postgres', 'postgres-p1', 'pg'] as const;
type Driver = (typeof DRIVERS)[number];

interface Client {
  run(op: Op, i: number): Promise<unknown>;
  close(): Promise<void>;
}

function client(driver: Driver, url: string, max: number, campaigns: number): Client {
  if (driver !== 'pg') {
    const sql = postgres(url, {
      max,
      onnotice: () => {},
      max_lifetime: null,
      ...(driver === 'postgres-p1' ? { max_pipeline: 1 } : {}),
    });
    return {
      run: (op, i) =>
        op === 'point-read'
          ? sql.unsafe(PG_SQL.getCampaign, [1 + (i % campaigns)], { prepare: true })
          : sql.unsafe(PG_SQL.insertContent, [1 + (i % campaigns), `t${i}`, 'draft', 'body'], { prepare: true }),
      close: () => sql.end({ timeout: 5 }),
    };
  }
  const pool = new pg.Pool({ connectionString: url, max });
  return {
    run: (op, i) =>
      op === 'point-read'
        ? pool.query({ name: 'point', text: PG_SQL.getCampaign, values: [1 + (i % campaigns)] })
        : pool.query({
            name: 'insert',
            text: PG_SQL.insertContent,
            values: [1 + (i % campaigns), `t${i}`, 'draft', 'body'],
          }),
    close: () => pool.end(),
  };
}

/** Operations per second with `concurrency` requests in flight for `seconds`. */
async function throughput(c: Client, op: Op, seconds: number, concurrency: number): Promise<number> {
  let done = 0;
  let i = 0;
  const end = performance.now() + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      await c.run(op, i++);
      done++;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - t0) / 1000);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '6' },
      seconds: { type: 'string', default: '2' },
      concurrency: { type: 'string', default: '16' },
      scale: { type: 'string', default: '0.05' },
      out: { type: 'string', default: 'reports/pg' },
    },
  });
  const rounds = Number(values.rounds);
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const scale = Number(values.scale);
  const work = mkdtempSync(join(tmpdir(), 'loadlab-drivers-'));
  const seeded = join(work, 'seed.sqlite');
  seedDatabase({ out: seeded, profile: builtinProfile('tuned'), scale, seed: 42 });
  const cluster = await startCluster({ settings: { synchronous_commit: 'off' } });
  const max = pgPoolSize();
  const campaigns = rowCounts(scale).campaigns;
  /** Per op and driver, its ops/s over pg's in the same round. */
  const ratios: Record<Op, Record<Driver, number[]>> = {
    'point-read': { postgres: [], 'postgres-p1': [], pg: [] },
    insert: { postgres: [], 'postgres-p1': [], pg: [] },
  };
  const raw: { round: number; op: Op; driver: Driver; opsPerS: number }[] = [];
  try {
    const admin = postgres(cluster.url, { max: 1, onnotice: () => {} });
    await admin.unsafe('CREATE DATABASE drivers');
    await admin.end();
    const url = withDatabase(cluster.url, 'drivers');
    const m = await migrate({ sqliteFile: seeded, url });
    if (!m.ok) throw new Error(`seeding PostgreSQL failed: ${m.reason}`);
    const clients = Object.fromEntries(DRIVERS.map((d) => [d, client(d, url, max, campaigns)])) as Record<
      Driver,
      Client
    >;
    for (const op of ['point-read', 'insert'] as const) {
      // Warm all: connections open, statements prepared.
      for (const d of DRIVERS) await throughput(clients[d], op, 0.5, concurrency);
      for (let r = 0; r < rounds; r++) {
        // Each driver takes each position in turn.
        const order: Driver[] = DRIVERS.map((_, k) => DRIVERS[(k + r) % DRIVERS.length]!);
        const got: Partial<Record<Driver, number>> = {};
        for (const d of order) {
          got[d] = await throughput(clients[d], op, seconds, concurrency);
          raw.push({ round: r, op, driver: d, opsPerS: got[d]! });
          process.stderr.write(`${op} round ${r + 1}/${rounds} ${d}: ${got[d]!.toFixed(0)} ops/s\n`);
        }
        for (const d of DRIVERS) ratios[op][d].push(got[d]! / got.pg!);
      }
    }
    for (const d of DRIVERS) await clients[d].close();
  } finally {
    cluster.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const summary = (['point-read', 'insert'] as const).flatMap((op) =>
    DRIVERS.map((d) => ({
      op,
      driver: d,
      opsPerS: median(raw.filter((x) => x.op === op && x.driver === d).map((x) => x.opsPerS)),
      overPg: median(ratios[op][d]),
      min: Math.min(...ratios[op][d]),
      max: Math.max(...ratios[op][d]),
      /** ops/s of the first and the last round: a driver that slows down over time shows here. */
      firstRound: raw.find((x) => x.op === op && x.driver === d && x.round === 0)!.opsPerS,
      lastRound: raw.find((x) => x.op === op && x.driver === d && x.round === rounds - 1)!.opsPerS,
    })),
  );
  const record = {
    date: new Date().toISOString(),
    drivers: { postgres: packageVersion('postgres'), pg: packageVersion('pg') },
    note: 'postgres-p1 is postgres with max_pipeline 1; postgres pipelines up to 100 queries per connection by default',
    postgresServer: cluster.version,
    pool: max,
    concurrency,
    rounds,
    seconds,
    scale,
    summary,
    raw,
  };
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'drivers.json'), JSON.stringify(record, null, 2) + '\n');
  const lines = [
    `postgres ${record.drivers.postgres} (default: pipelining up to 100 queries per connection; p1: max_pipeline 1) vs pg ${record.drivers.pg}, ` +
      `PostgreSQL ${record.postgresServer}, pool ${max}, ${concurrency} in flight, ${rounds} rotating rounds of ${seconds} s:`,
    '',
    '| statement | driver | ops/s (median) | first → last round | over pg, same round (median, range) |',
    '|---|---|---:|---|---|',
    ...summary.map(
      (s) =>
        `| ${s.op} | ${s.driver} | ${s.opsPerS.toFixed(0)} | ${s.firstRound.toFixed(0)} → ${s.lastRound.toFixed(0)} | ×${s.overPg.toFixed(2)} [${s.min.toFixed(2)}, ${s.max.toFixed(2)}] |`,
    ),
    '',
  ];
  writeFileSync(join(values.out, 'DRIVERS.md'), lines.join('\n'));
  process.stdout.write(lines.join('\n'));
}

await main();
