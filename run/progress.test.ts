import { describe, expect, it } from 'vitest';
import { streamProgress } from './progress.ts';

function sink(isTTY: boolean) {
  const chunks: string[] = [];
  let t = 0;
  const p = streamProgress({ isTTY, write: (s: string) => chunks.push(s) }, () => (t += 1000));
  return { p, chunks };
}

describe('streamProgress', () => {
  it('prints plain lines with stage i/n, elapsed and ETA when not a terminal', () => {
    const { p, chunks } = sink(false);
    p.stageStart(3, 8, 'bench', 95);
    p.note('ablation: wal');
    p.stageEnd('bench', 'ok', 12.3);
    expect(chunks.join('')).toBe(
      '[3/8] bench started (0:01 elapsed, ETA 1:35)\n  ablation: wal\n[3/8] bench: ok in 12.3 s\n',
    );
  });
  it('redraws one line in place on a terminal, ticking with the ETA counting down', () => {
    const chunks: string[] = [];
    let t = 0;
    let tick: (() => void) | null = null;
    let stopped = 0;
    const p = streamProgress(
      { isTTY: true, write: (s: string) => chunks.push(s) },
      () => t,
      (f) => ((tick = f), { stop: () => stopped++ }),
    );
    p.stageStart(1, 8, 'seed', 10);
    t = 2000;
    p.note('seeded tuned');
    expect(chunks.every((c) => c.startsWith('\r\x1b[2K'))).toBe(true);
    expect(chunks[1]).toContain('[1/8] seed · 0:02 elapsed · ETA 0:08 · seeded tuned');
    // No new event for 3 s: the ticker still redraws, and the ETA has counted down.
    t = 5000;
    tick!();
    expect(chunks.at(-1)).toContain('[1/8] seed · 0:05 elapsed · ETA 0:05 · seeded tuned');
    p.stageEnd('seed', 'ok', 5);
    expect(stopped).toBe(1);
    expect(chunks.at(-1)).toBe('\r\x1b[2K[1/8] seed: ok in 5.0 s\n');
  });
});
