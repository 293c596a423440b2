import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { rowCounts } from '../../db/data-shape.ts';
import type { Profile } from '../../db/profiles.ts';
import type { CatalogSpec } from '../../lib/records/catalog-spec.ts';
import { seedDatabase } from '../../db/seed.ts';
import { createRng, deriveSeed, type Rng } from '../../lib/rng.ts';
import { spawnServer, type ServerHandle } from '../../lib/server-process.ts';
import type { DurabilityCycle, DurabilityRecord } from '../../lib/records/durability.ts';
import { auditDurability, maxContentId, readDatabaseState, type AckedWrite, type LostWrite } from './audit.ts';

export interface DurabilityOptions {
  /** Resolved from the catalog at the door (DURABILITY_DEFAULTS.profiles are names). */
  profiles: Profile[];
  /** The catalog the spawned servers know (custom profiles); default the built-in one. */
  catalogSpec?: CatalogSpec;
  /** Kill + restart + audit cycles per profile. */
  cycles: number;
  /** Concurrent write loops. */
  writers: number;
  seed: number;
  /** Seed scale of each profile's database. */
  scale: number;
  /** Where the databases go (one file per profile). */
  dir: string;
  /** The kill comes uniformly between these, ms after the writers start. */
  killMinMs: number;
  killMaxMs: number;
  /** Whole-run budget: no new cycle starts after it. */
  maxSeconds: number;
  /**
   * The user chose the budget: a run it cuts short still passes on the cycles that ran.
   * Otherwise (the default budget) fewer cycles than requested is a failure.
   */
  budgetExplicit?: boolean;
  /** Pin the server to this CPU (taskset). */
  serverCpu?: number;
  /**
   * Called after each kill, before the restart, with the database path, every write
   * acknowledged so far and the cycle number: fault injection, so a test can show the whole
   * run catching a loss.
   */
  afterKill?: (db: string, acked: readonly AckedWrite[], cycle: number) => void;
  /** Fault injection: the body each write sends (default: a valid new content). A test makes every write fail with it. */
  writeBody?: (campaignId: number, title: string) => Record<string, unknown>;
  /** Aborting stops at once: writers end, the server is stopped, the record keeps what was audited. */
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export const DURABILITY_DEFAULTS = {
  profiles: ['untuned', 'tuned', 'consensus', 'wal-full'],
  cycles: 20,
  writers: 4,
  seed: 1,
  scale: 0.01,
  killMinMs: 150,
  killMaxMs: 1000,
  maxSeconds: 900,
} as const;

/** Per request: a write that takes longer than this is abandoned (counted as failed, never as acked). */
const REQUEST_TIMEOUT_MS = 5000;
/** A writer stops after this many requests in one cycle even if the kill never came. */
const MAX_WRITES_PER_WRITER = 100_000;

interface WriterTally {
  acked: AckedWrite[];
  failed: number;
}

const defaultBody = (campaignId: number, title: string) => ({
  campaign_id: campaignId,
  title,
  body: `durability write ${title}`,
});

async function writeLoop(
  url: string,
  rng: Rng,
  campaigns: number,
  tag: string,
  stopped: () => boolean,
  tally: WriterTally,
  makeBody: NonNullable<DurabilityOptions['writeBody']>,
): Promise<void> {
  for (let i = 0; i < MAX_WRITES_PER_WRITER && !stopped(); i++) {
    // The title is the write's token: unique in the run (profile, cycle, writer, sequence).
    const token = `${tag}-${i}`;
    try {
      const res = await fetch(`${url}/contents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(makeBody(rng.int(1, campaigns), token)),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      if (res.status < 200 || res.status > 299) {
        tally.failed++;
        continue;
      }
      const id = (JSON.parse(text) as { id?: unknown }).id;
      if (typeof id === 'number' && Number.isSafeInteger(id)) tally.acked.push({ id, token });
      else tally.failed++;
    } catch {
      // The kill resets connections: the write is unacknowledged, which is allowed to be lost.
      tally.failed++;
    }
  }
}

/** Sleeps `ms`, or less when the signal aborts. */
function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Runs the kill/restart/audit cycles for one profile. Never throws: a failure is the record's status. */
export async function runDurabilityArm(
  profile: Profile,
  opts: DurabilityOptions,
  deadline: number,
): Promise<DurabilityRecord> {
  const t0 = performance.now();
  const profileName = profile.name;
  const db = join(opts.dir, `durability-${profileName}.sqlite`);
  const campaigns = rowCounts(opts.scale).campaigns;
  const rng = createRng(deriveSeed(opts.seed, `durability:${profileName}`));
  const spawn = () =>
    spawnServer({
      db,
      profile: profileName,
      ...(opts.catalogSpec ? { catalog: opts.catalogSpec } : {}),
      ...(opts.serverCpu === undefined ? {} : { cpu: opts.serverCpu }),
    });

  const acked: AckedWrite[] = [];
  /** Every write found lost after some restart, kept even if a later audit would miss it. */
  const lostEver = new Map<string, LostWrite>();
  const perCycle: DurabilityCycle[] = [];
  let kills = 0;
  let restarts = 0;
  let server: ServerHandle | undefined;
  let journalMode: string | null = null;
  let synchronous: number | null = null;
  let reason: string | undefined;
  let failed = false;
  let baseline = 0;
  let last = auditDurability([], { present: new Map(), integrity: ['not checked'] });

  try {
    mkdirSync(opts.dir, { recursive: true });
    seedDatabase({ out: db, profile, scale: opts.scale, seed: opts.seed, force: true });
    baseline = maxContentId(db);
    server = await spawn();
    const effective = (server.info.effective ?? {}) as Record<string, unknown>;
    journalMode = typeof effective.journal_mode === 'string' ? effective.journal_mode : null;
    synchronous = typeof effective.synchronous === 'number' ? effective.synchronous : null;

    for (let cycle = 1; cycle <= opts.cycles; cycle++) {
      if (opts.signal?.aborted) {
        reason = `interrupted after ${cycle - 1} of ${opts.cycles} cycles`;
        break;
      }
      if (performance.now() > deadline) {
        reason = `stopped after ${cycle - 1} of ${opts.cycles} cycles: the --max-seconds budget ran out`;
        break;
      }
      const killAfterMs = rng.int(opts.killMinMs, opts.killMaxMs);
      let stop = false;
      const tallies = Array.from({ length: opts.writers }, (): WriterTally => ({ acked: [], failed: 0 }));
      const url = server.url;
      const loops = tallies.map((tally, w) =>
        writeLoop(
          url,
          createRng(deriveSeed(opts.seed, `${profileName}:${cycle}:${w}`)),
          campaigns,
          `c${cycle}w${w}`,
          () => stop,
          tally,
          opts.writeBody ?? defaultBody,
        ),
      );
      await sleep(killAfterMs, opts.signal);
      if (opts.signal?.aborted) {
        stop = true;
        await Promise.all(loops);
        reason = `interrupted during cycle ${cycle} of ${opts.cycles}`;
        break;
      }
      server.child.kill('SIGKILL');
      kills++;
      await server.exited;
      stop = true;
      await Promise.all(loops);
      for (const t of tallies) acked.push(...t.acked);
      opts.afterKill?.(db, acked, cycle);

      const r0 = performance.now();
      try {
        server = await spawn();
        restarts++;
      } catch (err) {
        server = undefined;
        throw new Error(`restart after kill ${kills} failed: ${err instanceof Error ? err.message : String(err)}`);
      }
      const restartMs = performance.now() - r0;
      last = auditDurability(acked, readDatabaseState(db, baseline));
      for (const w of last.lostWrites) {
        // Once lost, always lost; `reused` once a later cycle handed its id out again.
        const key = `${w.id}\n${w.token}`;
        const seen = lostEver.get(key);
        lostEver.set(key, seen ? { ...seen, reused: seen.reused || w.reused } : w);
      }
      const ackedThisCycle = tallies.reduce((n, t) => n + t.acked.length, 0);
      perCycle.push({
        cycle,
        killAfterMs,
        acked: ackedThisCycle,
        failedWrites: tallies.reduce((n, t) => n + t.failed, 0),
        restartMs,
        lost: last.lost,
        integrity: last.integrity,
      });
      opts.onProgress?.(
        `${profileName}: cycle ${cycle}/${opts.cycles}, killed after ${killAfterMs} ms, ${ackedThisCycle} acked this cycle (${acked.length} so far), ${lostEver.size} lost, integrity ${last.integrity}`,
      );
    }
  } catch (err) {
    failed = true;
    reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
  } finally {
    await server?.stop();
  }

  // A run cut short by a budget the user did not choose proves less than was asked: a failure.
  if (!failed && perCycle.length < opts.cycles && !opts.budgetExplicit && !opts.signal?.aborted) {
    failed = true;
    reason =
      `only ${perCycle.length} of ${opts.cycles} cycles ran: the default time budget (${opts.maxSeconds} s) ran out; ` +
      'fewer cycles than asked fail unless you set --max-seconds';
  }
  const idle = perCycle.filter((c) => c.acked === 0).map((c) => c.cycle);
  if (idle.length > 0 && !reason)
    reason = `no write acknowledged in cycle${idle.length > 1 ? 's' : ''} ${idle.join(', ')}: nothing there to audit`;
  const lost = [...lostEver.values()].sort((a, b) => a.id - b.id);
  return {
    profile: profileName,
    journalMode,
    synchronous,
    status: failed ? 'failed' : 'ok',
    ...(reason ? { reason } : {}),
    cyclesRequested: opts.cycles,
    cycles: perCycle.length,
    budgetExplicit: opts.budgetExplicit ?? false,
    writers: opts.writers,
    acked: acked.length,
    lost: lost.length,
    lostIds: lost.slice(0, 20).map((w) => w.id),
    reused: lost.filter((w) => w.reused).length,
    unackedPresent: last.unackedPresent,
    integrity: perCycle.find((c) => c.integrity !== 'ok')?.integrity ?? last.integrity,
    kills,
    restarts,
    durationS: (performance.now() - t0) / 1000,
    perCycle,
  };
}

/** Every profile in turn, within one time budget. */
export async function runDurability(opts: DurabilityOptions): Promise<DurabilityRecord[]> {
  const deadline = performance.now() + opts.maxSeconds * 1000;
  const records: DurabilityRecord[] = [];
  for (const profile of opts.profiles) {
    if (opts.signal?.aborted) break;
    records.push(await runDurabilityArm(profile, opts, deadline));
  }
  return records;
}

/**
 * True when every arm ran all the cycles requested (or as many as a time budget the user set
 * allowed), every cycle acknowledged writes (a cycle without any proves
 * nothing), no acknowledged write was lost in any cycle, and every integrity_check said ok.
 */
export function durabilityPassed(records: readonly DurabilityRecord[]): boolean {
  return records.every(
    (r) =>
      r.status === 'ok' &&
      r.lost === 0 &&
      r.integrity === 'ok' &&
      r.cycles > 0 &&
      r.perCycle.length === r.cycles &&
      (r.cycles === r.cyclesRequested || r.budgetExplicit) &&
      r.perCycle.every((c) => c.acked > 0 && c.lost === 0 && c.integrity === 'ok'),
  );
}
