import { colourEnabled, paintVerdicts } from '../../lib/colour.ts';
import { join, resolve } from 'node:path';
import { AB_PRESETS } from '../../ab/presets.ts';
import { runAb, type AbProgress } from '../../ab/run.ts';
import { nothingJudged, notEnoughRounds, tooFewRounds } from '../../ab/judge.ts';
import { checkoutOf, configMismatches, type AbCheckout } from '../../ab/sides.ts';
import { checkTarget } from '../../load/options.ts';
import { findCountingTools, missingToolReason } from '../../bench/counted/tools.ts';
import { remoteWarning } from '../../load/cli-support.ts';
import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import type { Catalog } from '../../catalog/catalog.ts';
import { catalogFromSpec } from '../../catalog/catalog.ts';
import { writeFileAtomic, writeJsonAtomic } from '../../lib/atomic-write.ts';
import { ensureDir } from '../../lib/ensure-dir.ts';
import { UsageError } from '../../lib/errors.ts';
import type { AbFile, AbSideName } from '../../lib/records/ab.ts';
import { RunConfig } from '../../lib/records/run-config.ts';
import { abHeadline, renderAbMarkdown } from '../../reports/ab-markdown.ts';
import { AB_CHART, abChangesChart } from '../../reports/charts/ab-chart.ts';
import { renderSvg, svgToPng } from '../../reports/charts/render.ts';
import { configOver, loadConfigFile } from '../../run/config-file.ts';
import { checkNames } from './run.ts';
import { streamProgress } from '../../run/progress.ts';

/** reports/ab/2026-01-02T03-04-05Z */
const defaultOutDir = (now = new Date()) =>
  join('reports', 'ab', now.toISOString().slice(0, 19).replace(/:/g, '-') + 'Z');

