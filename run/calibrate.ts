import { mkdtempSync, rmSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { identityArms } from '../bench/ablation-arms.ts';
import { runAblation } from '../bench/ablation.ts';
import { createWorkspace } from '../bench/workspace.ts';
import { workloadNames } from '../bench/workloads/index.ts';
import { catalogFromSpec, type Catalog } from '../catalog/catalog.ts';
import { writeJsonAtomic } from '../lib/atomic-write.ts';
import { ensureDir } from '../lib/ensure-dir.ts';
import type { AaEstimate, CalibrationRun } from '../lib/records/calibration.ts';
import type { Pinning } from '../lib/records/environment.ts';
import type { PairedSide } from '../lib/records/paired.ts';
import type { RunConfig } from '../lib/records/run-config.ts';
import type { VacuumRecord } from '../lib/records/run.ts';
import { seededDatabase } from '../load/runner.ts';
import { pairedGain, type PairedMetric } from '../reports/ledger/measure-paired.ts';
import {
  BAND_FLOOR_PCT,
  BAND_RULE,
  BAND_STEP_PCT,
  NOISE_KINDS,
  aaDeviationPct,
  bandFromEstimates,
  measuredSource,
  type CalibrationMachine,
  type MeasuredNoiseBandsFile,
  type NoiseKind,
} from '../reports/ledger/noise-bands.ts';
import { runPaired } from './paired.ts';
import type { ComparisonSpec } from './paired-plan.ts';
import { QUICK } from './presets.ts';
import { measureVacuum } from './vacuum.ts';

/** The profile every A/A comparison runs, and its twin: the same settings under a second name, so a second server. */
export const AA_PROFILE = 'tuned';
export const AA_TWIN = 'tuned-aa';
const HTTP_METRICS: PairedMetric[] = ['rps', 'p95'];
const SIZE_METRICS = ['beforeVacuum', 'afterMaintenance', 'afterVacuum'] as const;
export const MAX_CALIBRATION_RUNS = 50;

export interface CalibrateOptions {
  /** The catalog the config's names are looked up in (its custom profiles); the A/A twin is added to it. */
  catalog?: Catalog;
  /** A/A runs per kind of metric (1..MAX_CALIBRATION_RUNS). */
  runs: number;
  /** Where the run files go: a folder per calibration is made inside. */
  outDir: string;
  /** The bands file the result is meant for: run files are named relative to its folder. */
  bandsFile: string;
  /** Where the databases go (a private folder inside, removed afterwards). */
  dataDir: string;
  machine: CalibrationMachine;
  cores: number;
  pinning: Pinning;
  /** The configuration users run (default the quick preset); tests make it tiny. */
  config?: RunConfig;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface CalibrationResult {
  /** The bands file, or null when a kind has no A/A estimate (`problem` says which and why). */
  file: MeasuredNoiseBandsFile | null;
  problem?: string;
  /** Every run file written, absolute. */
  runFiles: string[];
  /** The folder they are in. */
  sessionDir: string;
}

interface Located {
  gain: number;
  /** The estimate's interval, where its comparison gives one (paired, ablation); exact sizes have none. */
  low?: number;
  high?: number;
  metric: string;
  file: string;
}

/**
 * `loadlab calibrate`: `runs` A/A runs of each kind of metric, one after the other (http,
 * bench, size, then again), each stored as a file as soon as it is done; then the bands by
 * BAND_RULE. http: the paired engine comparing `tuned` with its twin (two servers, two
 * copies) on the headline scenarios with the config's paired settings; bench: the ablation
 * with identity arms; size: VACUUM after churn on the same seeded databases. Never prints.
 */
export async function runCalibration(o: CalibrateOptions): Promise<CalibrationResult> {
  const c = o.config ?? QUICK;
  const bandsDir = dirname(resolve(o.bandsFile));
  const sessionDir = resolve(o.outDir, new Date().toISOString().replace(/[:.]/g, '-'));
  ensureDir(sessionDir);
  ensureDir(o.dataDir);
  const dataDir = mkdtempSync(join(resolve(o.dataDir), 'calibrate-'));
  // The A/A twin: AA_PROFILE under a second name, beside the catalog's own custom profiles.
  const base = o.catalog?.spec;
  const catalog = await catalogFromSpec({
    source: base?.source ?? 'loadlab calibrate',
    customProfiles: {
      ...(base?.customProfiles ?? {}),
      [AA_TWIN]: { extends: AA_PROFILE, description: `${AA_PROFILE} under a second name: the A/A twin of calibrate` },
    },
    scenarioFiles: base?.scenarioFiles ?? [],
  });
  const scenarios = [...new Set([c.headline.readScenario, c.headline.writeScenario, c.headline.p95Scenario])];
  const specs = aaSpecs(scenarios);
  const workspace = createWorkspace({ dataDir: join(dataDir, 'bench'), scale: c.scale, seed: c.seed });
  const found: Record<NoiseKind, Located[]> = { http: [], bench: [], size: [] };
  const unavailable: Record<NoiseKind, string[]> = { http: [], bench: [], size: [] };
  const sizes: { file: string; records: VacuumRecord[] }[] = [];
  const runFiles: string[] = [];
  const store = (run: CalibrationRun) => {
    const file = join(sessionDir, `${run.noiseKind}-${String(run.run).padStart(2, '0')}.json`);
    writeJsonAtomic(file, run);
    runFiles.push(file);
    for (const e of run.estimates) {
      if ('gain' in e)
        found[run.noiseKind].push({
          gain: e.gain,
          ...(e.low !== undefined && e.high !== undefined ? { low: e.low, high: e.high } : {}),
          metric: e.metric,
          file,
        });
      else unavailable[run.noiseKind].push(`${e.metric}: ${e.unavailable}`);
    }
    return file;
  };
  try {
    for (let run = 1; run <= o.runs && !o.signal?.aborted; run++) {
      const common = { kind: 'calibration-run' as const, schemaVersion: 1 as const, run, runs: o.runs };
      o.onProgress?.(`run ${run}/${o.runs}: http A/A (${AA_PROFILE} vs ${AA_TWIN}, ${scenarios.join(', ')})`);
      let startedAt = new Date().toISOString();
      const paired = await runPaired({
        config: { ...c, profiles: [AA_PROFILE, AA_TWIN] },
        catalog,
        cores: o.cores,
        pinning: o.pinning,
        dataDir: join(dataDir, 'http'),
        specs,
        orderSeed: c.seed + run,
        ...(o.signal ? { signal: o.signal } : {}),
        onProgress: (m) => o.onProgress?.(`  ${m}`),
      });
      if (o.signal?.aborted) break;
      store({
        ...common,
        noiseKind: 'http',
        startedAt,
        finishedAt: new Date().toISOString(),
        estimates: paired.comparisons.flatMap((cmp) =>
          HTTP_METRICS.map((metric): AaEstimate => {
            const g = pairedGain(cmp, metric, paired.confidence);
            const name = `${cmp.id} ${metric}`;
            return 'unavailable' in g
              ? { metric: name, unavailable: g.unavailable }
              : { metric: name, gain: g.gain, low: g.low, high: g.high };
          }),
        ),
        paired,
      });

      o.onProgress?.(`run ${run}/${o.runs}: bench A/A (identity arms of the ablation)`);
      startedAt = new Date().toISOString();
      const { ablation } = await runAblation({
        arms: identityArms(),
        ...(c.bench.ops.length ? { ops: c.bench.ops } : {}),
        scale: c.scale,
        seed: c.seed,
        rounds: c.bench.ablationRounds,
        taskMs: c.bench.ablationTaskMs,
        workspace,
        ...(o.signal ? { signal: o.signal } : {}),
      });
      if (o.signal?.aborted) break;
      store({
        ...common,
        noiseKind: 'bench',
        startedAt,
        finishedAt: new Date().toISOString(),
        estimates: ablation.map((a): AaEstimate => {
          const metric = `${a.op} ${a.arm ?? a.pragma}`;
          // The point estimate (median round ratio) is what the ledger reads, interval or not.
          return a.status === 'ok' && 1 + a.change > 0
            ? {
                metric,
                gain: 1 + a.change,
                ...(a.verdictable ? { low: 1 + a.spread.low, high: 1 + a.spread.high } : {}),
              }
            : { metric, unavailable: a.reason ?? a.status };
        }),
        ablation,
      });

      o.onProgress?.(`run ${run}/${o.runs}: size (VACUUM after churn on ${c.profiles.join(', ')})`);
      startedAt = new Date().toISOString();
      const vacuum = c.profiles.map((profile) =>
        measureVacuum({
          seeded: seededDatabase(join(dataDir, 'size'), catalog.profile(profile), c.scale, c.seed),
          workFile: join(dataDir, `vacuum-${profile}.sqlite`),
          profile: catalog.profile(profile),
          deleteShare: c.vacuum.deleteShare,
          updateShare: c.vacuum.updateShare,
        }),
      );
      const file = store({
        ...common,
        noiseKind: 'size',
        startedAt,
        finishedAt: new Date().toISOString(),
        estimates: vacuum
          .filter((v) => v.status !== 'ok')
          .map((v) => ({ metric: `${v.profile} VACUUM`, unavailable: v.reason ?? v.status })),
        vacuum,
      });
      sizes.push({ file, records: vacuum });
    }
  } finally {
    workspace.cleanup();
    rmSync(dataDir, { recursive: true, force: true });
  }
  found.size.push(...sizeEstimates(sizes));

  const rel = (f: string) => relative(bandsDir, f).split('\\').join('/');
  const result = { runFiles, sessionDir };
  if (o.signal?.aborted) return { ...result, file: null, problem: 'interrupted: no bands written' };
  const bands = {} as Record<NoiseKind, number>;
  const estimates = {} as MeasuredNoiseBandsFile['estimates'];
  for (const kind of NOISE_KINDS) {
    const band = bandFromEstimates(found[kind]);
    if (!band) {
      const why = unavailable[kind][0] ?? 'no run finished';
      return { ...result, file: null, problem: `no A/A estimate for ${kind}, so no band: ${why}` };
    }
    const largest = found[kind].reduce((a, b) => (aaDeviationPct(b) > aaDeviationPct(a) ? b : a));
    bands[kind] = band.pct;
    estimates[kind] = {
      count: found[kind].length,
      unavailable: unavailable[kind].length,
      largest: {
        pct: band.largestPct,
        gain: largest.gain,
        ...(largest.low !== undefined && largest.high !== undefined ? { low: largest.low, high: largest.high } : {}),
        pointPct: Math.max(...found[kind].map((e) => aaDeviationPct(e.gain))),
        metric: largest.metric,
        file: rel(largest.file),
      },
    };
  }
  const date = new Date().toISOString();
  const head = { machine: o.machine, date, runs: o.runs };
  return {
    ...result,
    file: {
      schemaVersion: 2,
      kind: 'noise-bands',
      source: measuredSource(head),
      bands,
      rule: BAND_RULE,
      floorPct: BAND_FLOOR_PCT,
      stepPct: BAND_STEP_PCT,
      ...head,
      settings: {
        http: {
          profile: AA_PROFILE,
          scenarios,
          scale: c.scale,
          connections: c.paired.connections,
          rounds: c.paired.rounds,
          durationS: c.paired.durationS,
          warmupS: c.paired.warmupS,
          confidence: c.paired.confidence,
          metrics: HTTP_METRICS,
        },
        bench: {
          arms: identityArms().map((a) => a.profile.name),
          ops: c.bench.ops.length ? c.bench.ops : workloadNames(),
          scale: c.scale,
          rounds: c.bench.ablationRounds,
          taskMs: c.bench.ablationTaskMs,
        },
        size: {
          profiles: c.profiles,
          scale: c.scale,
          deleteShare: c.vacuum.deleteShare,
          updateShare: c.vacuum.updateShare,
          metrics: [...SIZE_METRICS],
        },
      },
      estimates,
      runFiles: runFiles.map(rel),
    },
  };
}

/** The A/A comparisons of one http run: `tuned` against its twin on each scenario. */
export function aaSpecs(scenarios: readonly string[]): ComparisonSpec[] {
  const single = (profile: string): PairedSide => ({ profile, topology: 'single' });
  return scenarios.map((scenario) => ({
    id: `aa/${AA_PROFILE}/${scenario}`,
    purpose: 'aa',
    scenario,
    baseline: single(AA_PROFILE),
    candidate: single(AA_TWIN),
    pin: true,
  }));
}

/**
 * Size A/A estimates: per profile and size figure, each repeat's size over the smallest
 * repeat's, so the largest is the largest ratio of any two repeats (their relative spread). Pure.
 */
export function sizeEstimates(repeats: readonly { file: string; records: readonly VacuumRecord[] }[]): Located[] {
  const out: Located[] = [];
  const profiles = [...new Set(repeats.flatMap((r) => r.records.map((v) => v.profile)))];
  for (const profile of profiles)
    for (const metric of SIZE_METRICS) {
      const seen = repeats.flatMap((r) => {
        const v = r.records.find((x) => x.profile === profile && x.status === 'ok');
        const bytes = v?.bytes[metric];
        return bytes !== undefined && bytes > 0 ? [{ file: r.file, bytes }] : [];
      });
      if (seen.length === 0) continue;
      const smallest = Math.min(...seen.map((s) => s.bytes));
      for (const s of seen) out.push({ gain: s.bytes / smallest, metric: `${profile} ${metric} bytes`, file: s.file });
    }
  return out;
}
