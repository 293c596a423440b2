import type { StageName } from '../lib/records/run.ts';

/** What the orchestrator tells a progress display. It never prints itself. */
export interface ProgressSink {
  stageStart(index: number, total: number, name: StageName, etaS: number | null): void;
  note(message: string): void;
  stageEnd(name: StageName, status: string, durationS: number, reason?: string): void;
}

export const silentProgress: ProgressSink = { stageStart() {}, note() {}, stageEnd() {} };

function clock(s: number): string {
  const t = Math.max(0, Math.round(s));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

/**
 * Progress on stderr. On a TTY one live line: stage i/n, elapsed, ETA and the latest note,
 * redrawn in place; otherwise plain lines (CI logs), one per stage start/end and note.
 */
export function streamProgress(
  out: { write(s: string): unknown; isTTY?: boolean },
  now: () => number = () => performance.now(),
): ProgressSink {
  const t0 = now();
  let stage = '';
  let eta: number | null = null;
  const elapsed = () => (now() - t0) / 1000;
  const tty = out.isTTY === true;
  const line = (msg: string) => {
    const head = `${stage} · ${clock(elapsed())} elapsed${eta === null ? '' : ` · ETA ${clock(eta)}`}`;
    if (tty) out.write(`\r\x1b[2K${(head + (msg ? ` · ${msg}` : '')).slice(0, 160)}`);
  };
  return {
    stageStart(index, total, name, etaS) {
      stage = `[${index}/${total}] ${name}`;
      eta = etaS;
      if (tty) line('');
      else out.write(`${stage} started (${clock(elapsed())} elapsed${etaS === null ? '' : `, ETA ${clock(etaS)}`})\n`);
    },
    note(message) {
      if (tty) line(message);
      else out.write(`  ${message}\n`);
    },
    stageEnd(name, status, durationS, reason) {
      const text = `${stage}: ${status} in ${durationS.toFixed(1)} s${reason ? ` (${reason})` : ''}`;
      out.write(tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
    },
  };
}
