import { describe, expect, it } from 'vitest';
import { builtinProfile } from '../../db/profiles.ts';
import { findWorkload } from '../workloads/index.ts';
import { buildJob, openPragmas, unportableParams } from './job.ts';

describe('openPragmas', () => {
  it('sets every stock default explicitly for untuned, journal_mode before synchronous', () => {
    expect(openPragmas(builtinProfile('untuned'))).toEqual([
      'busy_timeout = 0',
      'journal_mode = delete',
      'synchronous = 2',
      'cache_size = -2000',
      'temp_store = 0',
      'mmap_size = 0',
      'foreign_keys = 1',
      'journal_size_limit = -1',
    ]);
  });

  it('sets synchronous after switching to WAL (better-sqlite3 would otherwise pick NORMAL)', () => {
    const pragmas = openPragmas(builtinProfile('wal-full'));
    expect(pragmas.indexOf('synchronous = 2')).toBeGreaterThan(pragmas.indexOf('journal_mode = wal'));
  });

  it("ends with consensus's PRAGMA optimize at open, as openDatabase runs it", () => {
    expect(openPragmas(builtinProfile('consensus')).at(-1)).toBe('optimize = 65538');
    expect(openPragmas(builtinProfile('tuned')).some((p) => p.startsWith('optimize'))).toBe(false);
  });
});

describe('buildJob', () => {
  it("carries the workload's SQL and batch and the profile's write transaction and busy timeout", () => {
    const job = buildJob({
      workload: findWorkload('insert-100-tx')!,
      profile: builtinProfile('consensus'),
      paramSets: [[1, 't', 'draft', 'x']],
    });
    expect(job).toMatchObject({ batch: 100, writeTransaction: 'immediate', timeoutMs: 5000 });
    expect(job).not.toHaveProperty('database');
    expect(job.sql).toMatch(/^INSERT INTO contents/);
    expect(job.readback).toContain('synchronous');
  });
});

describe('unportableParams', () => {
  it('accepts what JSON carries and names what it does not', () => {
    expect(unportableParams([[1, 'a', null], { id: 2 }])).toBeNull();
    expect(unportableParams([[1n]])).toMatch(/bigint/);
    expect(unportableParams([[Buffer.from('x')]])).toMatch(/Buffer/);
    expect(unportableParams([[Number.NaN]])).toMatch(/NaN/);
  });
});
