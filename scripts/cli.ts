import { readFileSync } from 'node:fs';
import { closestName, helpText, parseCommandArgs, type Command } from '../lib/cli-kit.ts';
import { UsageError } from '../lib/errors.ts';
import { CATALOG_FLAG } from '../lib/records/catalog-spec.ts';
import { builtinCatalog, catalogFromSpec } from '../catalog/catalog.ts';
import { openCatalog } from '../catalog/open.ts';
import type { CommandContext } from './context.ts';

/** Every command, loaded lazily so `loadlab serve` does not pay for the report renderer. */
export const COMMANDS: Record<string, { summary: string; load: () => Promise<Command<any, CommandContext>> }> = {
  init: {
    summary: 'Write a starter config, scenario file and perf workflow into your project',
    load: async () => (await import('./commands/init.ts')).command,
  },
  profiles: { summary: 'List the PRAGMA profiles', load: async () => (await import('./commands/profiles.ts')).command },
  seed: {
    summary: 'Build a deterministic database of the guide schema',
    load: async () => (await import('./commands/seed.ts')).command,
  },
  serve: {
    summary: 'Start the Hono fixture server on a database',
    load: async () => (await import('./commands/serve.ts')).command,
  },
  info: {
    summary: 'Describe any SQLite database without writing to it',
    load: async () => (await import('./commands/info.ts')).command,
  },
  tune: {
    summary: 'Find the best PRAGMAs and indexes for your own database and queries, with evidence',
    load: async () => (await import('./commands/tune.ts')).command,
  },
  optimize: {
    summary: "Apply a profile's file PRAGMAs and indexes, PRAGMA optimize, print the per-connection snippet",
    load: async () => (await import('./commands/optimize.ts')).command,
  },
  explain: {
    summary: 'EXPLAIN QUERY PLAN gate: flag full scans and temp b-trees',
    load: async () => (await import('./commands/explain.ts')).command,
  },
  backup: {
    summary: 'Verified online backup with timestamped names, gzip and retention',
    load: async () => (await import('./commands/backup.ts')).command,
  },
  restore: {
    summary: 'Restore a backup atomically after an integrity check',
    load: async () => (await import('./commands/restore.ts')).command,
  },
  maintain: {
    summary: 'Timed maintenance: optimize, analyze, vacuum, checkpoint',
    load: async () => (await import('./commands/maintain.ts')).command,
  },
  'backup-under-load': {
    summary: 'Backup while mix-80-20 runs: duration, write p99 during vs without, WAL growth, restore counts',
    load: async () => (await import('./commands/backup-under-load.ts')).command,
  },
  durability: {
    summary: 'Crash durability: SIGKILL the server mid-write, restart, audit acknowledged writes',
    load: async () => (await import('./commands/durability.ts')).command,
  },
  powerloss: {
    summary: 'Power loss, simulated: record every write and fsync, rebuild crash images at seeded cuts, audit each',
    load: async () => (await import('./commands/powerloss.ts')).command,
  },
  overload: {
    summary: 'Drive the server far beyond capacity: rps, p95, 503 share, memory',
    load: async () => (await import('./commands/overload.ts')).command,
  },
  bench: {
    summary: 'Microbenchmarks per operation and PRAGMA profile (tinybench)',
    load: async () => (await import('./commands/bench.ts')).command,
  },
  load: {
    summary: 'HTTP load (autocannon): scenarios x profiles, trials, HDR latency, write audit',
    load: async () => (await import('./commands/load.ts')).command,
  },
  capacity: {
    summary: 'Highest concurrency meeting a p95 SLO and an error budget',
    load: async () => (await import('./commands/capacity.ts')).command,
  },
  'import-k6': {
    summary: 'Merge k6 summaries from several instances into one load record',
    load: async () => (await import('./commands/import-k6.ts')).command,
  },
  run: {
    summary: 'The main job: seed, benchmarks, load, capacity, then REPORT.md and charts',
    load: async () => (await import('./commands/run.ts')).command,
  },
  report: {
    summary: 'Re-render REPORT.md and charts from a results.json',
    load: async () => (await import('./commands/report.ts')).command,
  },
  compare: {
    summary: 'Compare two results files; exit 1 on a significant regression',
    load: async () => (await import('./commands/compare.ts')).command,
  },
  ab: {
    summary: 'Interleaved A/B of two checkouts, alternating in short slices; exit 1 on a significant regression',
    load: async () => (await import('./commands/ab.ts')).command,
  },
  crossover: {
    summary:
      'SQLite vs PostgreSQL while sweeping concurrency, write share, data size and processes: where PostgreSQL overtakes',
    load: async () => (await import('./commands/crossover.ts')).command,
  },
  migrate: {
    summary: 'Copy a SQLite database into PostgreSQL, verified table by table (or rolled back)',
    load: async () => (await import('./commands/migrate.ts')).command,
  },
  calibrate: {
    summary: "Measure the ledger's noise bands here: N A/A runs per kind of metric, stored, then the bands file",
    load: async () => (await import('./commands/calibrate.ts')).command,
  },
  trend: {
    summary: 'Trend table and chart over several runs (month over month)',
    load: async () => (await import('./commands/trend.ts')).command,
  },
};

/**
 * The command list of `loadlab --help`, grouped by what a reader came for, the main job
 * first. Every command sits in exactly one group (scripts/cli.test.ts).
 */
