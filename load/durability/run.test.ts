import { execFileSync, spawn, spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/temp-dir.ts';
import { DurabilityFile, DurabilityRecord } from '../../lib/records/durability.ts';
import { CLI_BIN } from '../../lib/server-process.ts';
import { renderDurability } from './durability-table.ts';
import { durabilityPassed, runDurability } from './run.ts';
import { profiles } from '../../test-support/catalog.ts';

const tmp = tempDir('loadlab-durability-');
afterAll(() => tmp.cleanup());

describe('runDurability', () => {
  it('kills and restarts the server each cycle and finds every acknowledged write', async () => {
    const records = await runDurability({
      profiles: profiles('untuned', 'tuned'),
      cycles: 2,
      writers: 2,
      seed: 7,
      scale: 0.005,
      dir: tmp.dir,
      killMinMs: 150,
      killMaxMs: 400,
      maxSeconds: 60,
    });
    expect(records.map((r) => r.profile)).toEqual(['untuned', 'tuned']);
    for (const r of records) {
      expect(DurabilityRecord.parse(r)).toEqual(r);
      expect(r).toMatchObject({ status: 'ok', cycles: 2, kills: 2, restarts: 2, lost: 0, integrity: 'ok' });
      expect(r.acked).toBeGreaterThan(0);
      expect(r.perCycle.map((c) => c.killAfterMs).every((ms) => ms >= 150 && ms <= 400)).toBe(true);
    }
    expect(records[0]).toMatchObject({ journalMode: 'delete', synchronous: 2 });
    expect(records[1]).toMatchObject({ journalMode: 'wal', synchronous: 1 });
    expect(durabilityPassed(records)).toBe(true);
    expect(durabilityPassed([{ ...records[0]!, lost: 1 }])).toBe(false);
  });

  it('catches acknowledged writes that vanish between the kill and the restart (injected loss)', async () => {
    const [r] = await runDurability({
      profiles: profiles('tuned'),
      cycles: 1,
      writers: 2,
      seed: 3,
      scale: 0.005,
      dir: join(tmp.dir, 'lossy'),
      killMinMs: 300,
      killMaxMs: 300,
      maxSeconds: 60,
      afterKill: (db, acked) => {
        const doctor = new Database(db);
        doctor.prepare('DELETE FROM contents WHERE id = ?').run(acked[0]!.id);
        doctor.close();
      },
    });
    expect(r).toMatchObject({ status: 'ok', cycles: 1, lost: 1 });
    expect(r!.lostIds).toHaveLength(1);
    expect(durabilityPassed([r!])).toBe(false);
    expect(renderDurability([r!])).toMatch(/tuned\s+wal\+NORMAL\s+1\s+[\d,]+\s+1\s/);
  });

  it('(1) a lost tail in cycle 1 stays lost after cycle 2 reuses its ids', async () => {
    let tail: number[] = [];
    const [r] = await runDurability({
      profiles: profiles('tuned'),
      cycles: 2,
      writers: 2,
      seed: 5,
      scale: 0.005,
      dir: join(tmp.dir, 'reused'),
      killMinMs: 300,
      killMaxMs: 300,
      maxSeconds: 60,
      afterKill: (db, acked, cycle) => {
        if (cycle !== 1) return;
        // The last 3 acknowledged rows (and anything after them) vanish, as an unsynced tail would.
        tail = acked
          .map((w) => w.id)
          .sort((a, b) => a - b)
          .slice(-3);
        const doctor = new Database(db);
        doctor.prepare('DELETE FROM contents WHERE id >= ?').run(tail[0]);
        doctor.close();
      },
    });
    expect(tail).toHaveLength(3);
    expect(r).toMatchObject({ status: 'ok', cycles: 2, lost: 3, reused: 3 });
    expect(r!.lostIds).toEqual(tail);
    // Cycle 2 wrote rows under those ids again, and its own audit still counts the 3.
    expect(r!.perCycle.map((c) => c.lost)).toEqual([3, 3]);
    expect(r!.perCycle[1]!.acked).toBeGreaterThan(3);
    expect(durabilityPassed([r!])).toBe(false);
  });

  it('(3) a run whose every write failed does not pass: no acknowledged write, nothing audited', async () => {
    const [r] = await runDurability({
      profiles: profiles('tuned'),
      cycles: 2,
      writers: 1,
      seed: 2,
      scale: 0.005,
      dir: join(tmp.dir, 'refused'),
      killMinMs: 150,
      killMaxMs: 150,
      maxSeconds: 60,
      writeBody: (_campaign, title) => ({ campaign_id: 0, title, body: 'refused' }), // 400: ids are positive
    });
    expect(r).toMatchObject({ status: 'ok', cycles: 2, acked: 0, lost: 0, integrity: 'ok' });
    expect(r!.perCycle.every((c) => c.acked === 0 && c.failedWrites > 0)).toBe(true);
    expect(r!.reason).toBe('no write acknowledged in cycles 1, 2: nothing there to audit');
    expect(durabilityPassed([r!])).toBe(false);
  });

  it('durabilityPassed requires acknowledged writes and no loss in every cycle, not only the last', () => {
    const cycle = (n: number, acked: number, lost = 0) => ({
      cycle: n,
      killAfterMs: 200,
      acked,
      failedWrites: 1,
      restartMs: 50,
      lost,
      integrity: 'ok',
    });
    const base: DurabilityRecord = {
      profile: 'tuned',
      journalMode: 'wal',
      synchronous: 1,
      status: 'ok',
      cyclesRequested: 3,
      cycles: 3,
      budgetExplicit: false,
      writers: 2,
      acked: 300,
      lost: 0,
      lostIds: [],
      unackedPresent: 0,
      integrity: 'ok',
      kills: 3,
      restarts: 3,
      durationS: 2,
      perCycle: [cycle(1, 100), cycle(2, 100), cycle(3, 100)],
    };
    expect(durabilityPassed([base])).toBe(true);
    expect(durabilityPassed([{ ...base, perCycle: [cycle(1, 100), cycle(2, 0), cycle(3, 200)] }])).toBe(false);
    expect(durabilityPassed([{ ...base, perCycle: [cycle(1, 100), cycle(2, 100, 2), cycle(3, 100)] }])).toBe(false);
    expect(durabilityPassed([{ ...base, perCycle: [cycle(1, 100)] }])).toBe(false);
  });

  it('item 11: a run cut short by a time budget the user did not set fails, and says how many cycles ran', async () => {
    const cycle = (n: number) => ({
      cycle: n,
      killAfterMs: 200,
      acked: 100,
      failedWrites: 0,
      restartMs: 50,
      lost: 0,
      integrity: 'ok',
    });
    const one: DurabilityRecord = {
      profile: 'tuned',
      journalMode: 'wal',
      synchronous: 1,
      status: 'ok',
      cyclesRequested: 20,
      cycles: 1,
      budgetExplicit: false,
      writers: 2,
      acked: 100,
      lost: 0,
      lostIds: [],
      unackedPresent: 0,
      integrity: 'ok',
      kills: 1,
      restarts: 1,
      durationS: 2,
      perCycle: [cycle(1)],
    };
    expect(durabilityPassed([one])).toBe(false);
    expect(durabilityPassed([{ ...one, budgetExplicit: true }])).toBe(true);
    const opts = {
      profiles: profiles('tuned'),
      cycles: 20,
      writers: 1,
      seed: 3,
      scale: 0.005,
      killMinMs: 150,
      killMaxMs: 150,
      maxSeconds: 1,
    };
    const [cut] = await runDurability({ ...opts, dir: join(tmp.dir, 'cut') });
    expect(cut!.cycles).toBeLessThan(20);
    expect(cut).toMatchObject({ status: 'failed', cyclesRequested: 20, budgetExplicit: false });
    expect(cut!.reason).toMatch(/^only \d+ of 20 cycles ran: the default time budget \(1 s\) ran out/);
    expect(durabilityPassed([cut!])).toBe(false);
    const [chosen] = await runDurability({ ...opts, dir: join(tmp.dir, 'chosen'), budgetExplicit: true });
    expect(chosen).toMatchObject({ status: 'ok', budgetExplicit: true });
    expect(chosen!.cycles).toBeGreaterThan(0);
    expect(chosen!.cycles).toBeLessThan(20);
    expect(durabilityPassed([chosen!])).toBe(true);
  }, 60_000);

  it('records an arm it cannot run as failed data', async () => {
    const [r] = await runDurability({
      profiles: profiles('tuned'),
      cycles: 1,
      writers: 1,
      seed: 1,
      scale: 0.005,
      dir: join(tmp.dir, 'missing', '\0bad'),
      killMinMs: 100,
      killMaxMs: 100,
      maxSeconds: 10,
    });
    expect(r).toMatchObject({ status: 'failed', cycles: 0, kills: 0 });
    expect(r!.reason).toBeTruthy();
    expect(renderDurability([r!])).toMatch(/failed/);
  });
});

describe('loadlab durability', () => {
  it('prints the table and what it does not test, writes a valid JSON file, exit 0', () => {
    const out = join(tmp.dir, 'durability.json');
    const r = spawnSync(
      process.execPath,
      [
        CLI_BIN,
        'durability',
        '--profile',
        'consensus',
        '--cycles',
        '1',
        '--writers',
        '2',
        '--kill-min-ms',
        '150',
        '--kill-max-ms',
        '300',
        '--scale',
        '0.005',
        '--dir',
        join(tmp.dir, 'cli'),
        '--json-out',
        out,
      ],
      {
        encoding: 'utf8',
        timeout: 30_000,
      },
    );
    expect(r.stderr).not.toMatch(/^error/m);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/consensus\s+wal\+NORMAL\s+1\s/);
    expect(r.stdout).toMatch(/power loss/);
    const file = DurabilityFile.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(file.records[0]).toMatchObject({ profile: 'consensus', cycles: 1, lost: 0, integrity: 'ok' });
    expect(file.notTested.join(' ')).toMatch(/power loss/);
  });
});

describe('loadlab durability, interrupted', () => {
  it('stops on SIGINT with exit 130, prints what it has, and leaves no server running', async () => {
    const dir = join(tmp.dir, 'interrupted');
    const child = spawn(
      process.execPath,
      [
        CLI_BIN,
        'durability',
        '--profile',
        'tuned',
        '--cycles',
        '50',
        '--writers',
        '1',
        '--scale',
        '0.005',
        '--dir',
        dir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    // Interrupt once the first cycle is done (a server is running by then).
    for (let i = 0; i < 200 && !stderr.includes('cycle 1/50'); i++) await new Promise((r) => setTimeout(r, 100));
    expect(stderr).toContain('cycle 1/50');
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 20_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(130);
    expect(stdout).toMatch(/tuned\s+wal\+NORMAL\s+\d+\/50/);
    expect(stdout).toMatch(/interrupted/);
    let survivors = '';
    try {
      survivors = execFileSync('pgrep', ['-f', dir], { encoding: 'utf8' });
    } catch {
      /* pgrep exits 1 when nothing matches */
    }
    expect(survivors).toBe('');
  });
});
