/**
 * The package as a user installs it: `npm pack`, the tarball installed into a fresh project,
 * then `init`, `run --quick` with a config importing `defineConfig` from 'sqlite-loadlab',
 * and the starter scenario file against a small service this test starts. Needs the npm
 * registry or a warm npm cache (CI has both after `npm ci`). Install scripts are skipped:
 * better-sqlite3's prebuilt download needs GitHub, which these machines cannot reach, so its
 * native addon is copied from this checkout (the same version, pinned below).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tempDir } from '../test-support/temp-dir.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const exec = promisify(execFile);
const tmp = tempDir('loadlab-package-');
const app = join(tmp.dir, 'app');
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const sqliteVersion = (
  JSON.parse(readFileSync(join(ROOT, 'node_modules/better-sqlite3/package.json'), 'utf8')) as { version: string }
).version;

async function sh(cmd: string, args: string[], cwd: string, timeout = 240_000) {
  try {
    const { stdout, stderr } = await exec(cmd, args, { cwd, timeout, maxBuffer: 32 << 20 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}
const loadlab = (...args: string[]) => sh(process.execPath, [join(app, 'node_modules/.bin/loadlab'), ...args], app);

let files: string[] = [];

beforeAll(async () => {
  const packed = await sh('npm', ['pack', '--json', '--pack-destination', tmp.dir], ROOT);
  expect(packed.code, packed.stderr).toBe(0);
  const info = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
  files = info[0]!.files.map((f) => f.path);
  const { mkdirSync } = await import('node:fs');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'my-app', private: true, type: 'module' }));
  const installed = await sh(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--ignore-scripts',
      '--no-audit',
      '--no-fund',
      join(tmp.dir, info[0]!.filename),
      `better-sqlite3@${sqliteVersion}`,
    ],
    app,
  );
  expect(installed.code, installed.stderr).toBe(0);
  cpSync(join(ROOT, 'node_modules/better-sqlite3/build'), join(app, 'node_modules/better-sqlite3/build'), {
    recursive: true,
  });
}, 300_000);
afterAll(() => tmp.cleanup());

describe('the packed package, installed into a fresh project', () => {
  it('ships the code, templates and data files it reads, and no tests or calibration runs', () => {
    for (const f of [
      'bin/loadlab.js',
      'scripts/cli.ts',
      'run/public-api.ts',
      'templates/perf.yml',
      'templates/loadlab.config.ts',
      'reports/calibration/noise-bands.json',
      'reports/config.schema.json',
      'load/k6/scenario-file.ts',
      'README.md',
      'LICENSE',
    ])
      expect(files, f).toContain(f);
    expect(files.filter((f) => f.endsWith('.test.ts'))).toEqual([]);
    expect(
      files.filter((f) => /^(test-support|reports\/calibration\/(ab|counted)|reports\/sample|out|data)\//.test(f)),
    ).toEqual([]);
  });

  it('runs from node_modules: --version, init (never overwriting), run --quick with a config of its own', async () => {
    const version = await loadlab('--version');
    expect(version).toMatchObject({ code: 0, stdout: `loadlab ${pkg.version}\n` });

    const init = await loadlab('init');
    expect(init.code, init.stderr).toBe(0);
    for (const f of ['loadlab.config.ts', 'loadlab.scenario.json', '.github/workflows/perf.yml'])
      expect(existsSync(join(app, f)), f).toBe(true);
    const again = await loadlab('init');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(
      /^error: loadlab\.config\.ts, loadlab\.scenario\.json, \.github\/workflows\/perf\.yml already exist: nothing written/,
    );

    // The starter config, made small: its import of 'sqlite-loadlab' must resolve from the installed package.
    const starter = readFileSync(join(app, 'loadlab.config.ts'), 'utf8');
    expect(starter).toContain("import { defineConfig } from 'sqlite-loadlab';");
    writeFileSync(
      join(app, 'loadlab.config.ts'),
      `import { defineConfig } from 'sqlite-loadlab';
export default defineConfig({
  profiles: ['untuned', 'mine'],
  customProfiles: { mine: { extends: 'tuned', pragmas: { cache_size: -200000 } } },
  scale: 0.01,
  bench: { timeMs: 20, ablation: false, indexSweepRows: [], ops: ['point-read'] },
  load: { enabled: true, scenarios: ['read-list'], durationS: 0.5, warmupS: 0.2, trials: 1, connections: 4 },
  paired: { enabled: false },
  k6: { enabled: false },
  concurrency: { enabled: false },
  capacity: { enabled: false },
});
`,
    );
    const run = await loadlab('run', '--quick', '--out', 'out/run');
    expect(run.code, run.stderr).toBe(0);
    const report = readFileSync(join(app, 'out/run/REPORT.md'), 'utf8');
    expect(report).toContain('mine');
    const results = JSON.parse(readFileSync(join(app, 'out/run/results.json'), 'utf8')) as {
      load: { profile: string; status: string; median: { rps: number } }[];
    };
    expect(results.load.map((l) => [l.profile, l.status])).toEqual([
      ['untuned', 'ok'],
      ['mine', 'ok'],
    ]);
  }, 300_000);

  describe('the starter scenario file against a service started here', () => {
    let server: Server;
    let url = '';
    beforeAll(async () => {
      server = createServer((req, res) => {
        req.resume();
        req.on('end', () =>
          res.writeHead(req.method === 'POST' ? 201 : 200, { 'content-type': 'application/json' }).end('{"ok":true}'),
        );
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('load --scenario-file measures it', async () => {
      const r = await loadlab(
        'load',
        '--scenario-file',
        'loadlab.scenario.json',
        '--target',
        url,
        '--duration',
        '1',
        '--warmup',
        '0',
        '--trials',
        '1',
        '--connections',
        '4',
        '--no-pin',
        '--json-out',
        'out/load.json',
      );
      expect(r.code, r.stderr).toBe(0);
      const rec = (
        JSON.parse(readFileSync(join(app, 'out/load.json'), 'utf8')) as {
          records: { scenario: string; median: { rps: number } }[];
        }
      ).records[0]!;
      expect(rec.scenario).toBe('my-service');
      expect(rec.median.rps).toBeGreaterThan(50);
    }, 120_000);
  });
});
