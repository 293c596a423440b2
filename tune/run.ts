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
import { databaseChecksum } from '../bench/queries.ts';
import { createWorkspace, type Workspace } from '../bench/workspace.ts';
import { builtinProfile } from '../db/profiles.ts';
import { GUIDE_INDEXES } from '../db/profiles.ts';
import { readQueriesFile, type Query } from '../db/queries-file.ts';
import { existingSqliteFile } from '../lib/files.ts';
import { UsageError } from '../lib/errors.ts';
import { tableColumns, tableNames, tableIndexes } from '../ops/catalog.ts';
import { readExplainQueries } from '../ops/queries-file.ts';
import { createVariants, type VariantKey } from './files.ts';
import { createIndexStatement, findIndexCandidates, servedWithout, type IndexCandidate } from './index-candidates.ts';
import { successiveHalving } from './halving.ts';
import { judgeGains, measurePaired, roundsFor, type Comparison } from './paired.ts';
import { comparisonCostS, configCostS, halvingCostS, MIN_TASK_MS, planComparison, type CallTimes } from './budget.ts';
import { openSide, readSettings, warm, type Side } from './side.ts';
import {
  DIMENSIONS,
  meetsDurability,
  reducedSpace,
  sameDimension,
  searchSpace,
  settingsKey,
  settingsText,
  withDimension,
  type Dimension,
  type Durability,
  type Settings,
} from './space.ts';
import type { TuneRecord, IndexResult, Decision } from './record.ts';
import { insertProbe } from './insert-probe.ts';

export interface TuneProgress {
  stage: 'indexes' | 'pragmas' | 'decisions' | 'final';
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
  /** The copies' directory when the caller owns it (so Ctrl-C can remove it); else made and removed here. */
  workspace?: Workspace;
  onProgress?: (p: TuneProgress) => void;
  now?: () => number;
}

export const TUNE_DEFAULTS = { budgetS: 300, durability: 'normal' as Durability, dataDir: '.tmp/tune' } as const;

/** Budget shares of what is left when each stage starts. */
const SHARES = { indexes: 0.3, pragmas: 0.45 } as const;

