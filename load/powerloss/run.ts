import { median } from '../../stats/basic.ts';
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rowCounts } from '../../db/data-shape.ts';
import type { Profile } from '../../db/profiles.ts';
import type { CatalogSpec } from '../../lib/records/catalog-spec.ts';
import { seedDatabase } from '../../db/seed.ts';
import { createRng, deriveSeed } from '../../lib/rng.ts';
import { spawnServer, type ServerHandle } from '../../lib/server-process.ts';
import type { PowerlossModeTally, PowerlossRecord } from '../../lib/records/powerloss.ts';
import { auditDurability, maxContentId, readDatabaseState, type AckedWrite } from '../durability/audit.ts';
import { CUT_MODES, crashImages, type ImageFiles, type MetadataModel } from './image.ts';
import { FILE_SUFFIX, readLog, type FileId, type PlEvent } from './log.ts';
import { ensureRecorder } from './recorder.ts';
import { expectationOf, verdictOf } from './verdict.ts';

export interface PowerlossOptions {
  /** Resolved from the catalog at the door (POWERLOSS_DEFAULTS.profiles are names). */
  profiles: Profile[];
  /** The catalog the spawned servers know (custom profiles); default the built-in one. */
  catalogSpec?: CatalogSpec;
  /** Concurrent write loops against the server under the recorder. */
  writers: number;
  /** Seconds of writing per profile. */
  durationS: number;
  /** Cut points per profile, seeded, spread over the log. */
  cuts: number;
  /** Every cut in every mode (none, all, random, torn); else one mode per cut, in turn. */
  allModes: boolean;
  seed: number;
  scale: number;
  /** Where the databases, logs and images go. */
  dir: string;
  serverCpu?: number;
  /** How creates and unlinks become durable (image.ts): 'journaled' (ext4, the default) or 'synchronous'. */
  metadata?: MetadataModel;
  /** Fault injection for the simulator's own test: drop every sync barrier from the log (FULL must then lose). */
  ignoreBarriers?: boolean;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export const POWERLOSS_DEFAULTS = {
  profiles: ['untuned', 'untuned-extra', 'wal-full', 'tuned', 'consensus', 'sync-off'],
  writers: 4,
  durationS: 2,
  cuts: 200,
  seed: 1,
  scale: 0.005,
} as const;

export { POWERLOSS_MODEL, POWERLOSS_RECORDER } from './model.ts';

/** Per request: a write that takes longer is abandoned (failed, never acknowledged). */
const REQUEST_TIMEOUT_MS = 5000;

interface Acked extends AckedWrite {
  /** When the 2xx arrived, CLOCK_MONOTONIC ms (the recorder's clock). */
  tMs: number;
}

const nowMs = () => Number(process.hrtime.bigint() / 1000n) / 1000;

async function writeLoop(
  url: string,
  seed: number,
  campaigns: number,
  tag: string,
  stopped: () => boolean,
  acked: Acked[],
) {
  const rng = createRng(seed);
  for (let i = 0; !stopped() && i < 1_000_000; i++) {
    const token = `${tag}-${i}`;
    try {
      const res = await fetch(`${url}/contents`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ campaign_id: rng.int(1, campaigns), title: token, body: `power-loss write ${token}` }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      const t = nowMs();
      if (res.status < 200 || res.status > 299) continue;
      const id = (JSON.parse(text) as { id?: unknown }).id;
      if (typeof id === 'number' && Number.isSafeInteger(id)) acked.push({ id, token, tMs: t });
    } catch {
      // A failed or abandoned write is unacknowledged: allowed to be lost.
    }
  }
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/** Reads the files of a database as they are on disk (null where one does not exist). */
function filesOf(db: string): ImageFiles {
  const read = (f: FileId) => (existsSync(db + FILE_SUFFIX[f]) ? readFileSync(db + FILE_SUFFIX[f]) : null);
  return { 0: read(0), 1: read(1), 2: read(2) };
}

/** Writes an image's files as `db`, `db-wal`, `db-journal` (removing those it does not have, and any -shm). */
function writeImage(db: string, files: ImageFiles): void {
  for (const f of [0, 1, 2] as FileId[]) {
    const path = db + FILE_SUFFIX[f];
    const bytes = files[f];
    if (bytes === null) rmSync(path, { force: true });
    else writeFileSync(path, bytes);
  }
  rmSync(`${db}-shm`, { force: true });
}

/**
 * Where replaying the whole log (every change applied, as a process crash leaves the files)
 * differs from the files on disk, or undefined when it gives them byte for byte.
 */
export function replayDiffers(initial: ImageFiles, events: readonly PlEvent[], onDisk: ImageFiles): string | undefined {
  let diff: string | undefined;
  crashImages(initial, events, [{ k: events.length, mode: 'all' }], createRng(0), (_, files) => {
    for (const f of [0, 1, 2] as FileId[]) {
      const a = files[f];
      const b = onDisk[f];
      const name = `database${FILE_SUFFIX[f]}`;
      if ((a === null) !== (b === null)) diff ??= `${name}: ${a === null ? 'absent in the replay' : 'absent on disk'}`;
      else if (a && b && !a.equals(b)) diff ??= `${name}: ${a.length} bytes replayed, ${b.length} on disk`;
    }
  });
  return diff;
}

/** `count` cut points over a log of `n` events, seeded, ascending (a cut at k keeps events 0 … k−1). */
export function pickCuts(n: number, count: number, seed: number): number[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => rng.int(1, Math.max(1, n))).sort((a, b) => a - b);
}

/** One profile: write under the recorder, cut, rebuild, open, audit. Never throws: a failure is the record's status. */
export async function runPowerlossArm(profile: Profile, opts: PowerlossOptions): Promise<PowerlossRecord> {
  const t0 = performance.now();
  const profileName = profile.name;
  const say = opts.onProgress ?? (() => {});
  mkdirSync(opts.dir, { recursive: true });
  const dir = realpathSync(opts.dir);
  const db = join(dir, `powerloss-${profileName}.sqlite`);
  const log = join(dir, `powerloss-${profileName}.log`);
  const imageDir = join(dir, `images-${profileName}`);
  const byMode: Record<string, PowerlossModeTally> = {};
  const base = {
    profile: profileName,
    journalMode: null as string | null,
    synchronous: null as number | null,
    writers: opts.writers,
    durationS: opts.durationS,
  };
  let server: ServerHandle | undefined;
  try {
    for (const f of [0, 1, 2] as FileId[]) rmSync(db + FILE_SUFFIX[f], { force: true });
    seedDatabase({ out: db, profile, scale: opts.scale, seed: opts.seed, force: true });
    rmSync(`${db}-shm`, { force: true });
    const baseline = maxContentId(db);
    const initial = filesOf(db);
    const recorder = ensureRecorder();
    rmSync(log, { force: true });
    server = await spawnServer({
      db,
      profile: profileName,
      ...(opts.catalogSpec ? { catalog: opts.catalogSpec } : {}),
      env: {
        ...process.env,
        LD_PRELOAD: [recorder, process.env.LD_PRELOAD].filter(Boolean).join(' '),
        POWERLOSS_DB: db,
        POWERLOSS_LOG: log,
      },
      ...(opts.serverCpu === undefined ? {} : { cpu: opts.serverCpu }),
    });
    const effective = (server.info.effective ?? {}) as Record<string, unknown>;
    base.journalMode = typeof effective.journal_mode === 'string' ? effective.journal_mode : null;
    base.synchronous = typeof effective.synchronous === 'number' ? effective.synchronous : null;
    say(
      `${profileName}: writing for ${opts.durationS} s under the recorder (${base.journalMode}, synchronous=${base.synchronous})`,
    );
    const acked: Acked[] = [];
    let stop = false;
    const campaigns = rowCounts(opts.scale).campaigns;
    const loops = Array.from({ length: opts.writers }, (_, w) =>
      writeLoop(
        server!.url,
        deriveSeed(opts.seed, `powerloss:${profileName}:${w}`),
        campaigns,
        `w${w}`,
        () => stop,
        acked,
      ),
    );
    await sleep(opts.durationS * 1000, opts.signal);
    stop = true;
    await Promise.all(loops);
    // The power goes: nothing after this point reaches the log.
    server.child.kill('SIGKILL');
    await server.exited;
    server = undefined;
    if (opts.signal?.aborted) throw new Error('interrupted');

    let events: PlEvent[] = readLog(log);
    const syncs = events.filter((e) => e.type === 'sync' || e.type === 'dirsync').length;
    if (events.length === 0) throw new Error('the recorder logged nothing: is LD_PRELOAD honoured here?');
    // The recorder's own check: replaying every logged change must give the files the kill left on disk.
    const missed = replayDiffers(initial, events, filesOf(db));
    if (missed)
      throw new Error(`the recorder missed changes: replaying its log does not give the files on disk (${missed})`);
    if (opts.ignoreBarriers) events = events.filter((e) => e.type !== 'sync' && e.type !== 'dirsync');
    const ks = pickCuts(events.length, opts.cuts, deriveSeed(opts.seed, `powerloss-cuts:${profileName}`));
    const cuts = ks.flatMap((k, i) =>
      opts.allModes ? CUT_MODES.map((mode) => ({ k, mode })) : [{ k, mode: CUT_MODES[i % CUT_MODES.length]! }],
    );
    say(
      `${profileName}: ${events.length} events (${syncs} syncs), ${acked.length} writes acknowledged; ${cuts.length} crash images`,
    );
    mkdirSync(imageDir, { recursive: true });
    const imageDb = join(imageDir, 'image.sqlite');
    const lastT = events[events.length - 1]!.tMs;
    const ages: number[] = [];
    const lossAtCut = new Map<number, boolean>();
    let corrupt = 0;
    let withLoss = 0;
    let maxLost = 0;
    const cutsWithAcked = new Set<number>();
    crashImages(
      initial,
      events,
      cuts,
      createRng(deriveSeed(opts.seed, `powerloss-images:${profileName}`)),
      (cut, files) => {
        writeImage(imageDb, files);
        const at = cut.k < events.length ? events[cut.k]!.tMs : lastT + 1e-3;
        const before = acked.filter((a) => a.tMs < at);
        if (before.length) cutsWithAcked.add(cut.k);
        const state = readDatabaseState(imageDb, baseline);
        const audit = auditDurability(before, state);
        const tally = (byMode[cut.mode] ??= { images: 0, corrupt: 0, withLoss: 0, lost: 0 });
        tally.images++;
        if (audit.integrity !== 'ok') {
          tally.corrupt++;
          corrupt++;
        }
        if (audit.lost > 0) {
          tally.withLoss++;
          tally.lost += audit.lost;
          withLoss++;
          maxLost = Math.max(maxLost, audit.lost);
          lossAtCut.set(cut.k, true);
          const ackedAt = new Map(before.map((a) => [`${a.id}\n${a.token}`, a.tMs]));
          for (const w of audit.lostWrites) ages.push(at - ackedAt.get(`${w.id}\n${w.token}`)!);
        }
      },
      opts.metadata ?? 'journaled',
    );
    const partial = {
      ...base,
      status: 'ok' as const,
      metadata: opts.metadata ?? 'journaled',
      replayMatchesDisk: true,
      acked: acked.length,
      events: events.length,
      syncs,
      cuts: new Set(ks).size,
      cutsWithAcked: cutsWithAcked.size,
      cutsWithLoss: lossAtCut.size,
      images: cuts.length,
      corrupt,
      withLoss,
      byMode,
      maxLost,
      lossWindowMs: ages.length ? { median: median(ages), max: ages.reduce((m, x) => Math.max(m, x), 0) } : null,
      expectation: expectationOf(base.journalMode, base.synchronous, opts.metadata),
    };
    return { ...partial, ...verdictOf(partial), wallS: (performance.now() - t0) / 1000 };
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0]! : String(err);
    const failed = {
      ...base,
      status: 'failed' as const,
      reason,
      metadata: opts.metadata ?? 'journaled',
      replayMatchesDisk: false,
      acked: 0,
      events: 0,
      syncs: 0,
      cuts: 0,
      cutsWithAcked: 0,
      cutsWithLoss: 0,
      images: 0,
      corrupt: 0,
      withLoss: 0,
      byMode,
      maxLost: 0,
      lossWindowMs: null,
      expectation: expectationOf(base.journalMode, base.synchronous, opts.metadata),
    };
    return { ...failed, ...verdictOf(failed), wallS: (performance.now() - t0) / 1000 };
  } finally {
    if (server) {
      server.child.kill('SIGKILL');
      await server.exited.catch(() => {});
    }
    rmSync(imageDir, { recursive: true, force: true });
  }
}

/** Every profile in turn. */
export async function runPowerloss(opts: PowerlossOptions): Promise<PowerlossRecord[]> {
  const out: PowerlossRecord[] = [];
  for (const p of opts.profiles) {
    if (opts.signal?.aborted) break;
    out.push(await runPowerlossArm(p, opts));
  }
  return out;
}

/** True when every profile came out as its documentation says (and the control lost writes). */
export function powerlossPassed(records: readonly PowerlossRecord[]): boolean {
  return records.length > 0 && records.every((r) => r.status === 'ok' && r.verdict === 'as expected');
}
