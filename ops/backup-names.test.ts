import { describe, expect, it } from 'vitest';
import { backupFileName, backupStem, parseBackupName } from './backup-names.ts';
import { planRetention } from './retention.ts';

const at = (iso: string) => new Date(iso);

describe('backup names', () => {
  it('are sortable timestamps that parse back', () => {
    const name = backupFileName('shop', at('2026-11-26T03:30:00.123Z'), true);
    expect(name).toBe('shop-20261126T033000.123Z.sqlite.gz');
    expect(parseBackupName('shop', name)).toEqual({ name, time: at('2026-11-26T03:30:00.123Z'), gzip: true });
    const names = ['2026-01-02T00:00:00.000Z', '2025-12-31T23:59:59.999Z', '2026-01-01T12:00:00.000Z'].map((d) =>
      backupFileName('s', at(d), false),
    );
    expect([...names].sort()).toEqual([names[1], names[2], names[0]]);
  });

  it('parse nothing but their own pattern', () => {
    for (const foreign of [
      'shop.sqlite',
      'shop-20261126T033000.123Z.sqlite.bak',
      'shopx-20261126T033000.123Z.sqlite',
      'shop-20261326T033000.123Z.sqlite',
      '.shop-20261126T033000.123Z.sqlite.tmp-1-a',
      'notes.txt',
    ]) {
      expect(parseBackupName('shop', foreign)).toBeNull();
    }
  });

  it('take the stem from the database name', () => {
    expect(backupStem('data/shop.sqlite')).toBe('shop');
    expect(backupStem('/x/app.db')).toBe('app');
    expect(backupStem('plain')).toBe('plain');
  });
});

describe('planRetention', () => {
  const backups = [1, 2, 3, 4, 5].map((d) =>
    parseBackupName('s', backupFileName('s', at(`2026-11-0${d}T00:00:00.000Z`), false))!,
  );
  const now = at('2026-11-06T00:00:00.000Z');

  it('--keep N keeps the N newest', () => {
    const plan = planRetention(backups, { keep: 3 }, now, backups[4]!.name);
    expect(plan.kept).toEqual([backups[4]!.name, backups[3]!.name, backups[2]!.name]);
    expect(plan.deleted.map((d) => d.name)).toEqual([backups[1]!.name, backups[0]!.name]);
  });

  it('--max-age deletes older ones; either rule deletes', () => {
    expect(planRetention(backups, { maxAgeDays: 2.5 }, now, backups[4]!.name).kept).toHaveLength(2);
    expect(planRetention(backups, { keep: 4, maxAgeDays: 2.5 }, now, backups[4]!.name).kept).toHaveLength(2);
  });

  it('never deletes the protected (just verified) backup, even when it is not the newest by name', () => {
    const plan = planRetention(backups, { maxAgeDays: 0 }, now, backups[0]!.name);
    expect(plan.kept).toEqual([backups[0]!.name]);
  });
});
