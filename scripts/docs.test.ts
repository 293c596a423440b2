import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(ROOT, 'bin', 'loadlab.js');
const README_MAX_BYTES = 12_288;

/** README.md and every docs/*.md page, as absolute paths. */
const DOCS = [
  join(ROOT, 'README.md'),
  ...readdirSync(join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => join(ROOT, 'docs', name)),
];

const show = (file: string) => relative(ROOT, file);

interface Parsed {
  /** Lines outside fenced code blocks. */
  prose: string[];
  /** Fenced code blocks with their info string's language. */
  blocks: { lang: string; lines: string[] }[];
  /** A code block left open at the end of the file. */
  unclosed: boolean;
}

function parse(file: string): Parsed {
  const prose: string[] = [];
  const blocks: Parsed['blocks'] = [];
  let open: Parsed['blocks'][number] | undefined;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const fence = /^\s*(```+|~~~+)\s*([\w-]*)/.exec(line);
    if (fence && !open) blocks.push((open = { lang: fence[2]!.toLowerCase(), lines: [] }));
    else if (fence && open) open = undefined;
    else if (open) open.lines.push(line);
    else prose.push(line);
  }
  return { prose, blocks, unclosed: open !== undefined };
}

/** GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(file: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of parse(file).prose) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const text = heading[1]!
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
      .replace(/<[^>]*>/g, '')
      .replace(/[`*]/g, '');
    const base = text
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Relative Markdown link targets outside code, with the line they sit on. */
function relativeLinks(file: string): { target: string; line: string }[] {
  const links: { target: string; line: string }[] = [];
  for (const line of parse(file).prose) {
    const text = line.replace(/`[^`]*`/g, 'code');
    for (const m of text.matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue;
      links.push({ target, line: line.trim() });
    }
  }
  return links;
}

/** Subcommands named by `loadlab X`, `npx loadlab X` or `bin/loadlab.js X` in sh/bash blocks. */
function invokedSubcommands(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of DOCS) {
    for (const block of parse(file).blocks) {
      if (block.lang !== 'sh' && block.lang !== 'bash') continue;
      for (const line of block.lines) {
        for (const m of line.matchAll(/(?:^|[\s;&|(/])loadlab(?:\.js)?\s+([a-z][a-z0-9-]*)/g)) {
          const where = found.get(m[1]!) ?? [];
          if (!where.includes(show(file))) where.push(show(file));
          found.set(m[1]!, where);
        }
      }
    }
  }
  return found;
}

describe('relative links in README.md and docs/*.md resolve', () => {
  it.each(DOCS.map((file) => [show(file), file]))('%s', (_name, file) => {
    expect(parse(file).unclosed, 'a code block is never closed').toBe(false);
    const broken: string[] = [];
    for (const { target, line } of relativeLinks(file)) {
      const [path = '', fragment] = target.split('#', 2);
      const resolved = path === '' ? file : join(dirname(file), decodeURIComponent(path));
      if (!existsSync(resolved)) {
        broken.push(`${target}: no such file (${line})`);
        continue;
      }
      if (fragment === undefined || !resolved.endsWith('.md')) continue;
      if (!anchors(resolved).has(decodeURIComponent(fragment).toLowerCase()))
        broken.push(`${target}: no heading '#${fragment}' in ${show(resolved)}`);
    }
    expect(broken).toEqual([]);
  });

  it('anchors follow GitHub: code marks and punctuation dropped, each space a hyphen', () => {
    expect(anchors(join(ROOT, 'README.md'))).toContain('set-up-two-commands');
    expect(anchors(join(ROOT, 'docs', 'run-report-ci.md'))).toContain(
      'run---quick--full---config-file---out-dir---counted',
    );
  });
});

const SUBCOMMANDS = invokedSubcommands();

describe('every loadlab command in a sh/bash block exists (`loadlab X --help` exits 0)', () => {
  const results = new Map<string, { code: number | null; stderr: string }>();

  beforeAll(async () => {
    const queue = [...SUBCOMMANDS.keys()];
    const worker = async () => {
      for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
        results.set(name, await help(name));
      }
    };
    await Promise.all([worker(), worker()]); // at most two CLI processes at once
  }, 300_000);

  it('finds the set-up command in the README', () => {
    expect(SUBCOMMANDS.get('run')).toContain('README.md');
  });

  it.each([...SUBCOMMANDS].map(([name, files]) => [name, files.join(', ')]))('%s (in %s)', (name) => {
    const r = results.get(name);
    expect(r, `no result for ${name}`).toBeDefined();
    expect(r!.code, `loadlab ${name} --help: ${r!.stderr}`).toBe(0);
  });
});

describe('README.md stays short', () => {
  it(`is at most ${README_MAX_BYTES} bytes`, () => {
    expect(statSync(join(ROOT, 'README.md')).size).toBeLessThanOrEqual(README_MAX_BYTES);
  });
});

function help(name: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, name, '--help'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      resolve({ code: null, stderr: err.message });
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}
