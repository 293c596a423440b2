import { killLiveChildren } from '../lib/server-process.ts';
import { isLoopbackHost } from '../lib/loopback.ts';
import type { LoadProgress } from './runner.ts';

/**
 * SIGINT/SIGTERM abort the run (children stopped, partial results kept); a second signal
 * kills every child at once. Returns the signal and a function removing the handlers.
 */
export function interruptible(): { signal: AbortSignal; interrupted: () => boolean; dispose: () => void } {
  const controller = new AbortController();
  let count = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    count++;
    if (count === 1) {
      process.stderr.write(`\n${sig}: stopping the trial in flight (again to kill at once)\n`);
      controller.abort();
    } else {
      killLiveChildren();
      process.exit(130);
    }
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    interrupted: () => controller.signal.aborted,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** One stderr line per progress event. */
export function progressLine(e: LoadProgress): string | null {
  switch (e.kind) {
    case 'seed':
      return `${e.reused ? 'reusing' : 'seeded'} ${e.file}`;
    case 'trial-start':
      return `${e.scenario} / ${e.profile}: trial ${e.trial}/${e.trials} at ${e.connections} connections…`;
    case 'trial-done':
      return e.failure
        ? `  trial ${e.trial} FAILED: ${e.failure}${e.rps !== null ? ` (partial: ${Math.round(e.rps)} rps)` : ''}`
        : `  ${Math.round(e.rps ?? 0)} rps, p95 ${e.p95?.toFixed(2)} ms`;
    default:
      return null;
  }
}

/** What a non-loopback --target will receive, printed before any traffic. */
export function remoteWarning(target: URL): string | null {
  if (isLoopbackHost(target.hostname)) return null;
  return `warning: --allow-remote: sending load to ${target.href} (host ${target.hostname}, port ${target.port || (target.protocol === 'https:' ? 443 : 80)}), which is not loopback`;
}
