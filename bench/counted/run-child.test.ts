import { tmpdir } from 'node:os';
import { describe, expect, it } from 'vitest';
import { runChild, stderrTail } from './run-child.ts';

const opts = { cwd: tmpdir(), env: {}, timeoutMs: 10_000 };

describe('runChild', () => {
  it('reports a clean exit as ok', async () => {
    expect(await runChild(process.execPath, ['-e', ''], opts)).toEqual({ ok: true });
  });

  it("turns a failing child into a reason with its exit code and stderr's last lines", async () => {
    const outcome = await runChild(
      process.execPath,
      ['-e', 'console.error("SqliteError: no such table"); process.exit(3)'],
      opts,
    );
    expect(outcome).toEqual({ ok: false, reason: 'exited with 3: SqliteError: no such table' });
  });

  it('kills a child that outlives its timeout', async () => {
    const outcome = await runChild(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], {
      ...opts,
      timeoutMs: 300,
    });
    expect(outcome).toEqual({ ok: false, reason: 'timed out after 300 ms' });
  });

  it('leaves valgrind notes out of the stderr tail', () => {
    const stderr =
      '--123-- warning: L3 cache found, using its data for the LL simulation.\nError: boom\n    at x.cjs:1\n';
    expect(stderrTail(stderr)).toBe('Error: boom | at x.cjs:1');
  });
});
