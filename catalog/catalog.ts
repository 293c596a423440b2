/**
 * The catalog: every profile and scenario a command may name (built-in, experiment and
 * custom SQLite profiles, PostgreSQL profiles, built-in and user scenarios), built once at
 * the CLI's door (scripts/cli.ts) from the config file and scenario files, then handed down
 * as objects. Nothing below looks a name up in a registry of its own; a child process gets
 * the same catalog from its spec (lib/records/catalog-spec.ts), read here and only here.
 */
import { UsageError } from '../lib/errors.ts';
import { CatalogSpec, BUILTIN_SPEC } from '../lib/records/catalog-spec.ts';
import { buildCustomProfile } from '../db/custom-profiles.ts';
import { findBuiltinProfile, PROFILES, type Profile } from '../db/profiles.ts';
import { builtinIndex } from '../db/schema.ts';
import { PG_PROFILES, type PgProfile } from '../pg/profiles.ts';
import { builtinScenario, scenarioNames, type ScenarioDef } from '../load/scenarios.ts';
import { readUserScenario } from '../load/user-scenario/read.ts';

export interface ListedProfile {
  profile: Profile;
  /** 'built-in', or the config file that defined it. */
  source: string;
}

export interface Catalog {
  /** What a child process needs to build this catalog again. */
  readonly spec: CatalogSpec;
  /** The profiles `profiles` lists: built-in, then custom (experiment profiles are accepted, not listed). */
  readonly listed: readonly ListedProfile[];
  /** Scenarios from scenario files, in the order given. */
  readonly userScenarios: readonly ScenarioDef[];
  /** A SQLite profile by name, or a UsageError listing the known ones. */
  profile(name: string): Profile;
  findProfile(name: string): Profile | undefined;
  /** Names of the listed SQLite profiles. */
  profileNames(): string[];
  /** A PostgreSQL profile by name, or a UsageError listing the known ones. */
  pgProfile(name: string): PgProfile;
  isPgProfile(name: string): boolean;
  /** A scenario by name (built-in, mix-wNN or a scenario file's), or a UsageError listing the known ones. */
  scenario(name: string): ScenarioDef;
  findScenario(name: string): ScenarioDef | undefined;
  /** This catalog with more scenario files (a command's --scenario-file). */
  withScenarioFiles(files: readonly string[]): Promise<Catalog>;
}

/** Custom profiles from their definitions: names new, indexes new, bad input a UsageError naming the key. */
function buildCustom(spec: CatalogSpec): ListedProfile[] {
  const built: Profile[] = [];
  const taken = (name: string) =>
    builtinIndex(name) !== undefined || built.some((b) => b.indexes.some((i) => i.name === name));
  for (const [name, def] of Object.entries(spec.customProfiles)) {
    if (findBuiltinProfile(name)) throw new UsageError(`customProfiles.${name}: '${name}' is a built-in profile name`);
    built.push(buildCustomProfile(name, def, findBuiltinProfile, taken).profile);
  }
  return built.map((profile) => ({ profile, source: spec.source ?? 'config' }));
}

function makeCatalog(spec: CatalogSpec, userScenarios: ScenarioDef[]): Catalog {
  const custom = buildCustom(spec);
  const listed: ListedProfile[] = [...PROFILES.map((profile) => ({ profile, source: 'built-in' })), ...custom];
  const findProfile = (name: string) =>
    findBuiltinProfile(name) ?? custom.find((c) => c.profile.name === name)?.profile;
  const profileNames = () => listed.map((l) => l.profile.name);
  const findScenario = (name: string) => builtinScenario(name) ?? userScenarios.find((s) => s.name === name);
  const catalog: Catalog = {
    spec,
    listed,
    userScenarios,
    findProfile,
    profileNames,
    profile(name) {
      const p = findProfile(name);
      if (!p) throw new UsageError(`unknown profile '${name}' (known: ${profileNames().join(', ')})`);
      return p;
    },
    isPgProfile: (name) => PG_PROFILES.some((p) => p.name === name),
    pgProfile(name) {
      const p = PG_PROFILES.find((x) => x.name === name);
      if (!p)
        throw new UsageError(
          `unknown PostgreSQL profile '${name}' (known: ${PG_PROFILES.map((x) => x.name).join(', ')})`,
        );
      return p;
    },
    findScenario,
    scenario(name) {
      const s = findScenario(name);
      if (!s) {
        const known = [...scenarioNames(), ...userScenarios.map((u) => u.name)].join(', ');
        throw new UsageError(`unknown scenario '${name}' (known: ${known}, or mix-wNN for NN % writes)`);
      }
      return s;
    },
    async withScenarioFiles(files) {
      return catalogFromSpec({ ...spec, scenarioFiles: [...spec.scenarioFiles, ...files] });
    },
  };
  return catalog;
}

/**
 * The catalog a spec describes: the one place a spec is read (the CLI's entry builds its
 * own from the config file through this too). Scenario files are read here; a later file
 * with the name of an earlier one replaces it.
 */
export async function catalogFromSpec(input: unknown): Promise<Catalog> {
  const parsed = CatalogSpec.safeParse(input);
  if (!parsed.success) throw new UsageError(`--catalog: not a catalog spec (${parsed.error.issues[0]!.message})`);
  const spec = parsed.data;
  const scenarios: ScenarioDef[] = [];
  for (const file of spec.scenarioFiles) {
    const def = await readUserScenario(file);
    const i = scenarios.findIndex((s) => s.name === def.name);
    if (i >= 0) scenarios.splice(i, 1);
    scenarios.push(def);
  }
  return makeCatalog(spec, scenarios);
}

/** The catalog with built-in profiles and scenarios only (no config file, no scenario file). */
export function builtinCatalog(): Catalog {
  return makeCatalog(BUILTIN_SPEC, []);
}
