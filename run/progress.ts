import type { StageName } from '../lib/records/run.ts';

/** What the orchestrator tells a progress display. It never prints itself. */
export interface ProgressSink {
  /** A step begins (a run's stage, a load trial): its number, of how many, and the seconds left after it starts. */
  stageStart(index: number, total: number, name: StageName | string, etaS: number | null): void;
  note(message: string): void;
  stageEnd(name: StageName | string, status: string, durationS: number, reason?: string): void;
  /** Stops any live redraw (call when the run is over). */
  close?(): void;
}

export const silentProgress: ProgressSink = { stageStart() {}, note() {}, stageEnd() {} };

function clock(s: number): string {
  const t = Math.max(0, Math.round(s));
  return `${Math.floor(t / 60)}:${String(t % 60).padStart(2, '0')}`;
}

/** How a live line is ticked: every second by default; tests pass their own. */
export type Ticker = (tick: () => void) => { stop(): void };

const everySecond: Ticker = (tick) => {
  const t = setInterval(tick, 1000);
  t.unref();
  return { stop: () => clearInterval(t) };
};

/**
 * Progress on stderr. On a TTY one live line: stage i/n, elapsed, an ETA counting down and
 * the latest note, redrawn in place at least once a second while a stage runs; otherwise
 * plain lines (CI logs), one per stage start/end and note.
 */
export function streamProgress(
  out: { write(s: string): unknown; isTTY?: boolean },
  now: () => number = () => performance.now(),
  ticker: Ticker = everySecond,
): ProgressSink {
  const t0 = now();
  let stage = '';
  /** Elapsed seconds at which the run is estimated to end (null: no estimate). */
  let etaEnd: number | null = null;
  let lastNote = '';
  let live: { stop(): void } | null = null;
  const elapsed = () => (now() - t0) / 1000;
  const tty = out.isTTY === true;
  const line = () => {
    const e = elapsed();
    const eta = etaEnd === null ? '' : ` · ETA ${clock(etaEnd - e)}`;
    const head = `${stage} · ${clock(e)} elapsed${eta}`;
    out.write(`\r\x1b[2K${(head + (lastNote ? ` · ${lastNote}` : '')).slice(0, 160)}`);
  };
  const stopLive = () => {
    live?.stop();
    live = null;
  };
  return {
    stageStart(index, total, name, etaS) {
      stage = `[${index}/${total}] ${name}`;
      lastNote = '';
      const e = elapsed();
      etaEnd = etaS === null ? null : e + etaS;
      if (tty) {
        line();
        live ??= ticker(line);
      } else out.write(`${stage} started (${clock(e)} elapsed${etaS === null ? '' : `, ETA ${clock(etaS)}`})\n`);
    },
    note(message) {
      lastNote = message;
      if (tty) line();
      else out.write(`  ${message}\n`);
    },
    stageEnd(name, status, durationS, reason) {
      stopLive();
      const text = `${stage}: ${status} in ${durationS.toFixed(1)} s${reason ? ` (${reason})` : ''}`;
      out.write(tty ? `\r\x1b[2K${text}\n` : `${text}\n`);
    },
    close() {
      // A live line left on the terminal (no stage end drew over it) is cleared.
      if (live && tty) out.write('\r\x1b[2K');
      stopLive();
    },
  };
}
