import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.ts';

type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** One CLI command: its flags as data, its help text, and a run function returning an exit code. */
export interface Command<O extends OptionSpec = OptionSpec> {
  name: string;
  summary: string;
  usage: string;
  /** Extra help lines shown under the usage line. */
  details?: string;
  options: O;
  /** How many positional arguments it takes, [min, max]. Default [0, 0]. */
  positionals?: [number, number];
  run(args: ParsedArgs<O>): Promise<number>;
}

export interface ParsedArgs<O extends OptionSpec> {
  values: { [K in keyof O]?: O[K] extends { type: 'boolean' } ? boolean : string };
  positionals: string[];
}

/** Declares a command with its options typed from the spec. */
export function defineCommand<O extends OptionSpec>(command: Command<O>): Command<O> {
  return command;
}

export function helpText(command: Command): string {
  const lines = [`usage: ${command.usage}`, '', command.summary];
  if (command.details) lines.push('', command.details.trimEnd());
  return lines.join('\n') + '\n';
}

/** Parses argv strictly; unknown flags and missing values become a UsageError naming the flag. */
export function parseCommandArgs<O extends OptionSpec>(command: Command<O>, argv: string[]): ParsedArgs<O> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: command.options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(`${command.name}: ${cleanParseError(err)}`);
  }
  const [min, max] = command.positionals ?? [0, 0];
  const n = parsed.positionals.length;
  if (n < min || n > max) {
    const want = min === max ? `${min}` : `${min} to ${max}`;
    throw new UsageError(`${command.name}: expected ${want} argument(s), got ${n} (usage: ${command.usage})`);
  }
  return parsed as unknown as ParsedArgs<O>;
}

function cleanParseError(err: unknown): string {
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0]!.replace(/\. To specify a positional argument.*$/, '');
}

/** Parses a number flag; names the flag in the error. */
export function numberFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  opts: { min?: number; max?: number; integer?: boolean } = {},
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) throw new UsageError(`--${name} must be a number, got '${raw}'`);
  if (opts.integer && !Number.isInteger(value)) throw new UsageError(`--${name} must be a whole number, got '${raw}'`);
  if (opts.min !== undefined && value < opts.min) throw new UsageError(`--${name} must be at least ${opts.min}, got ${raw}`);
  if (opts.max !== undefined && value > opts.max) throw new UsageError(`--${name} must be at most ${opts.max}, got ${raw}`);
  return value;
}

/** Splits a comma list flag, rejecting empty entries. */
export function listFlag(name: string, raw: string | undefined, fallback: string[]): string[] {
  if (raw === undefined) return fallback;
  const items = raw.split(',').map((s) => s.trim());
  if (items.length === 0 || items.some((s) => s === '')) throw new UsageError(`--${name} must be a comma-separated list, got '${raw}'`);
  return items;
}

/** The value of a required flag, or a UsageError naming it. */
export function requireFlag(commandName: string, name: string, raw: string | undefined): string {
  if (raw === undefined || raw === '') throw new UsageError(`${commandName}: --${name} is required`);
  return raw;
}
