import { parseArgs } from 'node:util';
import { UsageError } from './errors.ts';

interface FlagCommon {
  /** What the flag does, for --help; a '\n' starts a new line. */
  help: string;
  /** A one-letter alias: 'q' for -q. */
  short?: string;
}

interface ValueFlag extends FlagCommon {
  /** The value's name in usage and help: N, MS, FILE, A[,B]. */
  value: string;
  /** The flag must be given, with a non-empty value. */
  required?: boolean;
  /** The default as help shows it, for a flag whose default the command works out itself. */
  defaultText?: string;
}

/** Bounds of a number flag, checked when the command line is parsed. */
export interface NumberBounds {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** A switch: true when given, absent otherwise. */
export interface BooleanFlag extends FlagCommon {
  kind: 'boolean';
}
export interface StringFlag extends ValueFlag {
  kind: 'string';
  default?: string;
}
/** A comma-separated list; empty entries are refused. */
export interface ListFlag extends ValueFlag {
  kind: 'list';
  default?: readonly string[];
}
export interface NumberFlag extends ValueFlag, NumberBounds {
  kind: 'number';
  default?: number;
}
/** A comma-separated list of numbers, each within the bounds. */
export interface NumberListFlag extends ValueFlag, NumberBounds {
  kind: 'numbers';
  default?: readonly number[];
}

/**
 * Everything about one flag, declared once: the parser's type follows from `kind`, usage and
 * --help are generated from it, and the default and bounds are applied when parsing.
 */
export type Flag = BooleanFlag | StringFlag | ListFlag | NumberFlag | NumberListFlag;
export type Flags = Record<string, Flag>;

type FlagValue<F extends Flag> = F extends { kind: 'boolean' }
  ? boolean
  : F extends { kind: 'number' }
    ? number
    : F extends { kind: 'list' }
      ? string[]
      : F extends { kind: 'numbers' }
        ? number[]
        : string;

/** A flag with a default or marked required always has a value after parsing. */
type AlwaysSet<F> = F extends { required: true }
  ? true
  : F extends { default: infer D }
    ? undefined extends D
      ? false
      : true
    : false;

/** Parsed flag values, typed from the declarations: numbers are numbers, lists are arrays. */
export type FlagValues<O extends Flags> = {
  -readonly [K in keyof O as AlwaysSet<O[K]> extends true ? K : never]: FlagValue<O[K]>;
} & {
  -readonly [K in keyof O as AlwaysSet<O[K]> extends true ? never : K]?: FlagValue<O[K]>;
};

/**
 * One CLI command: its flags as data, its help text, and a run function returning an exit
 * code. `C` is what the CLI's entry hands every command besides its arguments (the catalog).
 */
export interface Command<O extends Flags = Flags, C = unknown> {
  name: string;
  summary: string;
  /** Positional arguments as the usage line shows them: 'DB', 'BACKUP DB', 'FILE...'. */
  args?: string;
  /** Prose shown after the options: notes, exit codes, examples. Never a list of flags. */
  details?: string;
  options: O;
  /** How many positional arguments it takes, [min, max]. Default [0, 0]. */
  positionals?: [number, number];
  run(args: ParsedArgs<O>, context: C): Promise<number>;
}

export interface ParsedArgs<O extends Flags> {
  values: FlagValues<O>;
  positionals: string[];
}

/** Declares a command with its values typed from the flag declarations. */
export function defineCommand<O extends Flags, C = unknown>(command: Command<O, C>): Command<O, C> {
  return command;
}

/** Declares flags shared by several commands, keeping their literal types. */
export function defineFlags<O extends Flags>(flags: O): O {
  return flags;
}

const WIDTH = 100;

/** `--name VALUE`, or `--name` for a switch. */
function flagSyntax(name: string, flag: Flag): string {
  return flag.kind === 'boolean' ? `--${name}` : `--${name} ${flag.value}`;
}

/** The usage line, generated from the declarations: required flags first, then the optional ones. */
export function usageText(command: Command, width = WIDTH): string {
  const head = `usage: loadlab ${command.name}${command.args ? ` ${command.args}` : ''}`;
  const entries = Object.entries(command.options);
  const isRequired = (f: Flag) => f.kind !== 'boolean' && f.required === true;
  const words = [
    ...entries.filter(([, f]) => isRequired(f)).map(([n, f]) => flagSyntax(n, f)),
    ...entries.filter(([, f]) => !isRequired(f)).map(([n, f]) => `[${flagSyntax(n, f)}]`),
  ];
  const indent = ' '.repeat(Math.min(`usage: loadlab ${command.name} `.length, 32));
  const lines = [head];
  for (const word of words) {
    const last = lines[lines.length - 1]!;
    if (last.length + 1 + word.length > width) lines.push(indent + word);
    else lines[lines.length - 1] = `${last} ${word}`;
  }
  return lines.join('\n');
}

/** The short form used in one-line errors: `loadlab backup DB --dir DIR [options]`. */
export function shortUsage(command: Command): string {
  const required = Object.entries(command.options).filter(([, f]) => f.kind !== 'boolean' && f.required);
  const parts = [`loadlab ${command.name}`, command.args, ...required.map(([n, f]) => flagSyntax(n, f))];
  if (required.length < Object.keys(command.options).length) parts.push('[options]');
  return parts.filter(Boolean).join(' ');
}

function showDefault(flag: Flag): string | undefined {
  if (flag.kind === 'boolean') return undefined;
  if (flag.default === undefined) return flag.defaultText;
  const text = Array.isArray(flag.default) ? flag.default.join(',') : String(flag.default);
  return text === '' ? undefined : text;
}

/** Word-wraps a paragraph to `width` columns, continuation lines indented by `indent`. */
function wrap(text: string, indent: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ')) {
      if (line !== '' && indent + line.length + 1 + word.length > width) {
        lines.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** The options section, one entry per declared flag with its help, default and required mark. */
export function optionsText(command: Command, width = WIDTH): string {
  const rows = Object.entries(command.options).map(([name, flag]) => {
    const label = (flag.short ? `-${flag.short}, ` : '') + flagSyntax(name, flag);
    const fallback = showDefault(flag);
    const required = flag.kind !== 'boolean' && flag.required ? ' [required]' : '';
    // No-break spaces keep a short '[default: X]' on one line when wrapped.
    const shown = fallback === undefined ? '' : ` [default: ${fallback}]`;
    return { label, help: flag.help + (shown.length <= 40 ? shown.replace(/(?<=.) /g, '\u00a0') : shown) + required };
  });
  rows.push({ label: '-h, --help', help: 'print this help' });
  const column = Math.min(Math.max(...rows.map((r) => r.label.length)), 24) + 4;
  const lines = ['options:'];
  for (const { label, help } of rows) {
    const body = wrap(help, column, width);
    const first = `  ${label}`;
    if (first.length + 2 > column) lines.push(first);
    else lines.push(first.padEnd(column) + body.shift()!);
    for (const l of body) lines.push(' '.repeat(column) + l);
  }
  return lines.join('\n').replaceAll('\u00a0', ' ');
}

/** The whole --help page: usage, summary, options, then the free-text details. */
export function helpText(command: Command): string {
  const lines = [usageText(command), '', ...wrap(command.summary, 0, WIDTH), '', optionsText(command)];
  if (command.details) lines.push('', command.details.trimEnd());
  return lines.join('\n') + '\n';
}

/** Parses argv strictly into typed values: unknown flags, missing values and bad numbers are a UsageError. */
/**
 * Spellings every command accepts for the flag it declares: `--profiles` where `--profile`
 * is declared and the reverse (one is documented, both work).
 */
const SYNONYMS: readonly (readonly [string, string])[] = [['profile', 'profiles']];

function withSynonyms(options: Flags, argv: string[]): string[] {
  const rename = new Map<string, string>();
  for (const [a, b] of SYNONYMS) {
    if (a in options && !(b in options)) rename.set(b, a);
    if (b in options && !(a in options)) rename.set(a, b);
  }
  if (rename.size === 0) return argv;
  return argv.map((arg) => {
    if (arg === '--') return arg;
    const m = /^--([^=]+)(=.*)?$/.exec(arg);
    const to = m ? rename.get(m[1]!) : undefined;
    return to ? `--${to}${m![2] ?? ''}` : arg;
  });
}

export function parseCommandArgs<O extends Flags>(command: Command<O>, argv: string[]): ParsedArgs<O> {
  argv = withSynonyms(command.options, argv);
  const spec = Object.fromEntries(
    Object.entries(command.options).map(([name, f]) => {
      const type = f.kind === 'boolean' ? ('boolean' as const) : ('string' as const);
      return [name, { type, ...(f.short ? { short: f.short } : {}) }];
    }),
  );
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: spec, allowPositionals: true, strict: true });
  } catch (err) {
    const text = cleanParseError(err, Object.keys(command.options));
    throw new UsageError(/ needs a value$/.test(text) ? text : `${command.name}: ${text}`);
  }
  const [min, max] = command.positionals ?? [0, 0];
  const n = parsed.positionals.length;
  if (n < min || n > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new UsageError(`${command.name}: expected ${want} argument(s), got ${n} (usage: ${shortUsage(command)})`);
  }
  const raw = parsed.values as Record<string, string | boolean | undefined>;
  const values: Record<string, unknown> = {};
  for (const [name, flag] of Object.entries(command.options)) {
    const value = flagValue(command.name, name, flag, raw[name]);
    if (value !== undefined) values[name] = value;
  }
  return { values: values as FlagValues<O>, positionals: parsed.positionals };
}