export const COMMAND_GROUPS: readonly { title: string; commands: readonly string[] }[] = [
  { title: 'the main job', commands: ['run', 'report', 'trend'] },
  { title: 'the gate (pull requests, CI)', commands: ['ab', 'compare'] },
  { title: 'your own project and service', commands: ['init', 'load', 'import-k6'] },
  {
    title: 'one measurement at a time',
    commands: ['bench', 'capacity', 'durability', 'powerloss', 'overload', 'backup-under-load', 'calibrate'],
  },
  {
    title: 'operations on a database',
    commands: ['profiles', 'seed', 'serve', 'info', 'tune', 'optimize', 'explain', 'backup', 'restore', 'maintain'],
  },
  { title: 'PostgreSQL', commands: ['crossover', 'migrate'] },
];

function topHelp(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = COMMAND_GROUPS.flatMap((g) => [
    '',
    `${g.title}:`,
    ...g.commands.map((name) => `  ${name.padEnd(width)}  ${COMMANDS[name]!.summary}`),
  ]);
  return [
    'usage: loadlab <command> [options]',
    '       loadlab help <command>',
    '       loadlab --version',
    '',
    'Measures the SQLite production-tuning claims on this machine. Start with:',
    '  npx loadlab run --quick      # REPORT.md, charts and results.json; prints where they went',
    ...lines,
    '',
    "Run 'loadlab <command> --help' (or 'loadlab help <command>') for a command's options.",
    `Exit codes: 0 ok, 1 a check or gate failed, 2 usage or input error, ${EXIT_INTERNAL} internal error (a bug:`,
    '  rerun with LOADLAB_DEBUG=1 for the stack and report it).',
    '',
  ].join('\n');
}

/** What `loadlab` takes before a command. */
const TOP_FLAGS = ['--help', '--version'];

/** The version in package.json. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Runs the CLI and returns the exit code. Never throws. */
export async function main(argv: string[]): Promise<number> {
  // `loadlab help run` is `loadlab run --help`.
  if (argv[0] === 'help' && argv[1] !== undefined) argv = [argv[1], '--help'];
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(topHelp());
    return 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`loadlab ${version()}\n`);
    return 0;
  }
  const entry = COMMANDS[name];
  if (!entry) {
    const known = name.startsWith('-') ? TOP_FLAGS : Object.keys(COMMANDS);
    const guess = closestName(
      name.replace(/^-+/, ''),
      known.map((k) => k.replace(/^-+/, '')),
    );
    const shown = guess === undefined ? undefined : known.find((k) => k.replace(/^-+/, '') === guess);
    const what = name.startsWith('-') ? 'option' : 'command';
    const hint = shown ? `did you mean '${shown}'?` : "run 'loadlab --help' for the list";
    process.stderr.write(`error: unknown ${what} '${name}' (${hint})\n`);
    return 2;
  }
  try {
    const command = await entry.load();
    const { argv, spec } = takeCatalogSpec(rest);
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(await helpWithCatalog(command, argv));
      return 0;
    }
    const args = parseCommandArgs(command, argv);
    return await command.run(args, await contextFor(command, args.values as { config?: string }, spec));
  } catch (err) {
    return reportError(err);
  }
}

/** The hidden `--catalog SPEC` a parent process passes (lib/records/catalog-spec.ts), taken out of argv. */
function takeCatalogSpec(argv: string[]): { argv: string[]; spec: unknown } {
  const i = argv.indexOf(CATALOG_FLAG);
  if (i < 0) return { argv, spec: undefined };
  const text = argv[i + 1];
  if (text === undefined) throw new UsageError(`${CATALOG_FLAG} needs a value`);
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch {
    throw new UsageError(`${CATALOG_FLAG}: not JSON`);
  }
  return { argv: [...argv.slice(0, i), ...argv.slice(i + 2)], spec };
}

/**
 * The catalog, built once for the command: from a parent's spec when given; else, for a
 * command that takes --config, from that file or one found here; else the built-in one.
 */
async function contextFor(command: Command, values: { config?: string }, spec: unknown): Promise<CommandContext> {
  if (spec !== undefined) return { catalog: await catalogFromSpec(spec), config: null };
  if ((values as { 'no-config'?: boolean })['no-config']) return { catalog: builtinCatalog(), config: null };
  if (!('config' in command.options)) return { catalog: builtinCatalog(), config: null };
  return openCatalog(values.config);
}

/** --help, with the profile names of the catalog (a config file given or found here adds its own; a broken one is ignored here). */
async function helpWithCatalog(command: Command, argv: string[]): Promise<string> {
  if (!Object.values(command.options).some((f) => f.help.includes('{profiles}'))) return helpText(command);
  const at = argv.indexOf('--config');
  const catalog = await openCatalog(at >= 0 ? argv[at + 1] : undefined).then(
    (o) => o.catalog,
    () => builtinCatalog(),
  );
  const names = catalog.profileNames().join(', ');
  const options = Object.fromEntries(
    Object.entries(command.options).map(([k, f]) => [k, { ...f, help: f.help.replaceAll('{profiles}', names) }]),
  );
  return helpText({ ...command, options });
}

/** Exit code of a crash (a bug, not a failed check): distinct from 1 so a CI gate never reads a crash as a verdict. */
export const EXIT_INTERNAL = 3;

/** A user mistake is one line and exit 2; anything else is a bug: one line, exit 3, the stack with LOADLAB_DEBUG=1. */
export function reportError(err: unknown): number {
  if (err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`error: ${message.split('\n')[0]}\n`);
  if (process.env.LOADLAB_DEBUG && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  return EXIT_INTERNAL;
}
