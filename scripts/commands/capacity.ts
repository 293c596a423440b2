import { defineCommand, numberFlag, requireFlag } from '../../lib/cli-kit.ts';
import { UsageError } from '../../lib/errors.ts';
import { CAPACITY_DEFAULTS, runCapacity } from '../../load/capacity.ts';
import { resolveLoadOptions } from '../../load/options.ts';
import { capacityTable } from '../../load/table.ts';
import { LOAD_FLAGS, LOAD_FLAG_HELP, loadOptionsFromFlags, runWithProgress, writeLoadFile } from './load.ts';

export const command = defineCommand({
  name: 'capacity',
  summary: 'Steps concurrency up (10, 25, 50, 100, 200, 400, …) and reports the highest level with p95 under the SLO and errors under the budget.',
  usage: 'loadlab capacity --scenario NAME --profile NAME [--slo-p95 200] [--max-errors 1] [--max-connections 800] [--json FILE]',
  details: `options:
  --slo-p95 MS         p95 must be below this (default ${CAPACITY_DEFAULTS.sloP95Ms} ms)
  --max-errors PCT     non-2xx + errors + timeouts below this percentage (default ${CAPACITY_DEFAULTS.maxErrorPct})
  --max-connections N  highest level tried (default ${CAPACITY_DEFAULTS.maxConnections})
  --trials N           trials per level (default ${CAPACITY_DEFAULTS.trials})
${LOAD_FLAG_HELP}

Stops after the first failing level. The JSON has the curve (CapacityRecord) and each level's
load record. Exit 1 when a level could not be measured (server died, audit failed).`,
  options: { ...LOAD_FLAGS, 'slo-p95': { type: 'string' }, 'max-errors': { type: 'string' }, 'max-connections': { type: 'string' } },
  async run({ values }) {
    const scenario = requireFlag('capacity', 'scenario', values.scenario);
    const base = loadOptionsFromFlags(values, { trials: CAPACITY_DEFAULTS.trials });
    if (values.connections !== undefined) throw new UsageError('capacity chooses --connections itself; use --max-connections');
    if (base.scenarios.length !== 1 || (!values.target && base.profiles.length !== 1)) {
      throw new UsageError('capacity takes one --scenario and one --profile');
    }
    const options = {
      ...base,
      scenario,
      profile: base.profiles[0] ?? 'external',
      sloP95Ms: numberFlag('slo-p95', values['slo-p95'], CAPACITY_DEFAULTS.sloP95Ms, { min: 0.001 }),
      maxErrorPct: numberFlag('max-errors', values['max-errors'], CAPACITY_DEFAULTS.maxErrorPct, { min: 0, max: 100 }),
      maxConnections: numberFlag('max-connections', values['max-connections'], CAPACITY_DEFAULTS.maxConnections, { min: 10, max: 10_000, integer: true }),
    };
    const opts = resolveLoadOptions(base);
    const { result, env, interrupted } = await runWithProgress(opts, values.json, (hooks) => runCapacity(options, hooks));
    if (values.json) {
      writeLoadFile(values.json, opts, result.records, [result.capacity], env);
      process.stderr.write(`wrote ${values.json}\n`);
    }
    process.stdout.write(capacityTable(result.capacity));
    for (const c of env.caveats) process.stdout.write(`note: ${c}\n`);
    if (interrupted) return 130;
    return result.capacity.status === 'ok' ? 0 : 1;
  },
});