export const command = defineCommand({
  name: 'ab',
  summary:
    'Interleaved A/B of two checkouts of this project: both seed and serve with their own code, load trials ' +
    'alternate side by side in randomized rounds, statistics are paired by round. The pull-request gate.',
  args: 'BASELINE CANDIDATE',
  positionals: [0, 2],
  details: `BASELINE and CANDIDATE are checkout directories of this project, each with its own node_modules
(the same directory twice is allowed: an A/A, or a config-only change with --candidate-config).
Only one side is under load at any moment. ab.json is rewritten after every round; AB.md holds the
verdict table. The gating metrics (rps, p95 and error share per arm) are judged as one family
(Bonferroni): each interval is asked at 1 - 0.1/m, so identical sides fail at most 5 % of runs; --quick's
12 metrics need 8 rounds (load.trials). A metric regresses when its whole interval lies on the worse side:
"regressed" beyond its threshold, "small regression" within it; both fail. A slice with no response is
stalled (rps judges its round on answered work); a side that answers nothing fails. exit 0: no
regression (AB.md's first line says the largest one the run could have missed); 1: a gating
regression, a failed arm or a side that could not run; 2: bad input, a gating metric with not enough
rounds, or --counted without valgrind and strace.

Your own service instead: --baseline-target URL --candidate-target URL --scenario-file FILE
alternates the same requests between two running deployments (loopback unless --allow-remote);
no seeding and no microbenchmarks.

examples:
  loadlab ab ../main . --out out/ab
  loadlab ab . . --candidate-config slow.json        # calibration: inject a known delay
  loadlab ab --baseline-target http://127.0.0.1:3000 --candidate-target http://127.0.0.1:3001 --scenario-file loadlab.scenario.json`,
  options: {
    quick: {
      kind: 'boolean',
      help: 'the pull-request preset: tuned, 4 scenarios, 8 rounds of 2 s per side (the default)',
    },
    full: { kind: 'boolean', help: 'all profiles, 12 rounds of 10 s at scale 1' },
    config: {
      ...SHARED.config,
      help: 'config file (as for run) applied to both sides; default: ./loadlab.config.{ts,mts,js,mjs,json} if present',
    },
    'no-config': {
      kind: 'boolean',
      help: "read no shared config (not even ./loadlab.config.*): each side's config is laid over the preset alone",
    },
    'changed-profiles': {
      kind: 'boolean',
      help: 'with two side configs on one checkout: measure only the profiles whose definition differs between them (a config-only change; nothing differs: exit 0, nothing measured)',
    },
    'baseline-config': {
      kind: 'string',
      value: 'FILE',
      help: "config laid over --config for the baseline's side only",
    },
    'candidate-config': {
      kind: 'string',
      value: 'FILE',
      help: "config laid over --config for the candidate's side only (e.g. injectDelayMs)",
    },
    out: { kind: 'string', value: 'DIR', defaultText: 'reports/ab/<timestamp>/', help: 'where ab.json and AB.md go' },
    'order-seed': {
      kind: 'number',
      value: 'N',
      min: 0,
      integer: true,
      defaultText: 'random',
      help: 'seed of the randomized order within rounds',
    },
    counted: {
      kind: 'boolean',
      help: 'also compare exact counters per operation (instructions, fsyncs, bytes written; gate at 1 %)',
    },
    json: { kind: 'boolean', help: 'print ab.json to stdout at the end' },
    'baseline-target': {
      kind: 'string',
      value: 'URL',
      help: 'a running service as the baseline (with --scenario-file)',
    },
    'candidate-target': {
      kind: 'string',
      value: 'URL',
      help: 'a running service as the candidate (with --scenario-file)',
    },
    'scenario-file': { kind: 'string', value: 'FILE', help: "your service's requests (docs/load.md), for the targets" },
    'allow-remote': { kind: 'boolean', help: 'allow non-loopback targets (prints what they will receive)' },
  },
  async run({ values, positionals }, { catalog, config: file }) {
    if (values.quick && values.full) throw new UsageError('--quick and --full are exclusive');
    const mode = values.full ? 'full' : 'quick';
    const preset = AB_PRESETS[mode];
    const configPath = file?.path;
    const shared: RunConfig = file ? configOver(preset, file.data, file.path) : preset;
    let scenarioFile: string | undefined;
    const targetMode = values['baseline-target'] !== undefined || values['candidate-target'] !== undefined;
    let baseline: AbCheckout;
    let candidate: AbCheckout;
    let targets: Record<AbSideName, string> | undefined;
    let notCompared: string[] = [];
    if (values['no-config'] && values.config !== undefined)
      throw new UsageError('--no-config and --config are exclusive');
    if (targetMode) {
      ({ baseline, candidate, targets, scenarioFile } = await targetSides(values, positionals, shared, catalog));
    } else {
      if (positionals.length !== 2)
        throw new UsageError('ab needs BASELINE and CANDIDATE checkouts (or --baseline-target and --candidate-target)');
      if (values['scenario-file'] !== undefined)
        throw new UsageError('--scenario-file runs against --baseline-target and --candidate-target, not checkouts');
      const sideConfig = async (file: string | undefined) => (file ? await loadConfigFile(file, shared) : shared);
      const sideConfigs = sharedProfiles(
        await sideConfig(values['baseline-config']),
        await sideConfig(values['candidate-config']),
      );
      let { baseConfig, candConfig } = sideConfigs;
      notCompared = sideConfigs.notCompared;
      // Each side's names in that side's own catalog (its config's custom profiles).
      const catalogs = [];
      for (const c of [baseConfig, candConfig]) {
        const sideCatalog = await catalogFromSpec({ ...catalog.spec, customProfiles: c.customProfiles });
        checkNames(c, sideCatalog);
        catalogs.push(sideCatalog);
      }
      if (values['changed-profiles']) {
        const changed = changedProfiles(baseConfig.profiles, catalogs[0]!, catalogs[1]!);
        notCompared.push(...changed.same.map((p) => `${p}: the same definition in both configs (not measured)`));
        if (changed.profiles.length === 0) {
          process.stdout.write(
            `ab: no profile's definition differs between the two configs (${changed.same.join(', ')}): nothing to measure\n`,
          );
          return 0;
        }
        baseConfig = { ...baseConfig, profiles: changed.profiles };
        candConfig = { ...candConfig, profiles: changed.profiles };
      }
      const mismatch = configMismatches(baseConfig, candConfig);
      if (mismatch.length) {
        throw new UsageError(
          `the two sides must run the same experiment; their configs differ in: ${mismatch.join(', ')}`,
        );
      }
      baseline = checkoutOf('baseline', positionals[0]!, baseConfig, values['baseline-config'] ?? null);
      candidate = checkoutOf('candidate', positionals[1]!, candConfig, values['candidate-config'] ?? null);
    }
    // Fewer rounds than the interval needs can only end without a verdict: say so before measuring.
    const config = targets ? baseline.config : { ...shared, profiles: candidate.config.profiles };
    const short = tooFewRounds(config.load.trials, config.profiles.length * config.load.scenarios.length);
    if (short) throw new UsageError(`${short} (load.trials is the number of rounds)`);
    // Counters asked for that cannot be made would end in exit 2 after the whole run: say so now.
    if (values.counted) {
      const missing = missingToolReason(findCountingTools(), true);
      if (missing) throw new UsageError(`--counted needs valgrind and strace on PATH: ${missing}`);
    }
    const outDir = values.out ?? defaultOutDir();
    ensureDir(outDir);
    const abJson = join(outDir, 'ab.json');
    const write = (ab: AbFile) => {
      writeJsonAtomic(abJson, ab);
      writeFileAtomic(join(outDir, 'AB.md'), renderAbMarkdown(ab));
    };

    const controller = new AbortController();
    const onSignal = () => {
      process.stderr.write('\ninterrupted: stopping after the current trial, keeping what was measured\n');
      controller.abort();
    };
    process.once('SIGINT', onSignal);
    // A live line on a terminal (trial i/n, elapsed, ETA from the pace so far), plain lines in CI.
    const sink = streamProgress(process.stderr);
    const started = Date.now();
    const onProgress = (e: AbProgress) => {
      if (e.done !== undefined && e.total) {
        const eta = e.done > 0 ? ((Date.now() - started) / 1000 / e.done) * (e.total - e.done) : null;
        sink.stageStart(Math.min(e.done + 1, e.total), e.total, e.message, eta);
      } else sink.note(e.message);
    };
    let ab: AbFile;
    try {
      ab = await runAb({
        baseline,
        candidate,
        config,
        mode: configPath ? 'custom' : mode,
        outDir,
        orderSeed: values['order-seed'] ?? Math.floor(Math.random() * 2 ** 31),
        onProgress,
        onRound: write,
        signal: controller.signal,
        ...(values.counted ? { counted: true } : {}),
        ...(notCompared.length ? { notCompared } : {}),
        ...(targets ? { targets } : {}),
        ...(scenarioFile ? { scenarioFile } : {}),
      });
    } finally {
      sink.close?.();
      process.removeListener('SIGINT', onSignal);
    }
    write(ab);
    await writeAbChart(ab, outDir);
    if (values.json) process.stdout.write(JSON.stringify(ab, null, 2) + '\n');
    else process.stdout.write(paintVerdicts(`ab: ${abHeadline(ab)}\n`, colourEnabled(process.stdout)));
    process.stderr.write(`wrote ${abJson} and ${join(outDir, 'AB.md')}\n`);
    if (controller.signal.aborted) return 130;
    const unjudged =
      ab.exitCode === 2 ? (notEnoughRounds(ab.metrics) ?? nothingJudged(ab.metrics) ?? ab.notMeasured[0]) : undefined;
    if (unjudged) process.stderr.write(`error: ${unjudged}\n`);
    return ab.exitCode;
  },
});

