import { builtinProfile, type Profile } from '../db/profiles.ts';

/**
 * One tuned PRAGMA (or the indexes) as data: how to copy it from one profile onto
 * another. An arm is a base profile with exactly one toggle copied from the other end.
 */
export interface Toggle {
  name: string;
  summary: string;
  /** The base profile with this setting taken from `from`. */
  apply(base: Profile, from: Profile): Profile;
}

const connection =
  (key: keyof Profile['connection']) =>
  (base: Profile, from: Profile): Profile => ({
    ...base,
    connection: { ...base.connection, [key]: from.connection[key] },
  });

export const TOGGLES: Toggle[] = [
  {
    name: 'wal',
    summary: 'journal_mode WAL vs DELETE (a file PRAGMA: its own seeded file)',
    apply: (base, from) => ({ ...base, file: { ...base.file, journal_mode: from.file.journal_mode } }),
  },
  { name: 'normal', summary: 'synchronous NORMAL vs FULL', apply: connection('synchronous') },
  { name: 'cache', summary: 'cache_size -64000 (64 MB) vs -2000', apply: connection('cache_size') },
  { name: 'temp_store', summary: 'temp_store MEMORY vs DEFAULT', apply: connection('temp_store') },
  { name: 'mmap', summary: 'mmap_size 256 MB vs 0', apply: connection('mmap_size') },
  {
    name: 'indexes',
    summary: "the guide's five indexes vs primary keys only (its own seeded file)",
    apply: (base, from) => ({ ...base, indexes: [...from.indexes] }),
  },
];

export type Direction = 'enable-on-untuned' | 'disable-on-tuned';

export interface Arm {
  direction: Direction;
  toggle: string;
  base: Profile;
  profile: Profile;
}

/**
 * The ablation design: from `untuned` switch one toggle on, from `tuned` switch one off.
 * synchronous is set explicitly in every arm (both ends set it), because better-sqlite3
 * turns WAL into synchronous=NORMAL when it was never set, which would fold `normal` into `wal`.
 */
export function ablationArms(
  toggleNames?: readonly string[],
  low = builtinProfile('untuned'),
  high = builtinProfile('tuned'),
): Arm[] {
  const toggles = toggleNames ? TOGGLES.filter((t) => toggleNames.includes(t.name)) : TOGGLES;
  const arms: Arm[] = [];
  for (const t of toggles) {
    arms.push({
      direction: 'enable-on-untuned',
      toggle: t.name,
      base: low,
      profile: named(t.apply(low, high), `${low.name}+${t.name}`),
    });
  }
  for (const t of toggles) {
    arms.push({
      direction: 'disable-on-tuned',
      toggle: t.name,
      base: high,
      profile: named(t.apply(high, low), `${high.name}-${t.name}`),
    });
  }
  for (const arm of arms) {
    if (arm.profile.connection.synchronous === undefined)
      throw new Error(`ablation arm ${arm.profile.name} leaves synchronous unset`);
  }
  return arms;
}

function named(p: Profile, name: string): Profile {
  return { ...p, name, description: `ablation arm ${name}` };
}

/** The toggle name of an identity arm: nothing is copied, the arm is its base. */
export const IDENTITY = 'identity';

/**
 * A/A arms (`loadlab calibrate`): each base against itself under the arm's name, so it gets
 * its own copy and connection as every real arm does, and nothing else differs. What such an
 * arm measures is the ablation's noise.
 */
export function identityArms(low = builtinProfile('untuned'), high = builtinProfile('tuned')): Arm[] {
  return [
    { direction: 'enable-on-untuned', toggle: IDENTITY, base: low, profile: named(low, `${low.name}+${IDENTITY}`) },
    { direction: 'disable-on-tuned', toggle: IDENTITY, base: high, profile: named(high, `${high.name}-${IDENTITY}`) },
  ];
}
