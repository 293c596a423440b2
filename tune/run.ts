/**
 * `loadlab tune`: the best configuration for the user's own database and queries, with
 * evidence. Stages, each inside its share of the budget:
 *   1. indexes: candidates from the queries' plans, each measured paired against the file
 *      without it on the queries whose plan it changes; kept when it makes one faster
 *      beyond the band and none slower;
 *   2. PRAGMAs: successive halving over every configuration the durability allows;
 *   3. decisions: each setting where the leader differs from the user's current one is
 *      measured paired against the leader with the user's value; a change is adopted only
 *      when it is shown faster beyond the band on a query and slower on none;
 *   4. the winner against the user's current settings and against the guide's `tuned`,
 *      every query with its interval, and each adopted index's cost on inserts.
 * The user's file is copied, never opened; its SHA-256 is compared before and after.
 */
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { databaseChecksum } from '../bench/queries.ts';
import { copyDatabase, createWorkspace, type Workspace } from '../bench/workspace.ts';
import { readQueriesFile } from '../db/queries-file.ts';
import { existingSqliteFile } from '../lib/files.ts';
import { readExplainQueries } from '../ops/queries-file.ts';
import { createArms, keyOf, type Arm } from './arms.ts';
import {
  comparisonCostS,
  configCostS,
  halvingCostS,
  MIN_TASK_MS,
  withWriteFloor,
  WRITE_MIN_TASK_MS,
} from './budget.ts';
import { applicableGuideIndexes, tunedSettings, writingQueries } from './database.ts';
import { createVariants } from './files.ts';
import { findIndexCandidates, servedWithout, type IndexCandidate } from './index-candidates.ts';
import { successiveHalving } from './halving.ts';
import { insertProbe } from './insert-probe.ts';
import { roundsFor } from './paired.ts';
import type { Decision, IndexResult, TuneRecord } from './record.ts';
import { readSettings } from './side.ts';
import {
  DIMENSIONS,
  meetsDurability,
  reducedSpace,
  sameDimension,
  searchSpace,
  settingsKey,
  settingsText,
  withDimension,
  type Durability,
  type Settings,
} from './space.ts';
import { decideSetting, indexResult, settleIndexes, unjudged } from './verdicts.ts';
import { countTieBreak } from './counted.ts';
import { BUSY_TIMEOUTS, measureContention, WRITERS, type ContentionResult } from './contention.ts';
import { busyTimeoutOf } from './fragment.ts';
import { compareThroughService, type ServiceResult, type ServiceSpec } from './service.ts';
import { findCountingTools, type CountingTools } from '../bench/counted/tools.ts';

export interface TuneProgress {
  stage: 'indexes' | 'pragmas' | 'decisions' | 'final' | 'contention' | 'service';
  message: string;
  leader?: string;
  /** Seconds of the budget left. */
  leftS: number;
}

export interface TuneOptions {
  db: string;
  queries: string;
  budgetS: number;
  durability: Durability;
  /** Where the copies go (a real disk; default .tmp/tune). */
  dataDir?: string;
  minRows?: number;
  /**
   * Exact counters break ties: a setting the timing cannot separate from yours is counted
   * (system calls, and instructions when valgrind is there and the budget pays) and adopted
   * when it does less on a query and more on none.
   */
  counted?: boolean;
  /**
   * Your own service (--serve, --scenario-file, --target): the winner against your settings
   * through it, under load, with the share of the budget SHARES.service.
   */
  service?: ServiceSpec;
  /** Where strace and valgrind are (default: found on PATH when `counted`). */
  countingTools?: CountingTools;
  /** The copies' directory when the caller owns it (so Ctrl-C can remove it); else made and removed here. */
  workspace?: Workspace;
  onProgress?: (p: TuneProgress) => void;
  now?: () => number;
}

export const TUNE_DEFAULTS = { budgetS: 300, durability: 'normal' as Durability, dataDir: '.tmp/tune' } as const;

/** Budget shares of what is left when each stage starts; with --counted, a decision's timing leaves the rest of its share to counting. */
const SHARES = { indexes: 0.3, pragmas: 0.45, decisionTiming: 0.6, service: 0.4, contention: 0.08 } as const;
/** The contention check takes at most this long (five busy_timeout values). */
const CONTENTION_MAX_S = 20;

