import * as hdr from 'hdr-histogram-js';

export interface Percentiles {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface ServerStatsSnapshot {
  requests: number;
  /** Time inside the route handler (parsing, validation, SQLite, serialisation), µs. */
  handlerUs: Percentiles;
  /** Time inside SQLite calls only, µs. */
  dbUs: Percentiles;
  /** SQLITE_BUSY / SQLITE_LOCKED answered with 503. */
  busy: number;
}

const newHistogram = () =>
  hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3 });

function percentiles(h: hdr.Histogram): Percentiles {
  return {
    count: h.totalCount,
    mean: h.totalCount ? h.mean : 0,
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p95: h.getValueAtPercentile(95),
    p99: h.getValueAtPercentile(99),
    max: h.maxValue,
  };
}

/** Server-side timing of each request: handler time and SQLite time, in HDR histograms (µs). */
export class ServerStats {
  private handler = newHistogram();
  private db = newHistogram();
  private busyCount = 0;

  record(handlerMs: number, dbMs: number): void {
    this.handler.recordValue(Math.max(1, Math.round(handlerMs * 1000)));
    this.db.recordValue(Math.max(1, Math.round(dbMs * 1000)));
  }

  busy(): void {
    this.busyCount++;
  }

  snapshot(): ServerStatsSnapshot {
    return {
      requests: this.handler.totalCount,
      handlerUs: percentiles(this.handler),
      dbUs: percentiles(this.db),
      busy: this.busyCount,
    };
  }

  reset(): void {
    this.handler.reset();
    this.db.reset();
    this.busyCount = 0;
  }
}
