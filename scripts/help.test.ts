import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { CLI_BIN } from '../lib/server-process.ts';
import { closestName, type Command, type Flag } from '../lib/cli-kit.ts';
import { COMMANDS, main } from './cli.ts';
import { builtinCatalog } from '../catalog/catalog.ts';

/** Runs the real CLI entry in this process, capturing what it writes. */
async function loadlab(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  try {
    return { code: await main(argv), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const syntax = (name: string, flag: Flag) => (flag.kind === 'boolean' ? `--${name}` : `--${name} ${flag.value}`);
const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The usage block (the first lines, up to the blank line) and each option's entry, whitespace squashed. */
function sections(help: string): { usage: string; entries: Map<string, string> } {
  const [usage = '', , ...rest] = help.split('\n\n');
  const options = rest.find((block) => block.startsWith('options:\n')) ?? '';
  const entries = new Map<string, string>();
  let current: string | undefined;
  for (const line of options.split('\n').slice(1)) {
    const start = /^ {2}(?:-\w, )?(--[a-z][a-z0-9-]*)/.exec(line);
    if (start) entries.set((current = start[1]!), '');
    if (current) entries.set(current, squash(`${entries.get(current)} ${line}`));
  }
  return { usage, entries };
}

describe('every command documents every declared flag, generated from the declarations', () => {
  it.each(Object.keys(COMMANDS))('%s --help', async (name) => {
    const command: Command = await COMMANDS[name]!.load();
    const r = await loadlab([name, '--help']);
    expect(r.code).toBe(0);
    const { usage, entries } = sections(r.stdout);
    const declared = Object.entries(command.options);

    expect(usage).toMatch(new RegExp(`^usage: loadlab ${name}\\b`));
    // The usage line names exactly the declared flags, each with its value name, nothing else.
    const inUsage = [...usage.matchAll(/--[a-z][a-z0-9-]*/g)].map((m) => m[0]);
    expect(inUsage.sort()).toEqual(declared.map(([n]) => `--${n}`).sort());
    for (const [flag, decl] of declared) {
      const required = decl.kind !== 'boolean' && decl.required;
      expect(usage).toContain(required ? ` ${syntax(flag, decl)}` : `[${syntax(flag, decl)}]`);
    }

    // The options section has one entry per declared flag (plus --help), with its help and default.
    expect([...entries.keys()].sort()).toEqual([...declared.map(([n]) => `--${n}`), '--help'].sort());
    for (const [flag, decl] of declared) {
      const entry = entries.get(`--${flag}`)!;
      expect(entry.startsWith(syntax(flag, decl) + ' ')).toBe(true);
      // `{profiles}` is filled in from the catalog (no config file here: the built-in names).
      expect(entry).toContain(squash(decl.help.replaceAll('{profiles}', builtinCatalog().profileNames().join(', '))));
      if (decl.kind !== 'boolean' && decl.default !== undefined) {
        const shown = Array.isArray(decl.default) ? decl.default.join(',') : String(decl.default);
        expect(entry).toContain(`[default: ${shown}]`);
      }
    }

    expect(r.stdout).not.toContain('{profiles}');

    // The free text holds prose only: no hand-written flag lines to drift from the declarations.
    expect(command.details ?? '').not.toMatch(/^ {2,}--[a-z]/m);
  });
});

describe('loadlab --version', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

  it.each(['--version', '-V'])('%s prints the package.json version and exits 0', async (flag) => {
    const r = await loadlab([flag]);
    expect(r).toEqual({ code: 0, stdout: `loadlab ${pkg.version}\n`, stderr: '' });
  });

  it('works through bin/loadlab.js too', () => {
    const r = spawnSync(process.execPath, [CLI_BIN, '--version'], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`loadlab ${pkg.version}\n`);
  });
});

describe('did you mean', () => {
  it('an unknown command suggests the closest command, one line, exit 2', async () => {
    const r = await loadlab(['lod']);
    expect(r).toEqual({ code: 2, stdout: '', stderr: "error: unknown command 'lod' (did you mean 'load'?)\n" });
    const prefix = await loadlab(['backup-under']);
    expect(prefix.stderr).toBe("error: unknown command 'backup-under' (did you mean 'backup-under-load'?)\n");
  });

  it('an unknown command with nothing close points at the list', async () => {
    const r = await loadlab(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown command 'frobnicate' (run 'loadlab --help' for the list)\n");
  });

  it('an unknown flag suggests the closest flag of that command, one line, exit 2', async () => {
    const r = await loadlab(['load', '--scenarios', 'ceiling']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe("error: load: unknown option '--scenarios' (did you mean '--scenario'?)\n");
    const other = await loadlab(['capacity', '--max-conections', '10']);
    expect(other.stderr).toBe(
      "error: capacity: unknown option '--max-conections' (did you mean '--max-connections'?)\n",
    );
  });

  it('an unknown flag with nothing close gets no guess', async () => {
    const r = await loadlab(['seed', '--frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: seed: unknown option '--frobnicate'\n");
  });

  it('picks the nearest candidate, within distance 2 or by prefix', () => {
    expect(closestName('bnech', ['backup', 'bench'])).toBe('bench');
    expect(closestName('trial', ['trials', 'rate'])).toBe('trials');
    expect(closestName('max', ['max-errors', 'max-connections'])).toBe('max-errors');
    expect(closestName('zzzz', ['load', 'seed'])).toBeUndefined();
  });
});

describe('number flags are checked once, from the declaration', () => {
  it.each([
    [['load', '--scenario', 'ceiling', '--trials', '0'], 'error: --trials must be at least 1, got 0\n'],
    [['capacity', '--scenario', 'x', '--max-errors', '101'], 'error: --max-errors must be at most 100, got 101\n'],
    [['overload', '--connections', '64,x'], "error: --connections must be a number, got 'x'\n"],
    [['load', '--scenario', 'ceiling', '--rate', '2000000'], 'error: --rate must be at most 1000000, got 2000000\n'],
  ])('%j', async (argv, stderr) => {
    expect(await loadlab(argv)).toEqual({ code: 2, stdout: '', stderr });
  });
});
