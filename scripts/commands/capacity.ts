import { defineCommand } from '../context.ts';
import { SHARED } from '../flags.ts';
import { UsageError } from '../../lib/errors.ts';
import { CAPACITY_DEFAULTS, capacityLevels, runCapacity } from '../../load/capacity.ts';
import { resolveLoadOptions } from '../../load/options.ts';
import { scenarioNames } from '../../load/scenarios.ts';
import { capacityTable } from '../../load/table.ts';
import {
  LOAD_FLAGS,
  loadFileOf,
  loadOptionsFromFlags,
  runWithProgress,
  trialPlan,
  withScenarioFile,
  writeLoadFile,
} from './load.ts';

const { scenario, profile, trials, connections, rate, counted: _counted, ...shared } = LOAD_FLAGS;

export const command = defineCommand({
  name: 'capacity',
  summary:
    'Steps concurrency up (10, 25, 50, 100, 200, 400, …) and reports the highest level with p95 under the SLO and errors under the budget.',
  details: `Stops after the first failing level, then bisects --refine times between the last passing
and the first failing level (the true capacity lies between them); --sweeps repeats it all. The JSON has the curve (CapacityRecord) and each level's
load record. Exit 1 when a level could not be measured (server died, audit failed).`,
  options: {
    scenario: { ...scenario, value: 'NAME', help: `one of ${scenarioNames().join(', ')}` },
    profile: { ...profile, value: 'NAME', help: `${SHARED.profile.help}; required unless --target` },
    'slo-p95': {
      kind: 'number',
      value: 'MS',
      default: CAPACITY_DEFAULTS.sloP95Ms,
      min: 0.001,
      help: 'p95 must be below this',
    },
    'max-errors': {
      kind: 'number',
      value: 'PCT',
      default: CAPACITY_DEFAULTS.maxErrorPct,
      min: 0,
      max: 100,
      help: 'non-2xx + errors + timeouts below this percentage',
    },
    'max-connections': {
      kind: 'number',
      value: 'N',
      default: CAPACITY_DEFAULTS.maxConnections,
      min: 10,
      max: 10_000,
      integer: true,
      help: 'highest level tried',
    },
    refine: {
      kind: 'number',
      value: 'N',
      default: CAPACITY_DEFAULTS.refine,
      min: 0,
      max: 8,
      integer: true,
      help: 'bisection steps between the last passing and the first failing level',
    },
    sweeps: {
      kind: 'number',
      value: 'N',
      default: CAPACITY_DEFAULTS.sweeps,
      min: 1,
      max: 10,
      integer: true,
      help: 'repeat the sweep; the capacity is the median sweep, every sweep is kept',
    },
    trials: { ...trials, default: CAPACITY_DEFAULTS.trials, help: 'trials per level' },
    ...shared,
    connections: { ...connections, default: undefined, help: 'refused: capacity chooses it (see --max-connections)' },
    rate: { ...rate, help: 'refused: capacity steps concurrency in closed loop' },
  },
  async run({ values: flags }, context) {
    const { values, catalog } = await withScenarioFile(flags, context.catalog);
    const base = loadOptionsFromFlags(values, catalog);
    if (values.connections !== undefined)
      throw new UsageError('capacity chooses --connections itself; use --max-connections');
    if (base.scenarios.length !== 1 || (!values.target && base.profiles.length !== 1)) {
      throw new UsageError('capacity takes one --scenario and one --profile');
    }
    const options = {
      ...base,
      scenario: base.scenarios[0]!,
      profile: base.profiles[0] ?? null,
      sloP95Ms: values['slo-p95'],
      maxErrorPct: values['max-errors'],
      maxConnections: values['max-connections'],
      refine: values.refine,
      sweeps: values.sweeps,
    };
    const opts = resolveLoadOptions(base);
    // An upper bound: every level, every bisection step, every sweep (a sweep stops at its first miss).
    const levels = capacityLevels(options.maxConnections).length + options.refine;
    const { result, env, interrupted } = await runWithProgress(
      opts,
      values['json-out'],
      (hooks) => runCapacity(options, hooks),
      trialPlan(opts, levels * options.sweeps * opts.trials),
    );
    const out = values['json-out'];
    if (out) {
      writeLoadFile(out, opts, result.records, [result.capacity], env);
      process.stderr.write(`wrote ${out}\n`);
    }
    if (values.json)
      process.stdout.write(JSON.stringify(loadFileOf(opts, result.records, [result.capacity], env), null, 2) + '\n');
    else {
      process.stdout.write(capacityTable(result.capacity));
      for (const c of env.caveats) process.stdout.write(`note: ${c}\n`);
    }
    if (interrupted) return 130;
    return result.capacity.status === 'ok' ? 0 : 1;
  },
});
