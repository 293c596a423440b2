import Database from 'better-sqlite3';
import { execFile, spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_BIN } from '../../lib/server-process.ts';
import { runPgTests } from '../../test-support/pg.ts';
import { tempDir } from '../../test-support/temp-dir.ts';
import { tinyDb } from '../../test-support/temp-db.ts';

/**
 * Every command that takes a profile accepts a custom one from the config file (the catalog is
 * built once at the CLI's door, and reaches every child process), and uses it: each test
 * reads the profile back where the command opened a database — its marker index in the
 * seeded file, its cache_size or synchronous level read back from a connection.
 */
const run = promisify(execFile);
/** This checkout: both sides of the A/B. */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const tmp = tempDir('loadlab-custom-cli-');
afterAll(() => tmp.cleanup());

const MARKER = 'idx_mine_marker';
const config = join(tmp.dir, 'loadlab.config.json');
writeFileSync(
  config,
  JSON.stringify({
    customProfiles: {
      mine: {
        extends: 'tuned',
        pragmas: { cache_size: -12345, synchronous: 'full' },
        indexes: [`CREATE INDEX ${MARKER} ON contents(created_at)`],
      },
    },
  }),
);

async function loadlab(args: string[], cwd = tmp.dir): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run(process.execPath, [CLI_BIN, ...args], { cwd, timeout: 120_000, maxBuffer: 64 << 20 });
    return { ...r, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: e.code ?? -1 };
  }
}

function indexes(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index'").all() as { name: string }[]).map(
      (r) => r.name,
    );
  } finally {
    db.close();
  }
}

/** The seeded databases of profile `mine` under a folder (any depth). */
function seededMine(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => /mine.*\.sqlite$/.test(f) && !/-(wal|shm|journal)$/.test(f))
    .map((f) => join(dir, f));
}