export async function runTune(opts: TuneOptions): Promise<TuneRecord> {
  const now = opts.now ?? (() => performance.now());
  const t0 = now();
  // What is left of the budget, keeping 3 % for reading the queries, hashing and writing the results.
  const leftS = () => opts.budgetS * 0.97 - (now() - t0) / 1000;
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
    try {
      // What an application gets from `new Database(file)` with no PRAGMAs of its own.
      current = readSettings(inspect);
      tunedIndexes = applicableGuideIndexes(inspect);
      candidates = findIndexCandidates(inspect, specs, opts.minRows);
    } finally {
      inspect.close();
    }
    const writes = writingQueries(source, queries);
    const variants = createVariants(workspace, source);
    const tuned = tunedSettings(current);

    type Arm = { s: Settings; ix: readonly IndexCandidate[]; label: string };
    const keyOf = (c: { s: Settings; ix: readonly IndexCandidate[] }): VariantKey => ({
      page_size: c.s.page_size,
      journal_mode: c.s.journal_mode,
      indexes: c.ix,
    });
    const sideFiles = (c: Arm, writesCopy: string | undefined) => ({
      reads: variants.file(keyOf(c)),
      ...(writesCopy ? { writes: writesCopy } : {}),
    });

    /** One call of each query under a configuration (ms): what the budget is planned from. */
    const probe = async (c: Arm, qs: readonly Query[] = queries): Promise<Map<string, number>> => {
      const w = qs.some((q) => writes.has(q.name)) ? variants.copy(keyOf(c), 'probe-writes') : undefined;
      const side = openSide(sideFiles(c, w), c.s, qs, writes);
      try {
        const out = new Map<string, number>();
        for (const q of qs) {
          const m = await side.run(q.name, MIN_TASK_MS);
          if (!m.ok) throw new UsageError(`${q.name}: ${m.reason}`);
          out.set(q.name, m.latencyUs.mean / 1000);
        }
        return out;
      } finally {
        side.close();
        if (w) variants.release(w);
      }
    };

    /**
     * A paired comparison of two configurations within `budgetS`, planned from the call
     * times: reads on each variant as made, writes on a private copy each. Null when the
     * budget cannot pay for the rounds its confidence needs.
     */
    const compare = async (
      base: Arm,
      arm: Arm,
      qs: readonly Query[],
      budgetS: number,
      calls: CallTimes,
    ): Promise<Comparison | null> => {
      // Making a variant (indexes, a VACUUM for a page size) is paid from the comparison's budget.
      const t = now();
      variants.file(keyOf(base));
      variants.file(keyOf(arm));
      // Planned at 80 %: the estimate leaves out the yields between tasks and tinybench's own time.
      const plan = planComparison(
        0.8 * budgetS - (now() - t) / 1000,
        qs.map((q) => q.name),
        calls,
      );
      if (!plan) return null;
      const needsWrites = qs.some((q) => writes.has(q.name));
      const wb = needsWrites ? variants.copy(keyOf(base), 'base-writes') : undefined;
      const wa = needsWrites ? variants.copy(keyOf(arm), 'arm-writes') : undefined;
      let b: Side | undefined;
      let a: Side | undefined;
      try {
        b = openSide(sideFiles(base, wb), base.s, qs, writes);
        a = openSide(sideFiles(arm, wa), arm.s, qs, writes);
        await warm(b, qs, plan.taskMs);
        await warm(a, qs, plan.taskMs);
        const deadline = now() + Math.max(budgetS, plan.costS) * 1000 * 1.25;
        const r = await measurePaired(
          b,
          a,
          qs.map((q) => q.name),
          { rounds: plan.rounds, taskMs: plan.taskMs, expired: () => now() > deadline || leftS() < 0 },
        );
        return judgeGains(base.label, arm.label, r);
      } finally {
        b?.close();
        a?.close();
        if (wb) variants.release(wb);
        if (wa) variants.release(wa);
      }
    };

    const yours: Arm = { s: current, ix: [], label: 'yours' };
    const callsYours = await probe(yours);
    const names = queries.map((q) => q.name);
    const insertCallMs = 2;
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
      if (!cmp) {
        indexResults.push({ candidate: c, adopted: false, why: 'not measured: the budget cannot pay for its rounds' });
        continue;
      }
      const faster = cmp.gains.some((g) => g.verdict === 'faster');
      const slower = cmp.gains.some((g) => g.verdict === 'slower');
      indexResults.push({
        candidate: c,
        reads: cmp,
        adopted: faster && !slower,
        why: faster && !slower ? 'faster beyond the band' : slower ? 'slower on a query' : 'not shown faster',
      });
    }
    dropServedByLonger(indexResults, (others, c) => {
      const scratch = workspace.copy(source, 'served');
      const db = new Database(scratch, { fileMustExist: true });
      try {
        return servedWithout(db, specs, others, c, opts.minRows);
      } finally {
        db.close();
        workspace.remove(scratch);
      }
    });
    // One that helps only beside others is kept only when they are.
    for (const r of indexResults) {
      const kept = (n: string) =>
        indexResults.some((o) => o.candidate.name === n && (o.adopted || o.why.startsWith('served by')));
      const missing = r.candidate.requires.filter((n) => !kept(n));
      if (r.adopted && missing.length > 0) {
        r.adopted = false;
        r.why = `helps only beside ${missing.join(', ')}, not adopted`;
      }
    }
    const adopted = indexResults.filter((r) => r.adopted).map((r) => r.candidate);

    // 2. PRAGMAs by successive halving: every combination when the budget pays for it, else one setting at a time.
    const callsAdopted = await probe({ s: current, ix: adopted, label: 'yours with the indexes' });
    const pragmaBudget = spendable(adopted.length) * SHARES.pragmas;
    const full = searchSpace(opts.durability, current);
    const space =
      halvingCostS(full.length, names, callsAdopted) <= pragmaBudget ? full : reducedSpace(opts.durability, current);
    const halving = await successiveHalving(
      space,
      async (s, taskMs) => {
        try {
          const key: VariantKey = { page_size: s.page_size, journal_mode: s.journal_mode, indexes: adopted };
          const side = openSide({ reads: variants.file(key), writes: variants.scratch(key) }, s, queries, writes);
          try {
            await warm(side, queries, Math.min(taskMs, 20));
            const out = new Map<string, number>();
            for (const q of queries) {
              const m = await side.run(q.name, taskMs);
              if (!m.ok) return { error: `${q.name}: ${m.reason}` };
              out.set(q.name, m.latencyUs.mean);
            }
            return out;
          } finally {
            side.close();
          }
        } catch (err) {
          return { error: (err as Error).message.split('\n')[0]! };
        }
      },
      {
        budgetS: pragmaBudget,
        now: () => now(),
        costS: (taskMs) => configCostS(names, callsAdopted, taskMs),
        onRung: (rung, n, leader) => progress('pragmas', `rung ${rung + 1}: ${n} configurations`, leader),
      },
    );
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
      const cmp = await compare(
        { s: alt, ix: adopted, label: 'yours' },
        { s: winner, ix: adopted, label: 'leader' },
        queries,
        spendable(adopted.length) / Math.max(1, decisionsLeft--),
        callsAdopted,
      );
      const verdict = cmp ? decide(cmp) : 'not measured';
      const keep = verdict === 'adopted';
      decisions.push({
        dimension: d,
        leader: winner,
        current,
        verdict,
        adopted: keep,
        ...(cmp ? { comparison: cmp } : {}),
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
    };
  } finally {
    if (!opts.workspace) workspace.cleanup();
  }
}