/**
 * The two sides of an A/B of running services: the scenario file's requests, the preset's
 * load shape, no seeding or microbenchmarks. Loopback only unless --allow-remote.
 */
async function targetSides(
  values: {
    'baseline-target'?: string;
    'candidate-target'?: string;
    'scenario-file'?: string;
    'allow-remote'?: boolean;
    'baseline-config'?: string;
    'candidate-config'?: string;
    counted?: boolean;
  },
  positionals: string[],
  shared: RunConfig,
  catalog: Catalog,
): Promise<{
  baseline: AbCheckout;
  candidate: AbCheckout;
  targets: Record<AbSideName, string>;
  scenarioFile: string;
}> {
  if (positionals.length) throw new UsageError('give two checkouts or two targets, not both');
  const base = values['baseline-target'];
  const cand = values['candidate-target'];
  if (base === undefined || cand === undefined)
    throw new UsageError('--baseline-target and --candidate-target go together');
  if (values['scenario-file'] === undefined)
    throw new UsageError('--baseline-target needs --scenario-file FILE: the requests of your service');
  if (values.counted) throw new UsageError('--counted counts the fixture server of a checkout, not a target');
  if (values['baseline-config'] !== undefined || values['candidate-config'] !== undefined)
    throw new UsageError('--baseline-config/--candidate-config apply to checkouts; a target runs its own settings');
  const allow = values['allow-remote'] ?? false;
  const targets = { baseline: checkTarget(base, allow).href, candidate: checkTarget(cand, allow).href };
  for (const t of Object.values(targets)) {
    const warning = remoteWarning(new URL(t));
    if (warning) process.stderr.write(warning + '\n');
  }
  const scenarioFile = resolve(values['scenario-file']);
  const def = (await catalog.withScenarioFiles([scenarioFile])).userScenarios.at(-1)!;
  const config = RunConfig.parse({
    ...shared,
    profiles: ['external'],
    load: { ...shared.load, scenarios: [def.name] },
    bench: { ...shared.bench, enabled: false },
    customProfiles: {},
    injectDelayMs: 0,
    injectWork: 0,
  });
  const side = (name: AbSideName): AbCheckout => ({
    bin: '',
    config,
    side: {
      name,
      dir: targets[name],
      gitSha: null,
      branch: null,
      dirty: null,
      configFile: null,
      injectDelayMs: 0,
      injectWork: 0,
    },
  });
  return { baseline: side('baseline'), candidate: side('candidate'), targets, scenarioFile };
}