export async function runTune(opts: TuneOptions): Promise<TuneRecord> {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  // What is left of the budget, keeping 3 % for reading the queries, hashing and writing the results,
  // and the service stage's share when there is one.
  const totalLeftS = () => opts.budgetS * 0.97 - (now() - t0) / 1000;
  const serviceS = opts.service ? opts.budgetS * SHARES.service : 0;
  // The contention check's time, kept aside when a query writes (known once the queries are read).
  let contentionS = 0;
  const leftS = () => totalLeftS() - serviceS - contentionS;
  const userDb = existingSqliteFile(opts.db);
  const queries = readQueriesFile(opts.queries);
  const specs = readExplainQueries(opts.queries);
  const shaBefore = databaseChecksum(userDb);
  const workspace =
    opts.workspace ?? createWorkspace({ dataDir: opts.dataDir ?? TUNE_DEFAULTS.dataDir, scale: 1, seed: 0 });
  const progress = (stage: TuneProgress['stage'], message: string, leader?: Settings) =>
    opts.onProgress?.({ stage, message, leftS: leftS(), ...(leader ? { leader: settingsText(leader) } : {}) });
  try {
    const copyStart = now();
    const source = workspace.copy(userDb, 'source');
    // One copy of the file, seconds: each variant an index cost needs is one more copy and its index.
    const copyS = (now() - copyStart) / 1000;
    const inspect = new Database(source, { fileMustExist: true, timeout: 5000 });
    let current: Settings;
    let tunedIndexes: IndexCandidate[];
    let candidates: ReturnType<typeof findIndexCandidates>;
    let writes: Set<string>;
    try {
      // What an application gets from `new Database(file)` with no PRAGMAs of its own.
      current = readSettings(inspect);
      tunedIndexes = applicableGuideIndexes(inspect);
      candidates = findIndexCandidates(inspect, specs, opts.minRows);
      writes = writingQueries(inspect, queries);
      if (writes.size > 0) contentionS = Math.min(CONTENTION_MAX_S, SHARES.contention * opts.budgetS);
    } finally {
      inspect.close();
    }
    const variants = createVariants(workspace, source);
    const tools = opts.counted ? (opts.countingTools ?? findCountingTools()) : null;
    const tuned = tunedSettings(current);
    const { probe, compare, timeConfig } = createArms({ variants, writes, queries, now, leftS });

    const yours: Arm = { s: current, ix: [], label: 'yours' };
    // Probed call times; for planning, a write's task lasts at least WRITE_MIN_TASK_MS.
    const callsYours = withWriteFloor(await probe(yours), writes);
    const names = queries.map((q) => q.name);
    const insertCallMs = WRITE_MIN_TASK_MS;
    /** The final comparisons' share, kept aside from the start: winner against yours and against tuned, and index costs. */
    const finalReserveS = (indexes: number) =>
      // Each: its rounds with a little room, and its variants (a copy and indexes each) and write copies.
      2 * (comparisonCostS(roundsFor(names.length) + 2, names, callsYours, 2 * MIN_TASK_MS) + 4 * copyS) +
      indexes *
        (comparisonCostS(roundsFor(1) + 2, ['insert'], new Map([['insert', insertCallMs]]), 2 * MIN_TASK_MS) / 0.8 +
          2 * copyS +
          Math.max(copyS, variants.maxBuildSeconds));
    const spendable = (indexes: number) => Math.max(0, leftS() - finalReserveS(indexes));

    // 1. Indexes: each against the file without it, under your settings, on the queries whose plan it changes.
    const indexResults: IndexResult[] = [];
    const indexBudget = spendable(candidates.candidates.length) * SHARES.indexes;
    for (const c of candidates.candidates) {
      progress('indexes', `measuring ${c.name} (${indexResults.length + 1}/${candidates.candidates.length})`);
      const affected = queries.filter((q) => c.changes.some((ch) => ch.query === q.name));
      const needs = candidates.candidates.filter((o) => c.requires.includes(o.name));
      const cmp = await compare(
        {
          s: current,
          ix: needs,
          label: needs.length ? `without it (with ${needs.length} other candidates)` : 'without',
        },
        { s: current, ix: [...needs, c], label: c.name },
        affected,
        indexBudget / candidates.candidates.length,
        callsYours,
      );
      indexResults.push(indexResult(c, cmp));
    }
    // Asked of SQLite on the copy, in transactions rolled back: no second copy of the file.
    const adopted = settleIndexes(indexResults, (others, c) => {
      const db = new Database(source, { fileMustExist: true, timeout: 5000 });
      try {
        return servedWithout(db, specs, others, c, opts.minRows);
      } finally {
        db.close();
      }
    });

    // 2. PRAGMAs by successive halving: every combination when the budget pays for it, else one setting at a time.
    const probedAdopted = await probe({ s: current, ix: adopted, label: 'yours with the indexes' });
    const callsAdopted = withWriteFloor(probedAdopted, writes);
    const pragmaBudget = spendable(adopted.length) * SHARES.pragmas;
    const full = searchSpace(opts.durability, current);
    const space =
      halvingCostS(full.length, names, callsAdopted) <= pragmaBudget ? full : reducedSpace(opts.durability, current);
    const halving = await successiveHalving(space, (s, taskMs) => timeConfig(s, adopted, taskMs), {
      budgetS: pragmaBudget,
      now: () => now(),
      costS: (taskMs) => configCostS(names, callsAdopted, taskMs),
      onRung: (rung, n, leader) => progress('pragmas', `rung ${rung + 1}: ${n} configurations`, leader),
    });
    // Without a single rung, the leader is the first configuration tried: the first journal the durability allows.
    let winner = halving.ranking[0] ?? space[0]!;

    // 3. Decisions, one setting at a time, against your value.
    const differing = DIMENSIONS.filter((d) => !sameDimension(winner, current, d));
    const decisions: Decision[] = [];
    let decisionsLeft = differing.filter((d) =>
      meetsDurability(withDimension(winner, d, current), opts.durability),
    ).length;
    for (const d of differing) {
      const alt = withDimension(winner, d, current);
      if (!meetsDurability(alt, opts.durability)) {
        decisions.push({ dimension: d, leader: winner, current, verdict: 'required', adopted: true });
        continue;
      }
      progress('decisions', `${d}: the leader's value against yours`, winner);
      const share = spendable(adopted.length) / Math.max(1, decisionsLeft--);
      const shareEnds = leftS() - share;
      const cmp = await compare(
        { s: alt, ix: adopted, label: 'yours' },
        { s: winner, ix: adopted, label: 'leader' },
        queries,
        tools ? share * SHARES.decisionTiming : share,
        callsAdopted,
      );
      const leader = winner;
      const {
        verdict,
        adopted: keep,
        counted,
      } = await decideSetting(
        cmp,
        tools
          ? () => {
              progress('decisions', `${d}: counting what each does per call`, leader);
              return countTieBreak({
                base: { settings: alt, file: variants.file(keyOf({ s: alt, ix: adopted })) },
                arm: { settings: leader, file: variants.file(keyOf({ s: leader, ix: adopted })) },
                queries,
                calls: probedAdopted,
                tools,
                dir: workspace.dir,
                budgetS: Math.max(0, leftS() - shareEnds),
                now,
              });
            }
          : undefined,
      );
      decisions.push({
        dimension: d,
        leader,
        current,
        verdict,
        adopted: keep,
        ...(cmp ? { comparison: cmp } : {}),
        ...(counted ? { counted } : {}),
      });
      if (!keep) winner = alt;
    }

    // 4. The winner against yours and against tuned (the reserve), then each adopted index's cost on inserts.
    const insertReserveS = finalReserveS(adopted.length) - finalReserveS(0);
    const winnerArm: Arm = { s: winner, ix: adopted, label: 'winner' };
    progress('final', 'the winner against your settings', winner);
    const vsCurrent =
      (await compare(yours, winnerArm, queries, (leftS() - insertReserveS) / 2, callsYours)) ??
      unjudged('yours', 'winner', names, 'the budget ran out');
    progress('final', 'the winner against tuned', winner);
    const vsTuned =
      (await compare(
        { s: tuned, ix: tunedIndexes, label: 'tuned' },
        winnerArm,
        queries,
        leftS() - insertReserveS,
        callsYours,
      )) ?? unjudged('tuned', 'winner', names, 'the budget ran out');
    let costsLeft = adopted.length;
    for (const r of indexResults.filter((x) => x.adopted)) {
      progress('final', `insert cost of ${r.candidate.name}`, winner);
      const share = Math.max(0, leftS()) / Math.max(1, costsLeft--);
      const probeInsert = insertProbe(source, r.candidate.table);
      if ('error' in probeInsert) {
        r.insertCost = { error: probeInsert.error };
        continue;
      }
      writes.add(probeInsert.query.name);
      const cmp = await compare(
        { s: winner, ix: adopted.filter((c) => c !== r.candidate), label: 'without' },
        { s: winner, ix: adopted, label: 'with' },
        [probeInsert.query],
        share,
        new Map([[probeInsert.query.name, insertCallMs]]),
      );
      r.insertCost = cmp ? { comparison: cmp } : { error: 'the budget ran out' };
    }

    // 5. busy_timeout where writes contend, under the winner (its time was kept aside).
    let contention: ContentionResult | undefined;
    if (contentionS > 0) {
      progress('contention', `${WRITERS} connections writing at once, per busy_timeout`, winner);
      const key = keyOf(winnerArm);
      // Each value: its run, a fresh copy of the winner's file, and the workers' start.
      const perValueS = (totalLeftS() - serviceS) / BUSY_TIMEOUTS.length - copyS - 0.2;
      contention = await measureContention({
        freshCopy: () => variants.copy(key, 'contention'),
        release: (f) => variants.release(f),
        settings: winner,
        queries,
        writing: writes,
        durationS: Math.min(CONTENTION_MAX_S / BUSY_TIMEOUTS.length, Math.max(0.2, perValueS)),
      });
    }

    // 6. Through your service, under load: yours on a plain copy, the winner on a copy of its variant.
    let service: ServiceResult | undefined;
    if (opts.service) {
      progress('service', 'the winner against yours through your service, under load', winner);
      const winnerFile = join(workspace.dir, 'service-winner.sqlite');
      copyDatabase(variants.file(keyOf(winnerArm)), winnerFile);
      service = await compareThroughService({
        spec: opts.service,
        files: { yours: workspace.copy(source, 'service-yours'), winner: winnerFile },
        settings: { yours: current, winner },
        busyTimeoutMs: busyTimeoutOf({ ...(contention ? { contention } : {}) }),
        budgetS: totalLeftS(),
      });
    }

    const shaAfter = databaseChecksum(userDb);
    return {
      kind: 'tune',
      version: 1,
      date: new Date().toISOString(),
      db: { path: userDb, sha256Before: shaBefore, sha256After: shaAfter, unchanged: shaBefore === shaAfter },
      queries: queries.map((q) => ({
        name: q.name,
        sql: q.sql,
        writes: writes.has(q.name),
        paramSets: q.params.length,
      })),
      durability: opts.durability,
      budgetS: opts.budgetS,
      counted: !!tools,
      elapsedS: (now() - t0) / 1000,
      current,
      tuned,
      tunedIndexes: tunedIndexes.map((i) => i.sql),
      plans: candidates.plans,
      rejectedIndexes: candidates.rejected,
      indexes: indexResults,
      halving: {
        configurations: space.length,
        combinations: full.length,
        rungs: halving.rungs,
        failed: halving.failed,
        cutShort: halving.cutShort,
        leader: halving.ranking[0] ? settingsKey(halving.ranking[0]) : null,
      },
      decisions,
      winner,
      adoptedIndexes: adopted.map((c) => c.sql),
      vsCurrent,
      vsTuned,
      ...(contention ? { contention } : {}),
      ...(service ? { service } : {}),
    };
  } finally {
    if (!opts.workspace) workspace.cleanup();
  }
}