/** A comparison's verdict on a setting: adopted only when faster beyond the band on a query and slower on none. */
export function decide(cmp: Comparison): Decision['verdict'] {
  const faster = cmp.gains.some((g) => g.verdict === 'faster');
  const slower = cmp.gains.some((g) => g.verdict === 'slower');
  if (faster && slower) return 'trade-off';
  if (faster) return 'adopted';
  if (slower) return 'slower';
  return cmp.gains.every((g) => g.verdict === 'within the noise') ? 'within the noise' : 'not shown';
}

/** A comparison that could not be made: every query not judged, with the reason. */
function unjudged(base: string, arm: string, queries: readonly string[], reason: string): Comparison {
  return {
    base,
    arm,
    confidence: 0,
    gains: queries.map((query) => ({
      query,
      estimate: null,
      low: null,
      high: null,
      coverage: null,
      rounds: 0,
      verdict: 'not judged',
      reason,
      baseUs: null,
      armUs: null,
    })),
  };
}

/**
 * A kept index whose columns start another kept one on the same table is dropped when the
 * plans say the longer serves its queries as well (`served`, asked of SQLite).
 */
function dropServedByLonger(
  results: IndexResult[],
  served: (others: IndexCandidate[], c: IndexCandidate) => boolean,
): void {
  for (const r of results) {
    if (!r.adopted) continue;
    const longer = results.find(
      (o) =>
        o !== r &&
        o.adopted &&
        o.candidate.table === r.candidate.table &&
        o.candidate.columns.length > r.candidate.columns.length &&
        r.candidate.columns.every((col, k) => o.candidate.columns[k] === col),
    );
    const others = results.filter((o) => o !== r && o.adopted).map((o) => o.candidate);
    if (longer && served(others, r.candidate)) {
      r.adopted = false;
      r.why = `served by ${longer.candidate.name}`;
    }
  }
}

/** The guide's tuned PRAGMAs on this file (its page size stays: tuned does not set one). */
export function tunedSettings(current: Settings): Settings {
  const t = builtinProfile('tuned');
  return {
    journal_mode: t.file.journal_mode as Settings['journal_mode'],
    synchronous: t.connection.synchronous!,
    cache_size: t.connection.cache_size!,
    mmap_size: t.connection.mmap_size!,
    temp_store: t.connection.temp_store!,
    page_size: current.page_size,
  };
}

/** The guide's indexes whose table and columns this database has and does not index already. */
function applicableGuideIndexes(db: Database.Database): IndexCandidate[] {
  const tables = new Set(tableNames(db));
  return GUIDE_INDEXES.filter((def) => {
    if (!tables.has(def.table)) return false;
    const cols = new Set(tableColumns(db, def.table));
    if (!def.columns.every((c) => cols.has(c))) return false;
    return !tableIndexes(db, def.table).some((ix) => def.columns.every((c, k) => ix.columns[k] === c));
  }).map((def) => ({
    name: def.name,
    table: def.table,
    columns: [...def.columns],
    sql: createIndexStatement(def.name, def.table, [...def.columns]),
    reasons: ['the guide'],
    changes: [],
    requires: [],
  }));
}

/** Names of the queries that write, as SQLite sees them. */
function writingQueries(file: string, queries: readonly Query[]): Set<string> {
  const db = new Database(file, { fileMustExist: true, readonly: true });
  try {
    const out = new Set<string>();
    for (const q of queries) {
      try {
        if (!db.prepare(q.sql).readonly) out.add(q.name);
      } catch (err) {
        throw new UsageError(`${q.name}: ${(err as Error).message.split('\n')[0]}`);
      }
    }
    return out;
  } finally {
    db.close();
  }
}

export type { Dimension };
