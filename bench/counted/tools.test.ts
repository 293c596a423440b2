import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../../test-support/temp-dir.ts';
import { findOnPath, missingToolReason, versionIn } from './tools.ts';

describe('finding valgrind and strace', () => {
  const dirs: (() => void)[] = [];
  afterEach(() => dirs.splice(0).forEach((cleanup) => cleanup()));

  it('finds the first executable of that name on the path, skipping non-executables and directories', () => {
    const { dir, cleanup } = tempDir('counted-tools-');
    dirs.push(cleanup);
    const [a, b, c] = ['a', 'b', 'c'].map((d) => join(dir, d));
    mkdirSync(a!);
    mkdirSync(join(a!, 'strace'));
    mkdirSync(b!);
    writeFileSync(join(b!, 'strace'), '#!/bin/sh\n');
    mkdirSync(c!);
    writeFileSync(join(c!, 'strace'), '#!/bin/sh\n');
    chmodSync(join(c!, 'strace'), 0o755);
    expect(findOnPath('strace', [a, b, c].join(delimiter))).toBe(join(c!, 'strace'));
    expect(findOnPath('strace', a)).toBeNull();
    expect(findOnPath('strace', undefined)).toBeNull();
  });

  it("reads both tools' version formats", () => {
    expect(versionIn('valgrind-3.19.0')).toBe('3.19.0');
    expect(versionIn('strace -- version 6.1\nCopyright (c) 1991-2022')).toBe('6.1');
    expect(versionIn('no version here')).toBeNull();
  });

  it('names the first missing tool with the install hint; valgrind only when instructions are counted', () => {
    const tool = { bin: '/usr/bin/x', version: '1.0' };
    expect(missingToolReason({ valgrind: null, strace: null }, true)).toBe(
      'valgrind not found (apt-get install valgrind strace)',
    );
    expect(missingToolReason({ valgrind: null, strace: tool }, false)).toBeNull();
    expect(missingToolReason({ valgrind: tool, strace: null }, true)).toBe(
      'strace not found (apt-get install valgrind strace)',
    );
  });
});
