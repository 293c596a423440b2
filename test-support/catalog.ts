import { builtinProfile, type Profile } from '../db/profiles.ts';
import { builtinScenario, type ScenarioDef } from '../load/scenarios.ts';

/** Built-in profiles by name, as the CLI's catalog hands them down (tests only). */
export const profiles = (...names: string[]): Profile[] => names.map((n) => builtinProfile(n));

/** Built-in scenarios by name (tests only); an unknown name fails the test at once. */
export const scenarios = (...names: string[]): ScenarioDef[] =>
  names.map((n) => {
    const s = builtinScenario(n);
    if (!s) throw new Error(`no built-in scenario '${n}'`);
    return s;
  });