function flagValue(commandName: string, name: string, flag: Flag, raw: string | boolean | undefined): unknown {
  if (flag.kind === 'boolean') return raw;
  const text = raw as string | undefined;
  if (flag.required && (text === undefined || text === '')) {
    throw new UsageError(`${commandName}: --${name} is required`);
  }
  if (text === undefined) return Array.isArray(flag.default) ? [...flag.default] : flag.default;
  switch (flag.kind) {
    case 'string':
      return text;
    case 'list':
      return listValue(name, text);
    case 'number':
      return numberValue(name, text, flag);
    case 'numbers':
      return listValue(name, text).map((item) => numberValue(name, item, flag));
  }
}

function cleanParseError(err: unknown, known: string[]): string {
  const msg = (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
  const unknown = /^Unknown option '(-[^']*)'/.exec(msg)?.[1];
  if (unknown !== undefined) {
    const name = unknown.replace(/^--?/, '').replace(/=.*$/, '');
    const suggestion = unknown.startsWith('--') ? closestName(name, known) : undefined;
    return `unknown option '${unknown}'${suggestion ? ` (did you mean '--${suggestion}'?)` : ''}`;
  }
  // node's "Option '--out <value>' argument missing" and "Option '--out' argument is
  // ambiguous" (the next word is a flag): the usual one line.
  const missing = /^Option '(-[\w-]+|-\w, --[\w-]+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(msg)?.[1];
  if (missing !== undefined) return `${missing.split(', ').pop()} needs a value`;
  return msg.replace(/\. To specify a positional argument.*$/, '');
}

