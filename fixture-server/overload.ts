import type { MiddlewareHandler } from 'hono';

/**
 * Load shedding. Node queues work where it cannot be seen (accepted sockets whose requests
 * wait for the event loop), so "queue time" is measured as event-loop delay: how late a
 * timer fires is how long a request that has arrived waits before Node reads it.
 */
export interface OverloadOptions {
  /** Requests inside the app at once (reading a body, handling); beyond it: 503. 0 = no bound. */
  maxInflight: number;
  /** While the event-loop delay exceeds this many ms, new requests get 503. 0 = off. */
  maxQueueMs: number;
  /** The Retry-After header of a 503, seconds. */
  retryAfterS: number;
}

export const OVERLOAD_DEFAULTS: OverloadOptions = { maxInflight: 1024, maxQueueMs: 2000, retryAfterS: 1 };

export interface OverloadSnapshot {
  maxInflight: number;
  maxQueueMs: number;
  inflight: number;
  peakInflight: number;
  /** Requests answered 503 because of the in-flight bound / the queue-time bound. */
  shedInflight: number;
  shedQueue: number;
  /** Latest event-loop delay measurement, ms, and the highest since the last reset. */
  eventLoopDelayMs: number;
  peakEventLoopDelayMs: number;
}

/** Paths never shed, so the stats can be read during an overload. */
const EXEMPT = /^\/__stats(\/|$)/;
const TICK_MS = 20;

/** Measures event-loop delay with a timer: how much later than scheduled each tick fires. */
function startDelayProbe(): { current: () => number; stop: () => void } {
  let last = performance.now();
  let delay = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    delay = Math.max(0, now - last - TICK_MS);
    last = now;
  }, TICK_MS);
  timer.unref();
  return { current: () => delay, stop: () => clearInterval(timer) };
}

export class OverloadGuard {
  private inflight = 0;
  private peakInflight = 0;
  private shedInflight = 0;
  private shedQueue = 0;
  private peakDelay = 0;
  private readonly probe: { current: () => number; stop: () => void };

  /** `delaySource` replaces the event-loop probe (tests). */
  constructor(
    readonly options: OverloadOptions = OVERLOAD_DEFAULTS,
    delaySource?: () => number,
  ) {
    this.probe = delaySource ? { current: delaySource, stop: () => {} } : startDelayProbe();
  }

  middleware(): MiddlewareHandler {
    const { maxInflight, maxQueueMs, retryAfterS } = this.options;
    return async (c, next) => {
      if (EXEMPT.test(c.req.path)) return next();
      const delay = this.probe.current();
      if (delay > this.peakDelay) this.peakDelay = delay;
      const why =
        maxInflight > 0 && this.inflight >= maxInflight
          ? 'inflight'
          : maxQueueMs > 0 && delay > maxQueueMs
            ? 'queue'
            : null;
      if (why) {
        if (why === 'inflight') this.shedInflight++;
        else this.shedQueue++;
        c.header('Retry-After', String(retryAfterS));
        return c.json(
          {
            error:
              why === 'inflight'
                ? `server overloaded: ${maxInflight} requests in flight; retry later`
                : `server overloaded: requests wait ${Math.round(delay)} ms; retry later`,
          },
          503,
        );
      }
      this.inflight++;
      if (this.inflight > this.peakInflight) this.peakInflight = this.inflight;
      try {
        await next();
      } finally {
        this.inflight--;
      }
    };
  }

  snapshot(): OverloadSnapshot {
    return {
      maxInflight: this.options.maxInflight,
      maxQueueMs: this.options.maxQueueMs,
      inflight: this.inflight,
      peakInflight: this.peakInflight,
      shedInflight: this.shedInflight,
      shedQueue: this.shedQueue,
      eventLoopDelayMs: this.probe.current(),
      peakEventLoopDelayMs: this.peakDelay,
    };
  }

  reset(): void {
    this.peakInflight = this.inflight;
    this.shedInflight = 0;
    this.shedQueue = 0;
    this.peakDelay = 0;
  }

  close(): void {
    this.probe.stop();
  }
}
