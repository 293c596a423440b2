import { describe, expect, it, vi } from 'vitest';
import { main } from '../cli.ts';
import { liveChildren } from '../../lib/server-process.ts';

async function run(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    return { code: await main(argv), stderr };
  } finally {
    spy.mockRestore();
  }
}

describe('load / capacity usage errors: one line, exit 2, nothing started', () => {
  it.each([
    [['load', '--scenario', 'ceiling', '--target', 'http://192.0.2.1:9/'], /not loopback/],
    [
      ['load', '--scenario', 'ceiling', '--profile', 'tuned', '--json-out', '/proc/x/y.json'],
      /--json-out: cannot write/,
    ],
    [['load', '--scenario', 'nope', '--profile', 'tuned'], /unknown scenario 'nope'/],
    [['load', '--scenario', 'ceiling', '--profile', 'tuned', '--duration', 'x'], /--duration must be a number/],
    [['load', '--scenario', 'ceiling', '--profile', 'tuned', '--topology', 'pool:3'], /--topology/],
    [['capacity', '--scenario', 'ceiling', '--profile', 'tuned', '--connections', '5'], /--max-connections/],
    [['capacity', '--scenario', 'ceiling', '--profile', 'tuned,untuned'], /one --profile/],
    [['capacity', '--scenario', 'ceiling', '--profile', 'tuned', '--rate', '100'], /--rate does not apply/],
  ])('%j', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(liveChildren()).toBe(0);
  });
});