/** A number within the bounds; the error names the flag. */
function numberValue(name: string, raw: string, bounds: NumberBounds): number {
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got '${raw}'`);
  if (bounds.integer && !Number.isInteger(value)) {
    throw new UsageError(`--${name} must be a whole number, got '${raw}'`);
  }
  if (bounds.min !== undefined && value < bounds.min) {
    throw new UsageError(`--${name} must be at least ${bounds.min}, got ${raw}`);
  }
  if (bounds.max !== undefined && value > bounds.max) {
    throw new UsageError(`--${name} must be at most ${bounds.max}, got ${raw}`);
  }
  return value;
}

/** Splits a comma list, refusing empty entries. */
function listValue(name: string, raw: string): string[] {
  const items = raw.split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw new UsageError(`--${name} must be a comma-separated list, got '${raw}'`);
  return items;
}

/** Edit distance (insertions, deletions, substitutions). */
export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + cost));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/**
 * The candidate a mistyped name most likely meant: within edit distance 2, or one the input
 * is a prefix of (2+ characters); the nearest wins, then the first listed.
 */
export function closestName(input: string, candidates: readonly string[]): string | undefined {
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    const distance = levenshtein(input, name);
    const near = distance <= 2 || (input.length >= 2 && name.startsWith(input));
    if (near && (best === undefined || distance < best.distance)) best = { name, distance };
  }
  return best?.name;
}
