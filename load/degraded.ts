import type { LoadTrial } from '../lib/records/load.ts';
import { pooledErrorPct } from './aggregate.ts';
import { builtinScenario, SCENARIOS, type ScenarioDef } from './scenarios.ts';

/**
 * The error budget of a built-in scenario: its requests all expect 2xx from the fixture
 * server, so an arm whose non-2xx answers, connection errors and timeouts pass 1 % of its
 * attempts measured an overloaded or broken server, not the configuration. Such an arm is
 * 'degraded': shown with its reason, and left out of every verdict (the ledger, the charts,
 * compare's rps and latency). A scenario file's own `maxErrorPct` fails the arm instead.
 */
export const BUILT_IN_ERROR_BUDGET_PCT = 1;

/** A scenario of the suite's own (the built-ins and the mix-wNN sweep), not one from a scenario file. */
export function isBuiltInScenario(s: Pick<ScenarioDef, 'name' | 'maxErrorPct'>): boolean {
  if (s.maxErrorPct !== undefined) return false;
  return (
    SCENARIOS.some((x) => x.name === s.name) || (/^mix-w\d+$/.test(s.name) && builtinScenario(s.name) !== undefined)
  );
}

/** Why a built-in arm is degraded (its pooled error share over the budget), or undefined. */
export function degradedReason(
  trials: readonly LoadTrial[],
  scenario: Pick<ScenarioDef, 'name' | 'maxErrorPct'>,
): string | undefined {
  if (trials.length === 0 || !isBuiltInScenario(scenario)) return undefined;
  const share = pooledErrorPct(trials);
  if (share <= BUILT_IN_ERROR_BUDGET_PCT) return undefined;
  const sum = (f: (t: LoadTrial) => number) => trials.reduce((s, t) => s + f(t), 0);
  return (
    `${share.toFixed(1)} % of requests failed (non-2xx ${sum((t) => t.non2xx)}, errors ${sum((t) => t.errors)}, ` +
    `timeouts ${sum((t) => t.timeouts)} of ${sum((t) => t.requests + t.errors + t.timeouts)} attempts), over the ` +
    `${BUILT_IN_ERROR_BUDGET_PCT} % a built-in arm allows: left out of every verdict`
  );
}
