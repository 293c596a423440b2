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
  it('redraws one line in place on a terminal', () => {
    const { p, chunks } = sink(true);
    p.stageStart(1, 8, 'seed', 10);
    p.note('seeded tuned');
    expect(chunks.every((c) => c.startsWith('\r\x1b[2K'))).toBe(true);
    expect(chunks[1]).toContain('[1/8] seed · 0:02 elapsed · ETA 0:10 · seeded tuned');
  });
});
