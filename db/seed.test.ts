import { afterAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, readdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { seedDatabase } from './seed.ts';
import { builtinProfile } from './profiles.ts';
import { rowCounts } from './data-shape.ts';
import { TABLES } from './schema.ts';
import { tempDir } from '../test-support/temp-dir.ts';
import { UsageError } from '../lib/errors.ts';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function tableDigest(file: string): Record<string, string> {
  const db = new Database(file, { readonly: true });
  try {
    const out: Record<string, string> = {};
    for (const t of TABLES) {
      const rows = db.prepare(`SELECT * FROM ${t} ORDER BY id`).all();
      out[t] = JSON.stringify(rows);
    }
    return out;
  } finally {
    db.close();
  }
}

describe('seedDatabase', () => {
  const a = join(tmp.dir, 'a-untuned.sqlite');
  const b = join(tmp.dir, 'b-tuned.sqlite');
  const c = join(tmp.dir, 'c-untuned.sqlite');
  seedDatabase({ out: a, profile: builtinProfile('untuned'), scale: 0.003, seed: 7 });
  seedDatabase({ out: b, profile: builtinProfile('tuned'), scale: 0.003, seed: 7 });
  seedDatabase({ out: c, profile: builtinProfile('untuned'), scale: 0.003, seed: 8 });

  it('gives the same rows for the same scale and seed in any profile', () => {
    expect(tableDigest(a)).toEqual(tableDigest(b));
  });

  it('gives different rows for a different seed', () => {
    expect(tableDigest(a).contents).not.toEqual(tableDigest(c).contents);
  });

  it('scales row counts linearly', () => {
    const db = new Database(a, { readonly: true });
    const want = rowCounts(0.003);
    for (const t of TABLES)
      expect((db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n).toBe(want[t]);
    db.close();
    expect(rowCounts(1)).toEqual({ clients: 1000, campaigns: 20000, contents: 200000, audio_generations: 50000 });
  });

  it('skews statuses and client ownership', () => {
    const file = join(tmp.dir, 'skew.sqlite');
    seedDatabase({ out: file, profile: builtinProfile('untuned'), scale: 0.05 });
    const db = new Database(file, { readonly: true });
    const statuses = db.prepare('SELECT status, count(*) AS n FROM contents GROUP BY status ORDER BY n DESC').all() as {
      n: number;
    }[];
    const total = statuses.reduce((s, r) => s + r.n, 0);
    expect(statuses[0]!.n / total).toBeGreaterThan(0.5); // one dominant status
    expect(statuses.at(-1)!.n / total).toBeLessThan(0.1); // and a rare one
    const owners = db.prepare('SELECT count(*) AS n FROM campaigns GROUP BY client_id ORDER BY n DESC').all() as {
      n: number;
    }[];
    expect(owners[0]!.n).toBeGreaterThan(3 * owners.at(-1)!.n);
    const bodyLen = db.prepare('SELECT avg(length(body)) AS a FROM contents').get() as { a: number };
    expect(bodyLen.a).toBeGreaterThan(200);
    expect(bodyLen.a).toBeLessThan(800);
    db.close();
  });

  it('refuses to overwrite without force and leaves the file intact', () => {
    const before = readFileSync(a);
    expect(() => seedDatabase({ out: a, profile: builtinProfile('tuned'), scale: 0.001 })).toThrow(UsageError);
    expect(readFileSync(a).equals(before)).toBe(true);
  });

  it('overwrites with force, leaving no temp files behind', () => {
    const out = join(tmp.dir, 'forced.sqlite');
    writeFileSync(out, 'old');
    seedDatabase({ out, profile: builtinProfile('tuned'), scale: 0.001, force: true });
    expect(existsSync(out)).toBe(true);
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
