import { describe, expect, it } from 'vitest';
import { requestedPragmas } from '../db/open.ts';
import { builtinProfile } from '../db/profiles.ts';
import { ablationArms, identityArms, IDENTITY, TOGGLES } from './ablation-arms.ts';
import { fileKey } from './workspace.ts';

const settings = (p: ReturnType<typeof builtinProfile>) => ({
  ...requestedPragmas(p),
  indexes: p.indexes
    .map((i) => i.name)
    .sort()
    .join(','),
});

describe('ablationArms', () => {
  const arms = ablationArms();

  it('has one arm per toggle and direction', () => {
    expect(arms).toHaveLength(TOGGLES.length * 2);
    expect(new Set(arms.map((a) => a.profile.name)).size).toBe(arms.length);
  });

  it.each(arms.map((a) => [a.profile.name, a] as const))(
    '%s differs from its base in exactly one setting',
    (_, arm) => {
      const base = settings(arm.base);
      const mine = settings(arm.profile);
      const changed = Object.keys({ ...base, ...mine }).filter(
        (k) => base[k as keyof typeof base] !== mine[k as keyof typeof mine],
      );
      expect(changed).toHaveLength(1);
    },
  );

  it('sets synchronous explicitly in every arm, so WAL cannot bring NORMAL with it', () => {
    for (const arm of arms) expect([1, 2]).toContain(arm.profile.connection.synchronous);
    const wal = arms.find((a) => a.profile.name === 'untuned+wal')!;
    expect(wal.profile.file.journal_mode).toBe('wal');
    expect(wal.profile.connection.synchronous).toBe(2);
  });

  it('gives arms that change the file (wal, indexes) their own seeded file and the others the base file', () => {
    for (const arm of arms) {
      const ownFile = arm.toggle === 'wal' || arm.toggle === 'indexes';
      expect(fileKey(arm.profile) === fileKey(arm.base)).toBe(!ownFile);
    }
  });

  it('can be limited to some toggles', () => {
    expect(ablationArms(['mmap']).map((a) => a.profile.name)).toEqual(['untuned+mmap', 'tuned-mmap']);
  });
});

describe('identityArms', () => {
  it('gives each base an arm with the same settings and file under its own name', () => {
    const arms = identityArms();
    expect(arms.map((a) => [a.direction, a.base.name, a.profile.name])).toEqual([
      ['enable-on-untuned', 'untuned', `untuned+${IDENTITY}`],
      ['disable-on-tuned', 'tuned', `tuned-${IDENTITY}`],
    ]);
    for (const arm of arms) {
      expect(settings(arm.profile)).toEqual(settings(arm.base));
      expect(fileKey(arm.profile)).toBe(fileKey(arm.base));
    }
  });
});