describe('a custom profile from the config file works in every command that takes --profile', () => {
  it('seed (config found in the current directory): the seeded file has the profile’s own index', async () => {
    const out = join(tmp.dir, 'seeded-mine.sqlite');
    const r = await loadlab(['seed', '--out', out, '--profile', 'mine', '--scale', '0.005']);
    expect(r.code, r.stderr).toBe(0);
    expect(indexes(out)).toContain(MARKER);
  });

  it('optimize: creates the profile’s index and plans its PRAGMAs', async () => {
    const db = tinyDb(tmp.dir, 'untuned');
    const r = await loadlab(['optimize', db, '--profile', 'mine', '--config', config, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { pragmas: { pragma: string; requested?: number }[] };
    expect(result.pragmas.find((p) => p.pragma === 'cache_size')?.requested).toBe(-12345);
    expect(indexes(db)).toContain(MARKER);
  });

  it('serve: the server opens its connection with the profile (read back)', async () => {
    const db = tinyDb(tmp.dir, 'tuned');
    const child = spawn(
      process.execPath,
      [CLI_BIN, 'serve', '--db', db, '--profile', 'mine', '--config', config, '--port', '0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        child.stderr.on('data', (d: Buffer) => (err += String(d)));
        child.stdout.on('data', (d: Buffer) => {
          out += String(d);
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
      });
      const info = JSON.parse(line) as { profile: string; effective: Record<string, number> };
      expect(info.profile).toBe('mine');
      expect(info.effective.cache_size).toBe(-12345);
      expect(info.effective.synchronous).toBe(2);
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('bench: the operation ran on a connection with the profile’s PRAGMAs', async () => {
    const r = await loadlab([
      'bench',
      '--profile',
      'mine',
      '--config',
      config,
      '--ops',
      'point-read',
      '--time',
      '20',
      '--scale',
      '0.005',
      '--data-dir',
      join(tmp.dir, 'bench'),
      '--json',
      '--quiet',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const file = JSON.parse(r.stdout) as { records: { profile: string; effective: Record<string, number> }[] };
    expect(file.records[0]).toMatchObject({ profile: 'mine', effective: { cache_size: -12345, synchronous: 2 } });
  }, 60_000);

  it.each([
    ['load', ['--scenario', 'read-point', '--duration', '0.5', '--warmup', '0', '--trials', '1']],
    [
      'capacity',
      ['--scenario', 'read-point', '--duration', '0.5', '--warmup', '0', '--trials', '1', '--max-connections', '10'],
    ],
  ])(
    '%s: the server child knows the profile, the seeded file has its index',
    async (name, extra) => {
      const dataDir = join(tmp.dir, `${name}-data`);
      const args = [name, '--profile', 'mine', '--config', config, '--scale', '0.005', '--data-dir', dataDir, '--json'];
      const r = await loadlab([...args, ...extra]);
      expect(r.stdout, r.stderr).toContain('"profile": "mine"');
      const file = JSON.parse(r.stdout) as { records: { profile: string; status: string; reason?: string }[] };
      expect(file.records.length).toBeGreaterThan(0);
      for (const rec of file.records) expect(rec, rec.reason).toMatchObject({ profile: 'mine', status: 'ok' });
      const seeded = seededMine(dataDir);
      expect(seeded.length).toBeGreaterThan(0);
      for (const f of seeded) expect(indexes(f)).toContain(MARKER);
    },
    90_000,
  );

  it('durability: kills and restarts a server that knows the profile; the database has its index', async () => {
    const dir = join(tmp.dir, 'durability');
    const r = await loadlab(
      [
        'durability',
        '--profile',
        'mine',
        '--config',
        config,
        '--cycles',
        '1',
        '--writers',
        '1',
        '--scale',
        '0.005',
      ].concat(['--dir', dir, '--keep', '--json']),
    );
    const file = JSON.parse(r.stdout) as { records: { profile: string; status: string; reason?: string }[] };
    expect(file.records[0], r.stderr).toMatchObject({ profile: 'mine', status: 'ok' });
    expect(indexes(join(dir, 'durability-mine.sqlite'))).toContain(MARKER);
  }, 90_000);

  it('overload: the server child knows the profile', async () => {
    const dir = join(tmp.dir, 'overload');
    const r = await loadlab(
      [
        'overload',
        '--profile',
        'mine',
        '--config',
        config,
        '--connections',
        '4',
        '--duration',
        '1',
        '--warmup',
        '0',
      ].concat(['--scale', '0.005', '--dir', dir, '--json']),
    );
    const file = JSON.parse(r.stdout) as { records: { profile: string; status: string; reason?: string }[] };
    expect(file.records[0], r.stderr).toMatchObject({ profile: 'mine', status: 'ok' });
    expect(indexes(join(dir, 'overload-mine-seed.sqlite'))).toContain(MARKER);
  }, 90_000);

  it('powerloss: the database is written with the profile’s synchronous level (read back from the file)', async () => {
    const r = await loadlab(
      [
        'powerloss',
        '--profile',
        'mine',
        '--config',
        config,
        '--cuts',
        '2',
        '--duration-s',
        '0.5',
        '--scale',
        '0.005',
      ].concat(['--json']),
    );
    const file = JSON.parse(r.stdout) as {
      records: { profile: string; synchronous: number | null; reason?: string }[];
    };
    expect(file.records[0], r.stderr).toMatchObject({ profile: 'mine', synchronous: 2 });
  }, 90_000);

  it('backup-under-load: the server child knows the profile, the seeded file has its index', async () => {
    const dataDir = join(tmp.dir, 'bul');
    const r = await loadlab(
      ['backup-under-load', '--profile', 'mine', '--config', config, '--scale', '0.005', '--duration', '1'].concat([
        '--warmup',
        '0',
        '--data-dir',
        dataDir,
        '--json',
      ]),
    );
    const record = JSON.parse(r.stdout) as { profile: string; status: string };
    expect(record, r.stderr).toMatchObject({ profile: 'mine', status: 'ok' });
    expect(indexes(seededMine(dataDir)[0]!)).toContain(MARKER);
  }, 90_000);

  it('run: the config’s profiles may name it; the seed stage seeds it with its index', async () => {
    const runConfig = join(tmp.dir, 'run.config.json');
    const off = { enabled: false };
    writeFileSync(
      runConfig,
      JSON.stringify({
        ...JSON.parse(readFileSync(config, 'utf8')),
        profiles: ['mine'],
        scale: 0.005,
        bench: off,
        load: off,
        k6: off,
        capacity: off,
        vacuum: off,
        concurrency: off,
        paired: off,
      }),
    );
    const out = join(tmp.dir, 'run-out');
    const r = await loadlab(['run', '--quick', '--config', runConfig, '--out', out, '--keep-data']);
    const results = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as {
      seed: { profile: string; file: string }[];
    };
    expect(
      results.seed.map((s) => s.profile),
      r.stderr,
    ).toEqual(['mine']);
    expect(indexes(results.seed[0]!.file)).toContain(MARKER);
  }, 90_000);

  it('ab: each side seeds and serves the config’s custom profile with its own code', async () => {
    const abConfig = join(tmp.dir, 'ab.config.json');
    writeFileSync(
      abConfig,
      JSON.stringify({
        ...JSON.parse(readFileSync(config, 'utf8')),
        profiles: ['mine'],
        scale: 0.005,
        // 6 rounds: the fewest one arm's verdict needs (its 3 gating metrics at 96.7 % each).
        load: { scenarios: ['read-point'], durationS: 0.25, warmupS: 0, trials: 6 },
        bench: { enabled: false },
      }),
    );
    const out = join(tmp.dir, 'ab-out');
    const r = await loadlab(['ab', ROOT, ROOT, '--config', abConfig, '--out', out]);
    expect([0, 1], r.stderr).toContain(r.code);
    const ab = JSON.parse(readFileSync(join(out, 'ab.json'), 'utf8')) as {
      trials: { profile: string; status: string }[];
    };
    expect(ab.trials.length).toBeGreaterThan(0);
    expect(new Set(ab.trials.map((t) => t.profile))).toEqual(new Set(['mine']));
    expect(ab.trials.filter((t) => t.status === 'ok').length).toBeGreaterThan(ab.trials.length / 2);
    for (const side of ['baseline', 'candidate'])
      expect(indexes(join(out, 'data', side, 'mine.sqlite'))).toContain(MARKER);
  }, 180_000);

  // crossover starts PostgreSQL: under CI it is installed (.ci/run), so it never skips there.
  it.skipIf(!runPgTests())(
    'crossover --sqlite-profile: the SQLite side runs the custom profile',
    async () => {
      const dataDir = join(tmp.dir, 'crossover-data');
      const r = await loadlab(
        ['crossover', '--quick', '--sqlite-profile', 'mine', '--config', config, '--dimensions', 'writes'].concat([
          '--rounds',
          '1',
          '--duration',
          '0.5',
          '--data-dir',
          dataDir,
          '--out',
          join(tmp.dir, 'crossover'),
        ]),
      );
      expect(r.code, r.stderr).not.toBe(2);
      const seeded = seededMine(dataDir);
      expect(seeded.length, r.stderr).toBeGreaterThan(0);
      for (const f of seeded) expect(indexes(f)).toContain(MARKER);
    },
    300_000,
  );

  it('an unknown profile is one line and exit 2, naming the custom ones too', async () => {
    const r = await loadlab(['seed', '--out', join(tmp.dir, 'x.sqlite'), '--profile', 'nope', '--config', config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("error: unknown profile 'nope' (known: untuned, tuned, consensus, mine)\n");
  });
});