/**
 * The profiles both sides' configs name, in the candidate's order, given to both; the others
 * are listed as not compared (a pull request that adds or renames a profile has no baseline
 * for it). No profile in common is a usage error.
 */
export function sharedProfiles(
  baseConfig: RunConfig,
  candConfig: RunConfig,
): { baseConfig: RunConfig; candConfig: RunConfig; notCompared: string[] } {
  const profiles = candConfig.profiles.filter((p) => baseConfig.profiles.includes(p));
  if (profiles.length === 0)
    throw new UsageError(
      `the two sides' configs have no profile in common (baseline: ${baseConfig.profiles.join(', ')}; ` +
        `candidate: ${candConfig.profiles.join(', ')})`,
    );
  const only = (c: RunConfig, side: string) =>
    c.profiles.filter((p) => !profiles.includes(p)).map((p) => `${p}: only in the ${side}'s config`);
  return {
    baseConfig: { ...baseConfig, profiles },
    candConfig: { ...candConfig, profiles },
    notCompared: [...only(baseConfig, 'baseline'), ...only(candConfig, 'candidate')],
  };
}

/**
 * The profiles whose resolved definition (PRAGMAs, indexes, what it extends) differs between
 * the two sides' catalogs, and those that are the same: on one checkout, a profile defined
 * alike on both sides is an A/A, not the change under review.
 */
export function changedProfiles(
  names: readonly string[],
  baseline: Catalog,
  candidate: Catalog,
): { profiles: string[]; same: string[] } {
  const differs = (p: string) => JSON.stringify(baseline.profile(p)) !== JSON.stringify(candidate.profile(p));
  return { profiles: names.filter(differs), same: names.filter((p) => !differs(p)) };
}

/** The chart of paired changes beside AB.md, SVG and PNG, once the A/B is over (never while it measures). */
async function writeAbChart(ab: AbFile, outDir: string): Promise<void> {
  const spec = abChangesChart(ab);
  if (!spec) return;
  const svg = await renderSvg(spec);
  writeFileAtomic(join(outDir, AB_CHART.svg), svg);
  writeFileAtomic(join(outDir, AB_CHART.png), await svgToPng(svg));
  writeFileAtomic(join(outDir, 'AB.md'), renderAbMarkdown(ab, 'markdown', AB_CHART.png));
}
