/**
 * What `tune` may choose, as data: each setting's values, and the durability the user
 * asks for as a rule over (journal_mode, synchronous) pairs, so the search never trades
 * durability away: a configuration outside the rule is never measured.
 *
 * Durability, from SQLite's documentation of PRAGMA synchronous:
 * - full: a commit that returned survives a power cut. WAL needs synchronous=FULL; a rollback
 *   journal needs EXTRA (FULL can leave the unlinked journal to roll the last commit back).
 * - normal: the file is never corrupted by a power cut, though the last commits may roll
 *   back; every setting survives an application crash. WAL with NORMAL or more; a rollback
 *   journal with FULL or more (NORMAL there can corrupt on a power cut at the wrong moment).
 * - off: anything, synchronous=OFF included (a power cut can corrupt the file).
 */
export type Durability = 'full' | 'normal' | 'off';
export const DURABILITIES: readonly Durability[] = ['full', 'normal', 'off'];

export type JournalMode = 'delete' | 'wal';

/** One configuration: a value for every setting `tune` searches. */
export interface Settings {
  journal_mode: JournalMode;
  /** 0 OFF, 1 NORMAL, 2 FULL, 3 EXTRA. */
  synchronous: 0 | 1 | 2 | 3;
  /** Negative: KiB. */
  cache_size: number;
  mmap_size: number;
  /** 0 DEFAULT, 1 FILE, 2 MEMORY. */
  temp_store: 0 | 1 | 2;
  /** Bytes per page; changes only through VACUUM, so each value is its own copy of the file. */
  page_size: number;
}

/** The settings searched one value at a time; the journal is journal_mode and synchronous together. */
export type Dimension = 'journal' | 'cache_size' | 'mmap_size' | 'temp_store' | 'page_size';
export const DIMENSIONS: readonly Dimension[] = ['journal', 'page_size', 'cache_size', 'mmap_size', 'temp_store'];

export const JOURNALS: readonly (readonly [JournalMode, Settings['synchronous']])[] = [
  ['wal', 1],
  ['wal', 2],
  ['delete', 2],
  ['delete', 3],
  ['wal', 0],
  ['delete', 1],
  ['delete', 0],
];

export const SPACE = {
  cache_size: [-2000, -16000, -64000],
  mmap_size: [0, 268_435_456],
  temp_store: [0, 2] as const,
  page_size: [4096, 8192, 16384],
} as const;

/** Whether (journal_mode, synchronous) meets the durability asked for. */
export function meetsDurability(s: Pick<Settings, 'journal_mode' | 'synchronous'>, d: Durability): boolean {
  if (d === 'off') return true;
  if (s.journal_mode === 'wal') return s.synchronous >= (d === 'full' ? 2 : 1);
  return s.synchronous >= (d === 'full' ? 3 : 2);
}

/** Every configuration the durability allows, in a fixed order (the same run after run). */
export function searchSpace(d: Durability, current: Settings): Settings[] {
  const pageSizes = unique([...SPACE.page_size, current.page_size]);
  const caches = unique([...SPACE.cache_size, current.cache_size]);
  const out: Settings[] = [];
  for (const [journal_mode, synchronous] of JOURNALS) {
    if (!meetsDurability({ journal_mode, synchronous }, d)) continue;
    for (const page_size of pageSizes)
      for (const cache_size of caches)
        for (const mmap_size of SPACE.mmap_size)
          for (const temp_store of SPACE.temp_store)
            out.push({ journal_mode, synchronous, cache_size, mmap_size, temp_store, page_size });
  }
  return out;
}

/**
 * One setting varied at a time around a base (the first journal the durability allows, your
 * other values): what a budget too small for every combination can afford.
 */
export function reducedSpace(d: Durability, current: Settings): Settings[] {
  const journals = JOURNALS.filter(([journal_mode, synchronous]) => meetsDurability({ journal_mode, synchronous }, d));
  const [jm, sync] = journals[0]!;
  const base: Settings = { ...current, journal_mode: jm, synchronous: sync };
  const out = new Map<string, Settings>([[settingsKey(base), base]]);
  const add = (s: Settings) => out.set(settingsKey(s), s);
  for (const [journal_mode, synchronous] of journals) add({ ...base, journal_mode, synchronous });
  for (const page_size of unique([...SPACE.page_size, current.page_size])) add({ ...base, page_size });
  for (const cache_size of unique([...SPACE.cache_size, current.cache_size])) add({ ...base, cache_size });
  for (const mmap_size of SPACE.mmap_size) add({ ...base, mmap_size });
  for (const temp_store of SPACE.temp_store) add({ ...base, temp_store });
  return [...out.values()];
}

function unique(values: readonly number[]): number[] {
  return [...new Set(values)];
}

/** A stable key of a configuration. */
export function settingsKey(s: Settings): string {
  return `${s.journal_mode}/${s.synchronous}/c${s.cache_size}/m${s.mmap_size}/t${s.temp_store}/p${s.page_size}`;
}

const SYNC_NAMES = ['off', 'normal', 'full', 'extra'] as const;
const TEMP_NAMES = ['default', 'file', 'memory'] as const;

export function mib(bytes: number): string {
  return bytes % 1_048_576 === 0 ? `${bytes / 1_048_576} MiB` : `${(bytes / 1_048_576).toFixed(1)} MiB`;
}

/** One setting's value as a reader says it. */
export function dimensionText(s: Settings, d: Dimension): string {
  switch (d) {
    case 'journal':
      return `${s.journal_mode.toUpperCase()} + synchronous ${SYNC_NAMES[s.synchronous]}`;
    case 'cache_size':
      return s.cache_size < 0 ? `cache ${mib(-s.cache_size * 1024)}` : `cache ${s.cache_size} pages`;
    case 'mmap_size':
      return s.mmap_size === 0 ? 'mmap off' : `mmap ${mib(s.mmap_size)}`;
    case 'temp_store':
      return `temp_store ${TEMP_NAMES[s.temp_store]}`;
    case 'page_size':
      return `page ${s.page_size} B`;
  }
}

/** A configuration in one line. */
export function settingsText(s: Settings): string {
  return DIMENSIONS.map((d) => dimensionText(s, d)).join(', ');
}

/** `s` with one dimension taken from `from`. */
export function withDimension(s: Settings, d: Dimension, from: Settings): Settings {
  if (d === 'journal') return { ...s, journal_mode: from.journal_mode, synchronous: from.synchronous };
  return { ...s, [d]: from[d] };
}

export function sameDimension(a: Settings, b: Settings, d: Dimension): boolean {
  if (d === 'journal') return a.journal_mode === b.journal_mode && a.synchronous === b.synchronous;
  return a[d] === b[d];
}

/** The PRAGMAs a connection runs for these settings, in the order SQLite needs (journal first, then synchronous). */
export function pragmaStatements(s: Settings): string[] {
  return [
    `journal_mode = ${s.journal_mode}`,
    `synchronous = ${s.synchronous}`,
    `cache_size = ${s.cache_size}`,
    `mmap_size = ${s.mmap_size}`,
    `temp_store = ${s.temp_store}`,
  ];
}

/** The custom-profile `pragmas` of these settings (page_size is the file's: it is not a connection PRAGMA). */
export function profilePragmas(s: Settings, busyTimeoutMs: number): Record<string, string | number> {
  return {
    journal_mode: s.journal_mode,
    synchronous: SYNC_NAMES[s.synchronous],
    cache_size: s.cache_size,
    mmap_size: s.mmap_size,
    temp_store: TEMP_NAMES[s.temp_store],
    busy_timeout: busyTimeoutMs,
  };
}
